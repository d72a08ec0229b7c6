/** The memory store on real Redis: per workspace and user, keyword recall ranking, refresh, cap, forget, drop. */
import Redis from 'ioredis';
import { MemoryStore, MAX_FACTS_PER_USER, MAX_FACT_CHARS } from '../../server/agent/memory-store';
import { flushTestDb, testRedisUrl } from '../helpers/redis';
import { stripSecrets } from '../../server/agent/providers/upstream-request';

describe('MemoryStore', () => {
  let redis: Redis;
  let now = Date.parse('2026-04-30T10:00:00Z');
  let store: MemoryStore;
  beforeAll(async () => {
    await flushTestDb();
    redis = new Redis(testRedisUrl());
    store = new MemoryStore(redis, () => (now += 1000));
  });
  afterAll(() => redis.quit());

  it('recalls the best keyword match first, then the newest; remembering again refreshes', async () => {
    await store.remember('w', 'u', 'Deploys happen on Fridays');
    await store.remember('w', 'u', 'Favourite database is Redis');
    await store.remember('w', 'u', 'Uses Redis streams for deploys');
    expect((await store.recall('w', 'u', 'redis deploys')).map((f) => f.fact)).toEqual([
      'Uses Redis streams for deploys',
      'Favourite database is Redis',
      'Deploys happen on Fridays',
    ]);
    expect((await store.recall('w', 'u', 'database')).map((f) => f.fact)).toEqual(['Favourite database is Redis']);
    expect(await store.recall('w', 'u', 'kubernetes')).toEqual([]);
    await store.remember('w', 'u', '  Deploys happen on Fridays  ');
    expect((await store.recall('w', 'u')).map((f) => f.fact)).toEqual([
      'Deploys happen on Fridays',
      'Uses Redis streams for deploys',
      'Favourite database is Redis',
    ]);
  });

  it('keeps the newest facts per user and truncates long ones', async () => {
    const pipeline = [];
    for (let i = 0; i < MAX_FACTS_PER_USER + 3; i++) pipeline.push(store.remember('w', 'many', `fact number ${i}`));
    await Promise.all(pipeline);
    expect(await redis.zcard('oc:{mem:w}:u:many')).toBe(MAX_FACTS_PER_USER);
    expect(await redis.zscore('oc:{mem:w}:u:many', 'fact number 0')).toBeNull();
    const long = await store.remember('w', 'long', 'x'.repeat(MAX_FACT_CHARS + 50));
    expect(long.fact).toHaveLength(MAX_FACT_CHARS);
  });

  it('forgets by contained text, and drops a whole workspace', async () => {
    expect(await store.forget('w', 'u', 'REDIS')).toBe(2);
    expect(await store.forget('w', 'u', '   ')).toBe(0);
    expect((await store.recall('w', 'u')).map((f) => f.fact)).toEqual(['Deploys happen on Fridays']);
    await store.remember('other', 'u', 'kept');
    await store.dropWorkspace('w');
    expect(await redis.exists('oc:{mem:w}:u:u', 'oc:{mem:w}:u:many', 'oc:{mem:w}:u:long', 'oc:{mem:w}:users')).toBe(0);
    expect((await store.recall('other', 'u')).map((f) => f.fact)).toEqual(['kept']);
  });
});

describe('stripSecrets', () => {
  it('removes known keys, bearer tokens and key-looking strings', () => {
    expect(stripSecrets('key my-own-secret-value leaked', ['my-own-secret-value'])).toBe('key [redacted] leaked');
    expect(stripSecrets('Authorization: Bearer abcdef123456')).toBe('Authorization: Bearer [redacted]');
    expect(stripSecrets('sent Bearer abcdef123456 upstream')).toBe('sent Bearer [redacted] upstream');
    expect(stripSecrets('Incorrect API key provided: sk-proj-abcdefgh1234')).toBe(
      'Incorrect API key provided: [redacted]',
    );
    expect(stripSecrets('token ghp_1234567890abcdef')).toBe('token [redacted]');
    expect(stripSecrets('{"x-api-key":"secret123"}')).toBe('{"x-api-key":"[redacted]"}');
    expect(stripSecrets('HTTP 500 "boom"')).toBe('HTTP 500 "boom"');
  });
});
