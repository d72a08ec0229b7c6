/**
 * KeyStore.verifyAndCount, the one round trip of every authenticated request: the key's check
 * and its rate-limit count in one script. What it counts, where the counter lives (with the key
 * records under the {keys} hash tag, so the script stays on one cluster slot), and that a
 * revoked or unknown key is refused and never counted.
 */
import Redis from 'ioredis';
import { KeyStore } from '../../server/store/keys';
import { flushTestDb, testRedisUrl } from '../helpers/redis';

const NOW = Date.parse('2026-04-30T14:00:10Z');
const WINDOW = Math.floor(Date.parse('2026-04-30T14:00:00Z') / 1000);

describe('KeyStore.verifyAndCount', () => {
  let redis: Redis;
  let keys: KeyStore;
  beforeAll(async () => {
    await flushTestDb();
    redis = new Redis(testRedisUrl());
    keys = new KeyStore(redis, () => new Date(NOW));
  });
  afterAll(async () => void (await redis.quit()));

  it("counts the key's own limit in the window's counter, beside the key records", async () => {
    const { key, record } = await keys.create({ label: 'limited', workspaces: ['*'], rateLimit: 2, source: 'cli' });
    const first = await keys.verifyAndCount(key, 600);
    expect(first).toEqual({ key: record, rate: { limit: 2, remaining: 1, reset: WINDOW + 60, allowed: true } });
    await keys.verifyAndCount(key, 600);
    expect((await keys.verifyAndCount(key, 600))!.rate).toEqual({
      limit: 2,
      remaining: 0,
      reset: WINDOW + 60,
      allowed: false,
    });
    const counter = `oc:{keys}:rl:${record.id}:${WINDOW}`;
    expect(await redis.get(counter)).toBe('3');
    expect(await redis.ttl(counter)).toBeGreaterThan(60);
  });

  it('a key without a limit of its own gets the default; limit 0 is not counted at all', async () => {
    const byDefault = await keys.create({ label: 'default', workspaces: ['*'], source: 'cli' });
    expect((await keys.verifyAndCount(byDefault.key, 50))!.rate).toMatchObject({ limit: 50, remaining: 49 });
    expect((await keys.verifyAndCount(byDefault.key, 0))!.rate).toBeNull(); // api.defaultRateLimit 0: unlimited
    const unlimited = await keys.create({ label: 'unlimited', workspaces: ['*'], rateLimit: 0, source: 'cli' });
    expect(await keys.verifyAndCount(unlimited.key, 50)).toEqual({ key: unlimited.record, rate: null });
    expect(await redis.exists(`oc:{keys}:rl:${unlimited.record.id}:${WINDOW}`)).toBe(0);
  });

  it('an unknown or revoked key is refused on its next request and not counted', async () => {
    expect(await keys.verifyAndCount('oclaw_live_unknownunknownunknown', 600)).toBeNull();
    const { key, record } = await keys.create({
      label: 'soon revoked',
      workspaces: ['*'],
      rateLimit: 5,
      source: 'cli',
    });
    expect(await keys.verifyAndCount(key, 600)).not.toBeNull();
    await keys.revoke(record.id);
    expect(await keys.verifyAndCount(key, 600)).toBeNull();
    expect(await redis.get(`oc:{keys}:rl:${record.id}:${WINDOW}`)).toBe('1');
  });
});
