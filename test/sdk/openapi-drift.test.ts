/**
 * The SDK types cannot drift from the gateway: every entry of the TS SDK's RESPONSE_FIELDS (whose
 * lists the compiler ties to the TypeScript types) must name exactly the properties of the matching
 * schema in the live gateway's OpenAPI document (GET /api/v1/openapi.json) — request bodies, query
 * parameters and responses. The Python models are checked the same way by sdk/python/tests/test_drift.py.
 */
import { RESPONSE_FIELDS } from '../../sdk/typescript/src/index';
import { propertiesOf, resolve, type OpenApiDoc } from './openapi';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

describe('SDK types match the gateway OpenAPI document', () => {
  let gw: TestGateway;
  let doc: OpenApiDoc;
  beforeAll(async () => {
    gw = await startTestGateway();
    doc = (await gw.request('GET', '/api/v1/openapi.json', { key: null })).body;
  });
  afterAll(() => gw.close());

  it.each(
    RESPONSE_FIELDS.map((s) => [
      `${s.type} (${s.method.toUpperCase()} ${s.path} ${s.in}${s.status ? ` ${s.status}` : ''}${s.at ? ` ${s.at}` : ''})`,
      s,
    ]),
  )('%s', (_name, spec) => {
    const server = propertiesOf(doc, spec);
    expect(typeof server === 'string' ? server : [...server].sort()).toEqual([...spec.fields].sort());
  });

  it('covers every API operation that answers a JSON object', () => {
    const covered = new Set(RESPONSE_FIELDS.map((s) => `${s.method} ${s.path}`));
    const missing: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/v1/')) continue;
      for (const [method, op] of Object.entries<any>(ops)) {
        const objectReply = Object.entries<any>(op.responses ?? {}).some(
          ([status, r]) => status.startsWith('2') && resolve(doc, r.content?.['application/json']?.schema)?.properties,
        );
        if (objectReply && !covered.has(`${method} ${path.slice('/api/v1'.length)}`)) missing.push(`${method} ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
