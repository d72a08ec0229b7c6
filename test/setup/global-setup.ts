/**
 * Starts one real redis-server for the whole jest run (unless REDIS_URL is given). Each jest
 * worker uses its own database number (see test/helpers/redis.ts), flushed per test file.
 */
import { spawnRedis } from '../../server/embedded-redis';

export default async function globalSetup(): Promise<void> {
  if (process.env.REDIS_URL) {
    process.env.TEST_REDIS_BASE = process.env.REDIS_URL.replace(/\/\d+$/, '');
    return;
  }
  const redis = await spawnRedis({ persist: false, databases: 64, say: (l) => process.stderr.write(`${l}\n`) });
  (globalThis as { __REDIS__?: { stop(): Promise<void> } }).__REDIS__ = redis;
  process.env.TEST_REDIS_BASE = redis.url;
}
