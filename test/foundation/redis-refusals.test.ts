/**
 * Redis answering but refusing writes answers 503 `unavailable` with Retry-After — never 500 —
 * and the gateway serves again as soon as Redis accepts writes: out of memory under
 * `noeviction` (OOM), and a primary turned into a read-only replica, as after a failover
 * (READONLY). Each against a dedicated real redis-server.
 */
import Redis from 'ioredis';
import { spawnRedis } from '../../server/embedded-redis';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { tempDir, waitUntil } from './process';

type Spawned = Awaited<ReturnType<typeof spawnRedis>>;

describe('Redis refusing writes', () => {
  let primary: Spawned;
  let other: Spawned;
  let gw: TestGateway;
  let admin: Redis;
  let otherAdmin: Redis;

  beforeAll(async () => {
    // Replication writes an RDB snapshot: into temp dirs, not the working directory.
    [primary, other] = await Promise.all([
      spawnRedis({ persist: false, dir: tempDir() }),
      spawnRedis({ persist: false, dir: tempDir() }),
    ]);
    admin = new Redis(primary.url);
    otherAdmin = new Redis(other.url);
    gw = await startTestGateway({ redisUrl: primary.url, config: { workspaces: [{ id: 'team' }] } });
  }, 30000);
  afterAll(async () => {
    await gw?.close();
    await admin?.quit();
    await otherAdmin?.quit();
    await Promise.all([primary?.stop(), other?.stop()]);
  });

  const health = () => gw.request('GET', '/api/v1/health');
  const send = () =>
    gw.request('POST', '/api/v1/messages', { body: { workspace: 'team', userId: 'u', message: 'hi' } });

  const expect503 = (res: Awaited<ReturnType<typeof health>>, reason: RegExp) => {
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.body).toEqual({ error: { code: 'unavailable', message: expect.stringMatching(reason) } });
  };

  it('OOM (maxmemory reached, noeviction): 503, then served again once memory is freed', async () => {
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    await admin.config('SET', 'maxmemory', '1');
    expect503(await health(), /out of memory/);
    expect503(await send(), /out of memory/);
    await admin.config('SET', 'maxmemory', '0');
    expect((await health()).status).toBe(200);
    expect((await send()).status).toBe(200);
  });

  it('READONLY (the primary became a replica, as after a failover): 503, then served again once promoted back', async () => {
    // `other` copies the data, stands alone, and the gateway's Redis becomes its read-only replica.
    await otherAdmin.replicaof('127.0.0.1', String(primary.port));
    await waitUntil(async () => /master_link_status:up/.test(await otherAdmin.info('replication')), 15000, 'the copy');
    await otherAdmin.replicaof('NO', 'ONE');
    await admin.replicaof('127.0.0.1', String(other.port));
    await waitUntil(async () => /master_link_status:up/.test(await admin.info('replication')), 15000, 'the demotion');

    let res = await health();
    await waitUntil(async () => (res = await health()).status !== 200 || false, 10000, 'a refused write');
    expect503(res, /read-only replica/);
    expect503(await send(), /read-only replica/);

    await admin.replicaof('NO', 'ONE');
    await waitUntil(async () => (await health()).status === 200, 10000, 'service after the promotion');
    expect((await send()).status).toBe(200);
  });
});
