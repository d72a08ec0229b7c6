/**
 * Fixed one-minute windows per API key, counted in Redis so every gateway process shares one
 * budget. INCR is atomic, so exactly `limit` requests pass in a window however they race.
 *
 * Redis keys: oc:rl:{<keyId>}:<windowStartEpochSeconds> → counter, expires with its window.
 */
import type Redis from 'ioredis';

export const WINDOW_SECONDS = 60;

export interface RateLimitResult {
  limit: number;
  remaining: number;
  /** Unix epoch seconds at which the window resets. */
  reset: number;
  allowed: boolean;
}

export class RateLimitStore {
  constructor(private readonly redis: Redis, private readonly now: () => number = Date.now) {}

  async hit(keyId: string, limit: number): Promise<RateLimitResult> {
    const nowSec = Math.floor(this.now() / 1000);
    const windowStart = nowSec - (nowSec % WINDOW_SECONDS);
    const reset = windowStart + WINDOW_SECONDS;
    const k = `oc:rl:{${keyId}}:${windowStart}`;
    const [[, count]] = (await this.redis.multi().incr(k).expire(k, WINDOW_SECONDS + 5).exec()) as [[null, number], [null, number]];
    return { limit, remaining: Math.max(0, limit - count), reset, allowed: count <= limit };
  }
}
