/**
 * The embedded redis-server starts with a memory limit and `noeviction`: past the limit, writes
 * are refused with OOM (which the gateway answers as 503) and nothing already stored — queue
 * jobs, outboxes, delivery logs — is ever evicted to make room.
 */
import Redis from 'ioredis';
import { maxmemoryBytes, startEmbeddedRedis } from '../../server/embedded-redis';
import { tempDir } from '../foundation/process';

describe('embedded Redis memory limit', () => {
  it('reads redis.maxmemory as bytes, units or a share of RAM', () => {
    expect(maxmemoryBytes('512mb')).toBe(512 * 1024 * 1024);
    expect(maxmemoryBytes('2gb')).toBe(2 * 1024 ** 3);
    expect(maxmemoryBytes('64kb')).toBe(64 * 1024);
    expect(maxmemoryBytes('1000000')).toBe(1_000_000);
    expect(maxmemoryBytes('25%', 8 * 1024 ** 3)).toBe(2 * 1024 ** 3);
    expect(() => maxmemoryBytes('lots')).toThrow("redis.maxmemory: 'lots' is not a size such as 512mb or 25%");
  });

  it('refuses writes past the limit with OOM and evicts nothing', async () => {
    const embedded = await startEmbeddedRedis(tempDir('openclaw-maxmem-'), () => undefined, 'gateway', '4mb');
    const redis = new Redis(embedded.url, { maxRetriesPerRequest: 0 });
    try {
      expect(await redis.config('GET', 'maxmemory')).toEqual(['maxmemory', String(4 * 1024 * 1024)]);
      expect(await redis.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      const value = 'x'.repeat(64 * 1024);
      let written = 0;
      let refusal: Error | null = null;
      for (let i = 0; i < 200 && !refusal; i++) {
        try {
          await redis.set(`k:${i}`, value);
          written++;
        } catch (err) {
          refusal = err as Error;
        }
      }
      expect(refusal?.message).toMatch(/^OOM command not allowed when used memory > 'maxmemory'/);
      expect(written).toBeGreaterThan(10);
      // Every key written before the refusal is still there.
      expect(await redis.dbsize()).toBe(written);
      // Reads and deletes still work, and free room for writes again.
      expect(await redis.get('k:0')).toBe(value);
      await redis.del('k:0', 'k:1', 'k:2');
      await expect(redis.set('after', 'ok')).resolves.toBe('OK');
    } finally {
      redis.disconnect();
      await embedded.stop();
    }
  });
});
