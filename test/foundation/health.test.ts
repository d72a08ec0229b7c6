/**
 * Health and readiness: the contract's health object, the /healthz and /readyz probes, 503
 * `starting` before Redis is ready, 503 `unavailable` when Redis goes away later, and recovery
 * on its own once it is back (a dedicated redis-server, stopped and restarted on one port).
 */
import type { FastifyBaseLogger } from 'fastify';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { parseConfig } from '../../server/config';
import { startGateway, type Gateway } from '../../server/gateway';
import { createLogger } from '../../server/logger';
import { freePort, spawnRedis } from '../../server/embedded-redis';
import { tempDir, waitUntil } from './process';

describe('health', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw.close();
  });

  it('GET /api/v1/health answers the contract object (plus model) to any valid key', async () => {
    const key = await gw.createKey({ workspaces: ['team'], permissions: ['stats:read'] });
    const res = await gw.request('GET', '/api/v1/health', { key });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['status', 'version', 'uptime', 'channels', 'redis', 'memoryMB', 'model']);
    expect(res.body).toEqual({
      status: 'ok',
      version: '1.4.2',
      uptime: expect.any(Number),
      channels: {},
      redis: 'connected',
      memoryMB: expect.any(Number),
      model: 'offline',
    });
    expect(Number.isInteger(res.body.uptime) && res.body.uptime >= 0).toBe(true);
    expect(res.body.memoryMB).toBe(Math.round(res.body.memoryMB));
    expect(res.body.memoryMB).toBeGreaterThan(10);
  });

  it('/healthz and /readyz answer without a key', async () => {
    const alive = await gw.request('GET', '/healthz', { key: null });
    expect([alive.status, alive.body]).toEqual([200, { status: 'alive' }]);
    const ready = await gw.request('GET', '/readyz', { key: null });
    expect([ready.status, ready.body]).toEqual([200, { status: 'ready' }]);
  });
});

describe('starting, losing Redis and recovering', () => {
  const dir = tempDir('openclaw-redis-');
  let redisPort: number;
  let apiPort: number;
  let redis: Awaited<ReturnType<typeof spawnRedis>> | null = null;
  let gateway: Gateway | null = null;
  let key: string;
  const get = async (path: string, k: string | null = key) => {
    const res = await fetch(`http://127.0.0.1:${apiPort}${path}`, {
      headers: k ? { authorization: `Bearer ${k}` } : {},
    });
    return { status: res.status, headers: res.headers, body: await res.json() };
  };
  const startRedis = async () => {
    redis = await spawnRedis({ port: redisPort, dir, persist: true });
  };

  beforeAll(async () => {
    redisPort = await freePort();
    apiPort = await freePort();
  });
  afterAll(async () => {
    let timer: NodeJS.Timeout | undefined;
    const closed = Promise.race([
      (gateway ? gateway.close() : Promise.resolve()).then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 30000))),
    ]);
    try {
      // A close that hangs after the outage is a bug to see, not a timeout to hide.
      expect(await closed).toBe(true);
    } finally {
      clearTimeout(timer);
      await redis?.stop(); // never leave the dedicated redis-server behind
    }
  }, 60000);

  it('listens before Redis is up and answers 503 starting with Retry-After until ready', async () => {
    const config = parseConfig({ api: { port: apiPort, host: '127.0.0.1' }, logging: { level: 'silent' } }, {});
    const log = createLogger('silent') as unknown as FastifyBaseLogger;
    const starting = startGateway({ config, redisUrl: `redis://127.0.0.1:${redisPort}`, log, say: () => undefined });
    starting.catch(() => undefined);
    await waitUntil(
      async () => (await fetch(`http://127.0.0.1:${apiPort}/healthz`).catch(() => null))?.status === 200,
      10000,
      'the gateway to listen',
    );

    for (const k of ['oclaw_live_whatever00000000000000000000000', null]) {
      const res = await get('/api/v1/health', k);
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ error: { code: 'starting', message: expect.any(String) } });
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    const ready = await get('/readyz', null);
    expect(ready.status).toBe(503);
    expect(ready.body.error.code).toBe('starting');
    expect(ready.headers.get('retry-after')).not.toBeNull();
    expect((await get('/healthz', null)).status).toBe(200);

    await startRedis();
    gateway = await starting;
    key = (await gateway.ctx.stores.keys.create({ label: 't', workspaces: ['*'], source: 'cli' })).key;
    expect(gateway.bootstrapKey).toMatch(/^oclaw_live_/);
    expect((await get('/api/v1/health')).status).toBe(200);
    expect((await get('/readyz', null)).status).toBe(200);
  });

  it('Redis going away → 503 unavailable (never 500), probes say so, and it recovers by itself', async () => {
    await redis!.stop();
    redis = null;
    await waitUntil(() => gateway!.ctx.redis.status !== 'ready', 5000, 'the client to notice');

    for (const path of ['/api/v1/health', '/api/v1/workspaces']) {
      const res = await get(path);
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ error: { code: 'unavailable', message: expect.stringContaining('Redis') } });
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    const created = await fetch(`http://127.0.0.1:${apiPort}/api/v1/workspaces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'while-down' }),
    });
    expect(created.status).toBe(503);
    const ready = await get('/readyz', null);
    expect([ready.status, ready.body.error.code]).toEqual([503, 'unavailable']);
    expect((await get('/healthz', null)).status).toBe(200);

    await startRedis();
    await waitUntil(async () => (await get('/api/v1/health')).status === 200, 15000, 'recovery');
    const health = await get('/api/v1/health');
    expect(health.body).toMatchObject({ status: 'ok', redis: 'connected' });
    expect((await get('/readyz', null)).status).toBe(200);
    expect((await get('/api/v1/workspaces/while-down')).status).toBe(404);
  });
});
