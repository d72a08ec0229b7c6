/**
 * The HTTP surface every route shares: the one error shape (404, 413, 400, 415, validation),
 * X-Request-Id, CORS from api.cors, the OpenAPI document and the /docs page.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { routesOf } from '../../server/app';

const ERROR = { error: { code: expect.any(String), message: expect.any(String) } };

describe('errors and request ids', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ config: { api: { bodyLimitBytes: 2048 } } });
  });
  afterAll(async () => {
    await gw.close();
  });

  it('an unknown route → 404 route_not_found in the one shape, with a request id', async () => {
    const res = await gw.request('GET', '/nope?x=1', { key: null });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'route_not_found', message: 'no route for GET /nope' } });
    expect(res.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('an oversize body → 413 payload_too_large', async () => {
    const res = await gw.request('POST', '/api/v1/workspaces', { body: { id: 'big', label: 'x'.repeat(4000) } });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: { code: 'payload_too_large', message: expect.any(String) } });
    expect(await gw.gateway.ctx.stores.workspaces.get('big')).toBeNull();
  });

  it.each([
    ['{"id": "x",', 'invalid_json'],
    ['{id: 1}', 'invalid_json'],
    ['', 'invalid_json'],
  ])('bad JSON %j → 400 %s', async (raw, code) => {
    const res = await gw.request('POST', '/api/v1/workspaces', {
      rawBody: raw,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code, message: expect.stringMatching(/JSON/) } });
  });

  it.each(['text/plain', 'application/xml', 'application/x-www-form-urlencoded'])(
    'a %s body → 415 unsupported_media_type',
    async (type) => {
      const res = await gw.request('POST', '/api/v1/workspaces', {
        rawBody: 'id=x',
        headers: { 'content-type': type },
      });
      expect(res.status).toBe(415);
      expect(res.body).toEqual({
        error: { code: 'unsupported_media_type', message: expect.stringContaining('Content-Type: application/json') },
      });
    },
  );

  it('a body with no Content-Type → 415 saying to send application/json', async () => {
    const res = await fetch(`${gw.url}/api/v1/workspaces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.adminKey}` },
      body: new Uint8Array(Buffer.from('{"id":"x"}')),
    });
    expect(res.status).toBe(415);
    expect((await res.json()).error).toEqual({
      code: 'unsupported_media_type',
      message: expect.stringContaining('Content-Type: application/json'),
    });
  });

  it('a known path with the wrong method → 405 with Allow', async () => {
    const res = await gw.request('PUT', '/api/v1/workspaces');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD, POST');
    expect(res.body.error.code).toBe('method_not_allowed');
  });

  it('a schema violation → 400 validation_error naming the field', async () => {
    const res = await gw.request('POST', '/api/v1/workspaces', { body: { id: 42 } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'validation_error', message: 'id: must be string', field: 'id' } });
  });

  it('a malformed URL → 400 in the one shape', async () => {
    const res = await gw.request('GET', '/api/v1/workspaces/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(res.body).toEqual(ERROR);
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('echoes the client’s own X-Request-Id; replaces an unusable one', async () => {
    const mine = await gw.request('GET', '/api/v1/health', { headers: { 'x-request-id': 'trace-abc.123' } });
    expect(mine.headers.get('x-request-id')).toBe('trace-abc.123');
    const err = await gw.request('GET', '/api/v1/health', { key: null, headers: { 'x-request-id': 'trace-401' } });
    expect(err.headers.get('x-request-id')).toBe('trace-401');
    const long = await gw.request('GET', '/healthz', { headers: { 'x-request-id': 'x'.repeat(200) } });
    expect(long.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    const a = await gw.request('GET', '/healthz');
    const b = await gw.request('GET', '/healthz');
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
  });
});

describe('CORS', () => {
  const origin = 'https://your-dashboard.com';
  const preflight = (gw: TestGateway, from: string) =>
    gw.request('OPTIONS', '/api/v1/workspaces', {
      key: null,
      headers: {
        origin: from,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });

  it('from api.cors: preflight allowed for listed origins only; responses (errors too) carry the headers', async () => {
    const gw = await startTestGateway({
      config: { api: { cors: { origins: [origin], methods: ['GET', 'POST', 'PATCH', 'DELETE'] } } },
    });
    try {
      const ok = await preflight(gw, origin);
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe(origin);
      expect(ok.headers.get('access-control-allow-methods')).toBe('GET, POST, PATCH, DELETE');
      expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');

      const other = await preflight(gw, 'https://evil.example');
      expect(other.headers.get('access-control-allow-origin')).toBeNull();

      const get = await gw.request('GET', '/api/v1/health', { headers: { origin } });
      expect(get.status).toBe(200);
      expect(get.headers.get('access-control-allow-origin')).toBe(origin);
      expect(get.headers.get('access-control-expose-headers')).toContain('X-RateLimit-Reset');
      const denied = await gw.request('GET', '/api/v1/health', { key: null, headers: { origin } });
      expect(denied.status).toBe(401);
      expect(denied.headers.get('access-control-allow-origin')).toBe(origin);
    } finally {
      await gw.close();
    }
  });

  it('origins ["*"] allows any origin', async () => {
    const gw = await startTestGateway({ config: { api: { cors: { origins: ['*'] } } } });
    try {
      const res = await preflight(gw, 'https://anything.example');
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
    } finally {
      await gw.close();
    }
  });

  it('no api.cors: no cross-origin access at all', async () => {
    const gw = await startTestGateway();
    try {
      const res = await preflight(gw, origin);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.body).toEqual(ERROR);
      const get = await gw.request('GET', '/api/v1/health', { headers: { origin } });
      expect(get.status).toBe(200);
      expect(get.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await gw.close();
    }
  });
});

describe('API description', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw.close();
  });

  it('GET /api/v1/openapi.json (no key) lists every API route with its schemas and errors', async () => {
    const res = await gw.request('GET', '/api/v1/openapi.json', { key: null });
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info).toMatchObject({ title: 'OpenClaw Gateway API', version: '1.4.2' });
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.schemas.Error).toBeDefined();

    const api = routesOf(gw.gateway.app!).filter((r) => r.url.startsWith('/api/v1/') && !r.hidden);
    expect(api.length).toBeGreaterThanOrEqual(6);
    for (const r of api) {
      const path = r.url.replace(/:(\w+)/g, '{$1}');
      const op = doc.paths[path]?.[r.method.toLowerCase()];
      expect({ route: `${r.method} ${r.url}`, listed: !!op }).toEqual({ route: `${r.method} ${r.url}`, listed: true });
      const codes = Object.keys(op.responses);
      expect(codes.some((c) => /^2\d\d$/.test(c))).toBe(true);
      expect(codes).toEqual(expect.arrayContaining(['401', '429', '503']));
      expect(op.responses['401'].content['application/json'].schema.$ref).toBe('#/components/schemas/Error');
      if (['POST', 'PATCH', 'PUT'].includes(r.method) && op.requestBody)
        expect(op.requestBody.content['application/json'].schema).toBeDefined();
    }
    const ws = doc.paths['/api/v1/workspaces'];
    expect(ws.post.requestBody.content['application/json'].schema.required).toEqual(['id']);
    expect(Object.keys(ws.post.responses)).toEqual(expect.arrayContaining(['201', '400', '403', '409', '413']));
    expect(doc.paths['/api/v1/health'].get.responses['200'].content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['status', 'version', 'uptime', 'channels', 'redis', 'memoryMB']),
    );
    expect(doc.paths['/healthz']).toBeUndefined();
  });

  it('/docs serves the interactive documentation page', async () => {
    const res = await fetch(`${gw.url}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toMatch(/swagger/i);
    const json = await fetch(`${gw.url}/docs/json`);
    expect((await json.json()).paths['/api/v1/workspaces']).toBeDefined();
  });

  it('the overhead headers are a number or absent on every page of /docs and the API', async () => {
    const page = await (await fetch(`${gw.url}/docs/static/index.html`)).text();
    const assets = [...page.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => `/docs/static/${m[1]}`);
    for (const path of [
      '/docs',
      '/docs/',
      '/docs/static/index.html',
      ...assets,
      '/docs/json',
      '/api/v1/openapi.json',
      '/healthz',
      '/nope',
    ]) {
      const res = await fetch(`${gw.url}${path}`);
      await res.arrayBuffer();
      const overhead = res.headers.get('x-openclaw-overhead-ms');
      const timing = res.headers.get('server-timing');
      if (overhead !== null) expect([path, overhead]).toEqual([path, expect.stringMatching(/^\d+\.\d{2}$/)]);
      if (timing !== null) expect([path, timing]).toEqual([path, expect.stringMatching(/^gateway;dur=\d+\.\d{2}/)]);
    }
    expect(assets.length).toBeGreaterThan(0);
  });
});
