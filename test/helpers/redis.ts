/** The test Redis: one server per jest run, one database per jest worker. */
import Redis from 'ioredis';

export function testRedisUrl(): string {
  const base = process.env.TEST_REDIS_BASE;
  if (!base) throw new Error('TEST_REDIS_BASE is not set: run tests through jest (globalSetup starts Redis)');
  const db = Number(process.env.JEST_WORKER_ID ?? '1') % 64;
  return `${base}/${db}`;
}

export async function flushTestDb(url = testRedisUrl()): Promise<void> {
  const r = new Redis(url);
  await r.flushdb();
  await r.quit();
}

/** A plain client for asserting what is stored. Close it in afterAll. */
export const rawRedis = (url = testRedisUrl()) => new Redis(url);
