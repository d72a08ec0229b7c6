/**
 * Bearer authentication, permissions, workspace scopes and per-key rate limits shared by two
 * gateway processes on one Redis; and no secret in any log line.
 */
import { Writable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { createLogger } from '../../server/logger';
import { DEFAULT_PERMISSIONS } from '../../server/config-schema';
import { WINDOW_SECONDS } from '../../server/store/rate-limits';

/** A clock frozen 10 s into a one-minute window, so a burst never straddles two windows. */
const windowStart = Math.floor(Date.now() / 60000) * 60;
const frozen = { now: () => (windowStart + 10) * 1000 };
const reset = windowStart + WINDOW_SECONDS;

describe('authentication and scopes', () => {
  let gw: TestGateway;
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });

  beforeAll(async () => {
    const log = createLogger('debug', sink) as unknown as FastifyBaseLogger;
    gw = await startTestGateway({ clock: frozen, log, config: { api: { defaultRateLimit: 50 } } });
  });
  afterAll(async () => {
    await gw.close();
  });

  const expect401 = (res: { status: number; headers: Headers; body: any }, code: string) => {
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer( |$)/);
    expect(res.body).toEqual({ error: { code, message: expect.any(String) } });
    expect(res.headers.get('x-ratelimit-limit')).toBeNull();
  };

  it('a missing Authorization header → 401 missing_api_key with WWW-Authenticate: Bearer', async () => {
    const res = await gw.request('GET', '/api/v1/health', { key: null });
    expect401(res, 'missing_api_key');
    expect(res.body.error.message).toContain('Authorization: Bearer');
  });

  it.each(['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', 'bearer-oclaw', 'Bearer two words', `Token ${'x'.repeat(20)}`])(
    'malformed header %j → 401 malformed_api_key',
    async (value) => {
      expect401(
        await gw.request('GET', '/api/v1/health', { key: null, headers: { authorization: value } }),
        'malformed_api_key',
      );
    },
  );

  it('an unknown key → 401 invalid_api_key; so does a revoked one, at once', async () => {
    expect401(
      await gw.request('GET', '/api/v1/health', { key: 'oclaw_live_00000000000000000000000000000000' }),
      'invalid_api_key',
    );
    const key = await gw.createKey();
    expect((await gw.request('GET', '/api/v1/health', { key })).status).toBe(200);
    const rec = await gw.gateway.ctx.stores.keys.verify(key);
    await gw.gateway.ctx.stores.keys.revoke(rec!.id);
    expect401(await gw.request('GET', '/api/v1/health', { key }), 'invalid_api_key');
  });

  it('unknown routes under the prefix need a key too (no route discovery without one)', async () => {
    expect401(await gw.request('GET', '/api/v1/nope', { key: null }), 'missing_api_key');
    const res = await gw.request('GET', '/api/v1/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('route_not_found');
  });

  it('a key made without permissions has exactly the contract’s seven', async () => {
    const key = await gw.createKey();
    const rec = await gw.gateway.ctx.stores.keys.verify(key);
    expect(rec!.permissions).toEqual(DEFAULT_PERMISSIONS);
    expect(DEFAULT_PERMISSIONS).toEqual([
      'messages:write',
      'messages:read',
      'sessions:read',
      'sessions:delete',
      'workspaces:read',
      'workspaces:write',
      'stats:read',
    ]);
    expect((await gw.request('GET', '/api/v1/workspaces', { key })).status).toBe(200);
  });

  it('a missing permission → 403 missing_permission naming it, with rate-limit headers', async () => {
    const key = await gw.createKey({ permissions: ['stats:read'] });
    const res = await gw.request('POST', '/api/v1/workspaces', { key, body: { id: 'nope' } });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      error: { code: 'missing_permission', message: "this API key lacks the 'workspaces:write' permission" },
    });
    expect(res.headers.get('x-ratelimit-limit')).toBe('50');
    expect((await gw.request('GET', '/api/v1/workspaces', { key })).body.error.message).toContain("'workspaces:read'");
    expect(await gw.gateway.ctx.stores.workspaces.get('nope')).toBeNull();
  });

  it('a workspace outside the key’s scope → 403 workspace_forbidden; * means all', async () => {
    const team = await gw.createKey({ workspaces: ['team'] });
    const res = await gw.request('GET', '/api/v1/workspaces/default', { key: team });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      error: { code: 'workspace_forbidden', message: "this API key has no access to workspace 'default'" },
    });
    const all = await gw.createKey({ workspaces: ['*'] });
    expect((await gw.request('GET', '/api/v1/workspaces/default', { key: all })).status).toBe(200);
  });

  it('every authenticated response carries X-RateLimit-* (Reset in epoch seconds), errors included', async () => {
    const key = await gw.createKey({ rateLimit: 5 });
    const ok = await gw.request('GET', '/api/v1/health', { key });
    expect(ok.headers.get('x-ratelimit-limit')).toBe('5');
    expect(ok.headers.get('x-ratelimit-remaining')).toBe('4');
    expect(ok.headers.get('x-ratelimit-reset')).toBe(String(reset));
    for (const [method, path] of [
      ['GET', '/api/v1/nope'],
      ['GET', '/api/v1/workspaces/unknown-ws'],
      ['POST', '/api/v1/workspaces'],
    ]) {
      const res = await gw.request(method, path, { key, body: method === 'POST' ? { id: 'Bad Id' } : undefined });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.headers.get('x-ratelimit-limit')).toBe('5');
    }
    expect((await gw.request('GET', '/api/v1/health', { key })).headers.get('x-ratelimit-remaining')).toBe('0');
  });

  it('past the limit: 429 rate_limited with Retry-After until the window resets', async () => {
    const key = await gw.createKey({ rateLimit: 2 });
    await gw.request('GET', '/api/v1/health', { key });
    await gw.request('GET', '/api/v1/health', { key });
    const res = await gw.request('GET', '/api/v1/health', { key });
    expect(res.status).toBe(429);
    expect(res.body).toEqual({
      error: { code: 'rate_limited', message: expect.stringContaining('2 requests per minute') },
    });
    expect(res.headers.get('retry-after')).toBe(String(reset - (windowStart + 10)));
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(res.headers.get('x-ratelimit-reset')).toBe(String(reset));
  });

  it('rateLimit 0 means unlimited (no rate-limit headers); absent means api.defaultRateLimit', async () => {
    const unlimited = await gw.createKey({ rateLimit: 0 });
    const res = await gw.request('GET', '/api/v1/health', { key: unlimited });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-limit')).toBeNull();
    const dflt = await gw.createKey();
    expect((await gw.request('GET', '/api/v1/health', { key: dflt })).headers.get('x-ratelimit-limit')).toBe('50');
  });

  it('exactly `limit` requests pass when fired concurrently at two gateways on one Redis', async () => {
    const second = await startTestGateway({ clock: frozen, flush: false });
    try {
      const limit = 25;
      const key = await gw.createKey({ rateLimit: limit });
      const results = await Promise.all(
        Array.from({ length: 80 }, (_, i) => (i % 2 ? gw : second).request('GET', '/api/v1/health', { key })),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(limit);
      expect(statuses.filter((s) => s === 429)).toHaveLength(80 - limit);
      // Both processes served some of the successes: the budget really is shared.
      const servedBy = new Set(results.flatMap((r, i) => (r.status === 200 ? [i % 2] : [])));
      expect(servedBy.size).toBe(2);
    } finally {
      await second.close();
    }
  });

  it('no log line contains a key or an Authorization header', async () => {
    const key = await gw.createKey();
    await gw.request('GET', '/api/v1/health', { key });
    await gw.request('GET', `/api/v1/health?api_key=${key}`, { key });
    await gw.request('GET', '/api/v1/health', { key: `${key}x` });
    await gw.request('GET', '/api/v1/health', { key: null, headers: { authorization: `Basic ${key}` } });
    gw.gateway.ctx.log.info(
      { apiKey: key, headers: { authorization: `Bearer ${key}` } },
      `careless message with ${key}`,
    );
    const all = logLines.join('\n');
    expect(logLines.length).toBeGreaterThan(5);
    expect(all).toContain('"msg":"GET /api/v1/health 200'); // one line per request, with its status
    for (const secret of [key, gw.adminKey, key.slice(11)]) expect(all).not.toContain(secret);
    expect(all).not.toMatch(/authorization"\s*:\s*"(Bearer|Basic) [^[]/i);
    expect(all).toContain('oclaw_live_[redacted]');
  });
});
