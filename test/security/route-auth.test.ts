/**
 * Authentication is decided by the route the router matched, not by the URL string: every
 * spelling of an API route needs a key (raw sockets, since fetch normalises what it sends), and
 * without one an existing id and an unknown one answer alike. Framework errors (431, parser
 * 400s, 404, 405) use the one error shape.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { rawGet, rawRequest } from '../helpers/raw-http';

const ONE_SHAPE = { error: { code: expect.any(String), message: expect.any(String) } };

describe('authentication by matched route', () => {
  let gw: TestGateway;
  let ids: { session: string; webhook: string; schedule: string };

  beforeAll(async () => {
    gw = await startTestGateway();
    const sent = await gw.request('POST', '/api/v1/messages', {
      body: { workspace: 'default', userId: 'u1', message: 'hi', sessionId: 'known-session' },
    });
    expect(sent.status).toBe(200);
    const hook = await gw.request('POST', '/api/v1/webhooks', {
      body: { url: 'https://hooks.example.com/x', events: ['*'] },
    });
    const sched = await gw.request('POST', '/api/v1/schedules', {
      body: {
        id: 'known-schedule',
        workspace: 'default',
        userId: 'u',
        message: 'm',
        cron: '0 9 * * *',
        timezone: 'UTC',
      },
    });
    expect([hook.status, sched.status]).toEqual([201, 201]);
    ids = { session: 'known-session', webhook: hook.body.id, schedule: 'known-schedule' };
  });
  afterAll(async () => {
    await gw.close();
  });

  const expect401 = (res: { status: number; headers: Record<string, string>; json: any }) => {
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: { code: 'missing_api_key', message: expect.any(String) } });
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  };

  it.each([
    '/%61pi/v1/health',
    '/api/v1/%68ealth',
    '/%61%70%69/v1/health',
    'http://x/api/v1/health',
    'http://evil.example:80/api/v1/health',
    '/api/v1/health?x=1',
    '/%61pi/v1/workspaces',
    '/%61pi/v1/stats',
    'http://x/api/v1/webhooks',
  ])('GET %s without a key → 401', async (target) => {
    expect401(await rawGet(gw.url, target));
  });

  it.each(['sessions', 'webhooks', 'schedules'] as const)(
    'encoded %s paths: 401, the same for an existing and an unknown id (no existence oracle)',
    async (kind) => {
      const known = kind === 'sessions' ? ids.session : kind === 'webhooks' ? ids.webhook : ids.schedule;
      const unknown = kind === 'webhooks' ? 'wh_doesnotexist' : 'does-not-exist';
      const answers = [];
      for (const id of [known, unknown]) {
        for (const target of [
          `/%61pi/v1/${kind}/${id}`,
          `http://x/api/v1/${kind}/${id}`,
          `/api/v1/${kind}/${encodeURIComponent(id).replace(/-/g, '%2D')}`,
        ]) {
          const res = await rawGet(gw.url, target);
          expect401(res);
          answers.push(res.json);
        }
      }
      expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    },
  );

  it('the same spellings with a valid key reach the route', async () => {
    const res = await rawGet(gw.url, '/%61pi/v1/sessions/known-session', [`Authorization: Bearer ${gw.adminKey}`]);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: 'known-session', workspace: 'default' });
    const abs = await rawGet(gw.url, 'http://x/api/v1/health', [`Authorization: Bearer ${gw.adminKey}`]);
    expect(abs.status).toBe(200);
  });

  it('public routes stay public; routes outside the prefix keep their own rules', async () => {
    expect((await rawGet(gw.url, '/healthz')).status).toBe(200);
    expect((await rawGet(gw.url, '/%68ealthz')).status).toBe(200);
    expect((await rawGet(gw.url, '/api/v1/openapi.json')).status).toBe(200);
    const metrics = await rawGet(gw.url, '/%6detrics');
    expect(metrics.status).toBe(401);
    const board = await rawGet(gw.url, '/%61dmin/queues');
    expect(board.status).toBe(401);
  });
});

describe('framework errors in the one shape', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw.close();
  });

  const host = () => `Host: ${new URL(gw.url).host}`;

  it.each([
    ['a bad Content-Length', ['POST /api/v1/workspaces HTTP/1.1', 'Content-Length: abc']],
    ['two different Content-Lengths', ['POST /api/v1/workspaces HTTP/1.1', 'Content-Length: 1', 'Content-Length: 2']],
    ['a header without a colon', ['GET /api/v1/health HTTP/1.1', 'NoColonHere']],
    ['a space in the path', ['GET /api/v1/he alth HTTP/1.1']],
    ['a control byte in the path', ['GET /api/v1/\x01health HTTP/1.1']],
    ['a raw 8-bit byte in the path', ['GET /api/v1/h\xffealth HTTP/1.1']],
    ['a bad HTTP version', ['GET /api/v1/health HTTP/9.Z']],
  ])('%s → 400 malformed_request', async (_what, [line, ...headers]) => {
    const res = await rawRequest(gw.url, [line, host(), ...headers].join('\r\n'));
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: { code: 'malformed_request', message: expect.any(String) } });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('a bad percent-encoding → 400 malformed_request', async () => {
    const res = await rawGet(gw.url, '/api/v1/workspaces/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: { code: 'malformed_request', message: expect.any(String) } });
  });

  it('oversize headers → 431 headers_too_large', async () => {
    const res = await rawRequest(
      gw.url,
      ['GET /api/v1/health HTTP/1.1', host(), `X-Big: ${'a'.repeat(20_000)}`].join('\r\n'),
    );
    expect(res.status).toBe(431);
    expect(res.json).toEqual({ error: { code: 'headers_too_large', message: expect.any(String) } });
  });

  it.each([
    ['PUT', '/api/v1/health', 'GET, HEAD'],
    ['DELETE', '/api/v1/messages', 'POST'],
    ['POST', '/api/v1/sessions/abc', 'DELETE, GET, HEAD'],
    ['PUT', '/api/v1/webhooks/wh_x', 'DELETE, GET, HEAD, PATCH'],
  ])('%s %s → 405 method_not_allowed with Allow: %s', async (method, path, allow) => {
    expect((await gw.request(method, path, { key: null })).status).toBe(401); // no route discovery without a key
    const res = await gw.request(method, path);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe(allow);
    expect(res.body).toEqual({ error: { code: 'method_not_allowed', message: expect.stringContaining(allow) } });
  });

  it('an unknown path → 404 route_not_found (401 first under the API prefix, in every spelling)', async () => {
    for (const target of ['/api/v1/nothing-here', '/%61pi/v1/nothing-here', 'http://x/api/v1/nothing-here'])
      expect((await rawGet(gw.url, target)).status).toBe(401);
    expect((await gw.request('GET', '/nothing-here', { key: null })).status).toBe(404);
    const res = await gw.request('GET', '/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toEqual(ONE_SHAPE);
    expect(res.body.error.code).toBe('route_not_found');
  });
});
