/**
 * Bad input generated from the gateway's own OpenAPI document: for every operation, bad path
 * ids, bad and huge query numbers, bodies with wrong types, huge numbers, missing and extra
 * fields, bad enums, long strings, bad JSON and content types. Every answer must be below 500,
 * every error in the one shape, the gateway still up, and the heap back near where it started.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { ALL_PERMISSIONS } from '../../server/store/keys';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

type Schema = Record<string, any>;
interface Case {
  method: string;
  path: string;
  body?: string;
  contentType?: string;
  /** Extra headers; `authorization` here replaces the fuzz key (null: none at all). */
  headers?: Record<string, string | null>;
  what: string;
}

/** Authorization variants every operation gets (the last: a real key without the permission or workspace). */
const AUTH_VARIANTS = (weakKey: string): Array<string | null> => [
  null,
  'Basic dXNlcjpwYXNz',
  `Bearer ${'x'.repeat(600)}`,
  'Bearer oclaw_live_0000000000000000000000000000000000000000',
  `Bearer ${weakKey}`,
];
const HEADER_VARIANTS: Array<Record<string, string>> = [
  { 'idempotency-key': 'k'.repeat(300) },
  { 'idempotency-key': '' },
  { 'last-event-id': 'not-an-id' },
  { 'last-event-id': '99999999999999999999999-99999999999999999999' },
  { 'x-request-id': 'r'.repeat(500) },
  { accept: 'text/html' },
];

const LONG = 'x'.repeat(10_000);
const BAD_IDS = [
  '',
  'x'.repeat(300),
  '%00',
  '..%2F..%2Fetc',
  '%E0%A4%A',
  "'%20OR%201=1",
  encodeURIComponent('💥'),
  '-1',
  'wh_' + 'a'.repeat(100),
  '%0d%0aX:1',
  'does-not-exist',
  'msg_unknown1',
  'dlv_unknown1',
  'wh_unknown1',
];
const BAD_NUMBERS = [
  'Infinity',
  '-Infinity',
  '1e309',
  '1e20',
  '-1',
  'abc',
  '',
  '1.5',
  'NaN',
  '99999999999999999999',
  '0',
  '2147483648',
];
const BAD_STRINGS = [LONG, '%00', '%E0%A4%A', encodeURIComponent('\r\nX: y'), 'a&b=c'];
const WRONG_TYPES: unknown[] = [0, -1, 1.5, 'str', '', true, null, [], [1, 2], {}, { nested: { deep: true } }];
const RAW_BODIES = [
  '{',
  '{"a":',
  'null',
  '[]',
  '"str"',
  '123',
  'true',
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"x":1}}}',
  '['.repeat(5000),
  '{"a":1e309}',
  '\u0000',
  '{"a":"\\ud800"}',
];
const CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  'application/jsonx',
  '',
];

const FIELD_SAMPLES: Record<string, unknown> = {
  workspace: 'default',
  url: 'https://hooks.example.invalid/fuzz',
  events: ['*'],
  cron: '0 9 * * *',
  timezone: 'UTC',
  userId: 'fuzz-user',
  message: 'hello',
  sessionId: 'fuzz-session',
};

function resolve(doc: Schema, s: Schema | undefined): Schema {
  if (!s) return {};
  if (s.$ref) return resolve(doc, doc.components?.schemas?.[s.$ref.split('/').pop()]);
  const variants = s.anyOf ?? s.oneOf;
  if (variants)
    return resolve(
      doc,
      variants.find((v: Schema) => v.type !== 'null'),
    );
  return s;
}

/** A plausible value for a schema (validity is not the point: a base to mutate). */
function sample(doc: Schema, raw: Schema, name = ''): unknown {
  if (name in FIELD_SAMPLES) return FIELD_SAMPLES[name];
  const s = resolve(doc, raw);
  if (s.enum) return s.enum[0];
  switch (s.type) {
    case 'object':
      return Object.fromEntries((s.required ?? []).map((k: string) => [k, sample(doc, s.properties?.[k] ?? {}, k)]));
    case 'array':
      return [sample(doc, s.items ?? {}, name)];
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return true;
    default:
      return name === 'id'
        ? `fz-${Math.random().toString(36).slice(2, 10)}`
        : 'x'.repeat(Math.max(1, s.minLength ?? 1));
  }
}

/** Every bad variant of one operation. */
function casesOf(doc: Schema, path: string, method: string, op: Schema, weakKey: string): Case[] {
  const out: Case[] = [];
  const params: Schema[] = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const query = params.filter((p) => p.in === 'query');
  const fill = (over: Record<string, string> = {}) =>
    path.replace(/\{(\w+)\}/g, (_m, n: string) =>
      n in over
        ? over[n]
        : n === 'workspaceId'
          ? 'default'
          : n === 'sessionId'
            ? 'fuzz-session'
            : `${n.replace(/Id$/, '').slice(0, 3)}_unknown1`,
    );
  const body = op.requestBody?.content?.['application/json']?.schema;
  const base = body ? (sample(doc, body) as Record<string, unknown>) : undefined;
  const json = (b: unknown) => JSON.stringify(b);
  const push = (c: Omit<Case, 'method'>) =>
    out.push({
      method,
      ...c,
      ...(base && c.body === undefined && c.contentType === undefined
        ? { body: json(base), contentType: 'application/json' }
        : {}),
    });

  for (const p of pathParams)
    for (const id of BAD_IDS) push({ path: fill({ [p.name]: id }), what: `path ${p.name}=${id.slice(0, 20)}` });
  for (const q of query) {
    const type = resolve(doc, q.schema).type;
    for (const v of type === 'integer' || type === 'number' ? BAD_NUMBERS : BAD_STRINGS)
      push({ path: `${fill()}?${q.name}=${v}`, what: `query ${q.name}=${v.slice(0, 20)}` });
    push({ path: `${fill()}?${q.name}=1&${q.name}=2`, what: `query ${q.name} twice` });
  }
  push({ path: `${fill()}?unknownParam=1`, what: 'unknown query parameter' });
  for (const auth of AUTH_VARIANTS(weakKey))
    push({ path: fill(), headers: { authorization: auth }, what: `authorization ${String(auth).slice(0, 20)}` });
  for (const h of HEADER_VARIANTS) push({ path: fill(), headers: h, what: `header ${Object.keys(h)[0]}` });

  if (base) {
    const props = resolve(doc, body).properties ?? {};
    for (const [name, raw] of Object.entries(props)) {
      const s = resolve(doc, raw as Schema);
      for (const v of WRONG_TYPES)
        push({
          path: fill(),
          body: json({ ...base, [name]: v }),
          contentType: 'application/json',
          what: `body ${name}=${json(v)}`,
        });
      for (const text of ['1e309', '-1e309', '1e20', '-9007199254740993', '1.0000000000000002']) {
        push({
          path: fill(),
          body: json({ ...base, [name]: 0 }).replace(`"${name}":0`, `"${name}":${text}`),
          contentType: 'application/json',
          what: `body ${name}=${text}`,
        });
      }
      push({
        path: fill(),
        body: json({ ...base, [name]: LONG }),
        contentType: 'application/json',
        what: `body ${name} long string`,
      });
      push({
        path: fill(),
        body: json({ ...base, [name]: [LONG, LONG] }),
        contentType: 'application/json',
        what: `body ${name} long strings`,
      });
      if (s.enum || s.type === 'string')
        push({
          path: fill(),
          body: json({ ...base, [name]: 'not-a-valid-enum-value \u0000 ✓' }),
          contentType: 'application/json',
          what: `body ${name} bad enum/pattern`,
        });
      for (const [inner, innerRaw] of Object.entries((s.type === 'object' && s.properties) || {})) {
        for (const v of [...WRONG_TYPES, LONG, sample(doc, innerRaw as Schema, inner)]) {
          push({
            path: fill(),
            body: json({ ...base, [name]: { [inner]: v } }),
            contentType: 'application/json',
            what: `body ${name}.${inner}=${json(v).slice(0, 20)}`,
          });
        }
      }
      const without = { ...base };
      delete without[name];
      push({ path: fill(), body: json(without), contentType: 'application/json', what: `body without ${name}` });
    }
    push({
      path: fill(),
      body: json({ ...base, unexpectedField: 1 }),
      contentType: 'application/json',
      what: 'body extra field',
    });
    push({ path: fill(), body: json({}), contentType: 'application/json', what: 'empty object' });
    for (const raw of RAW_BODIES)
      push({ path: fill(), body: raw, contentType: 'application/json', what: `raw body ${raw.slice(0, 20)}` });
    for (const ct of CONTENT_TYPES)
      push({ path: fill(), body: json(base), contentType: ct, what: `content type ${ct || '(none)'}` });
  } else if (method !== 'get') {
    push({
      path: fill(),
      body: '{"unexpected":true}',
      contentType: 'application/json',
      what: 'a body where none is expected',
    });
  }
  return out;
}

describe('bad input generated from the OpenAPI document', () => {
  let gw: TestGateway;
  let key: string;
  let weakKey: string;

  beforeAll(async () => {
    gw = await startTestGateway({ config: { webhooks: { retries: 0 } } });
    key = await gw.createKey({ permissions: [...ALL_PERMISSIONS], rateLimit: 0, label: 'fuzz' });
    weakKey = await gw.createKey({
      workspaces: ['elsewhere'],
      permissions: ['stats:read'],
      rateLimit: 0,
      label: 'fuzz weak',
    });
  });
  afterAll(async () => {
    await gw.close();
  });

  async function send(c: Case): Promise<{ status: number; text: string; type: string }> {
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    if (c.contentType) headers['content-type'] = c.contentType;
    for (const [k, v] of Object.entries(c.headers ?? {})) {
      if (v === null) delete headers[k];
      else headers[k] = v;
    }
    const res = await fetch(gw.url + c.path, { method: c.method.toUpperCase(), headers, body: c.body });
    return { status: res.status, text: await res.text(), type: res.headers.get('content-type') ?? '' };
  }

  it('≥ 2,000 cases over every route: no 5xx, every error in the one shape, the gateway up, the heap back near baseline', async () => {
    const doc = (await gw.request('GET', '/api/v1/openapi.json', { key: null })).body as Schema;
    const cases: Case[] = [];
    const operations: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Schema>)) {
      for (const [method, op] of Object.entries(ops)) {
        operations.push(`${method.toUpperCase()} ${path}`);
        cases.push(...casesOf(doc, path, method, op, weakKey));
      }
    }
    expect(operations.length).toBeGreaterThanOrEqual(30);
    expect(cases.length).toBeGreaterThanOrEqual(2000);

    // A first pass warms caches and compiled code; the heap is measured around the second.
    const failures: string[] = [];
    const run = async (list: Case[]) => {
      let next = 0;
      const worker = async () => {
        while (next < list.length) {
          const c = list[next++];
          const r = await send(c);
          if (r.status >= 500)
            failures.push(
              `${c.method.toUpperCase()} ${c.path.slice(0, 120)} (${c.what}) → ${r.status} ${r.text.slice(0, 200)}`,
            );
          else if (r.status >= 400) {
            let body: any;
            try {
              body = JSON.parse(r.text);
            } catch {
              body = null;
            }
            const shaped =
              body &&
              Object.keys(body).join() === 'error' &&
              typeof body.error.code === 'string' &&
              typeof body.error.message === 'string' &&
              /^application\/json/.test(r.type);
            if (!shaped)
              failures.push(
                `${c.method.toUpperCase()} ${c.path.slice(0, 120)} (${c.what}) → ${r.status} not in the one shape: ${r.text.slice(0, 200)}`,
              );
          }
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
    };

    const sample = cases.filter((_c, i) => i % 10 === 0);
    await run(sample);
    gc();
    const baseline = process.memoryUsage().heapUsed;
    await run(cases);
    gc();
    gc();
    const after = process.memoryUsage().heapUsed;
    process.stdout.write(
      `bad-input: ${cases.length} cases over ${operations.length} operations; heap ${(baseline / 1048576).toFixed(1)} MB → ${(after / 1048576).toFixed(1)} MB after GC\n`,
    );

    expect(failures.slice(0, 20)).toEqual([]);
    expect((await gw.request('GET', '/healthz', { key: null })).status).toBe(200);
    expect((await gw.request('GET', '/api/v1/health', { key })).body.status).toBe('ok');
    expect(after - baseline).toBeLessThan(64 * 1048576);
  }, 120_000);
});
