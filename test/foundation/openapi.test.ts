/**
 * The served OpenAPI document (GET /api/v1/openapi.json) is what importers (Make, Zapier's
 * generators, SDK builders) read: it must validate as OpenAPI 3.1 with a maintained validator,
 * name every operation with a unique operationId, tag each with a declared resource tag, and
 * describe every event payload in its `webhooks` section.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { EVENT_NAMES } from '../../server/events';

/** Runs the maintained validator (an ES module) in node on the document. */
function validate(doc: unknown): Promise<{ valid: boolean; version: string; errors: unknown }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'validate-openapi.mjs')], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`validator exited ${code}`)),
    );
    child.stdin.end(JSON.stringify(doc));
  });
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options', 'trace'];

describe('OpenAPI document', () => {
  let gw: TestGateway;
  let doc: any;
  beforeAll(async () => {
    gw = await startTestGateway();
    const res = await gw.request('GET', '/api/v1/openapi.json', { key: null });
    expect(res.status).toBe(200);
    doc = res.body;
  }, 120_000); // generous: on a loaded shared machine the gateway and its first messages take a while
  afterAll(() => gw.close());

  const operations = () =>
    Object.entries<any>(doc.paths).flatMap(([path, item]) =>
      Object.entries<any>(item)
        .filter(([m]) => METHODS.includes(m))
        .map(([method, op]) => ({ where: `${method.toUpperCase()} ${path}`, op })),
    );

  it('validates as OpenAPI 3.1 (@seriousme/openapi-schema-validator)', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(doc);
    expect(result.errors).toBeNull();
    expect(result).toMatchObject({ valid: true, version: '3.1' });
  });

  it('the validator does refuse a broken document (so the check above means something)', async () => {
    const broken = structuredClone(doc);
    broken.webhooks['message.sent'].post.responses = 'none';
    expect((await validate(broken)).valid).toBe(false);
  });

  it('every operation has a unique operationId and one declared tag', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(30);
    expect(ops.filter(({ op }) => typeof op.operationId !== 'string').map((o) => o.where)).toEqual([]);
    const ids = ops.map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const declared = new Set(doc.tags.map((t: any) => t.name));
    expect(ops.filter(({ op }) => op.tags?.length !== 1 || !declared.has(op.tags[0])).map((o) => o.where)).toEqual([]);
    expect(doc.paths['/api/v1/events'].get.operationId).toBe('listEvents');
    expect(doc.paths['/api/v1/messages'].post.operationId).toBe('sendMessage');
  });

  it('webhooks describes every event payload with the signature headers', () => {
    expect(Object.keys(doc.webhooks).sort()).toEqual([...EVENT_NAMES, 'ping'].sort());
    for (const [event, item] of Object.entries<any>(doc.webhooks)) {
      const schema = item.post.requestBody.content['application/json'].schema;
      expect(Object.keys(schema.properties)).toEqual(['id', 'event', 'timestamp', 'data']);
      expect(schema.properties.event.const).toBe(event);
      expect(item.post.parameters.map((p: any) => p.name)).toEqual(
        expect.arrayContaining(['webhook-id', 'webhook-timestamp', 'webhook-signature', 'X-OpenClaw-Signature']),
      );
    }
    const sent = doc.webhooks['message.sent'].post.requestBody.content['application/json'].schema.properties.data;
    expect(Object.keys(sent.properties).sort()).toEqual([
      'channel',
      'latencyMs',
      'messageId',
      'response',
      'sessionId',
      'tokensUsed',
      'userId',
      'workspace',
    ]);
  });
});
