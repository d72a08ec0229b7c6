/**
 * GET /events keeps events as long as the delivery log (webhooks.retentionDays), by the gateway
 * clock: the keys carry that TTL in Redis, and an event older than that is no longer listed.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { rawRedis } from '../helpers/redis';

const DAY = 86_400_000;

describe('recent events retention', () => {
  let gw: TestGateway;
  let offset = 0;
  const clock = { now: () => Date.now() + offset };
  const redis = rawRedis();

  beforeAll(async () => {
    gw = await startTestGateway({ clock, config: { workspaces: [{ id: 'team' }], webhooks: { retentionDays: 2 } } });
  }, 120_000); // generous: on a loaded shared machine the gateway and its first messages take a while
  afterAll(async () => {
    await gw.close();
    await redis.quit();
  });

  it('lists an event for retentionDays, then no more; the keys expire with it', async () => {
    const old = await gw.gateway.ctx.events.emit('session.ended', 'team', {
      sessionId: 's1',
      workspace: 'team',
      reason: 'idle',
    });
    for (const key of ['oc:{ev:team}:all', 'oc:{ev:team}:t:session.ended']) {
      const ttl = await redis.ttl(key);
      expect([key, ttl > 2 * 86400 - 60 && ttl <= 2 * 86400]).toEqual([key, true]);
    }
    const list = async () =>
      (await gw.request('GET', '/api/v1/events?workspace=team&type=session.ended')).body.data.map((e: any) => e.id);
    offset = 2 * DAY - 60_000;
    expect(await list()).toEqual([old.id]);
    const fresh = await gw.gateway.ctx.events.emit('session.ended', 'team', {
      sessionId: 's2',
      workspace: 'team',
      reason: 'idle',
    });
    offset = 2 * DAY + 60_000;
    expect(await list()).toEqual([fresh.id]);
    // The next write to a set drops what is past the retention from Redis too.
    expect(await redis.zcard('oc:{ev:team}:all')).toBe(2);
    await gw.gateway.ctx.events.emit('session.started', 'team', { sessionId: 's3', workspace: 'team' });
    expect(await redis.zrange('oc:{ev:team}:all', 0, -1)).toEqual([
      expect.stringContaining(fresh.id),
      expect.stringContaining('"s3"'),
    ]);
  });
});
