/**
 * Fixed one-minute windows per API key, counted in Redis so every gateway process shares one
 * budget. INCR is atomic, so exactly `limit` requests pass in a window however they race.
 *
 * Redis keys: oc:rl:{<keyId>}:<windowStartEpochSeconds> → counter, expires with its window.
 * Requests count through KeyStore.verifyAndCount instead (key check and count in one script,
 * counter under the {keys} hash tag); this store serves callers that only count.
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

/** The fixed window `nowMs` falls in: its start and its reset, in epoch seconds. */
export function windowOf(nowMs: number): { start: number; reset: number } {
  const nowSec = Math.floor(nowMs / 1000);
  const start = nowSec - (nowSec % WINDOW_SECONDS);
  return { start, reset: start + WINDOW_SECONDS };
}

export const rateResult = (count: number, limit: number, reset: number): RateLimitResult => ({ limit, remaining: Math.max(0, limit - count), reset, allowed: count <= limit });

export class RateLimitStore {
  constructor(private readonly redis: Redis, private readonly now: () => number = Date.now) {}

  async hit(keyId: string, limit: number): Promise<RateLimitResult> {
    const { start, reset } = windowOf(this.now());
    const k = `oc:rl:{${keyId}}:${start}`;
    const [[, count]] = (await this.redis.multi().incr(k).expire(k, WINDOW_SECONDS + 5).exec()) as [[null, number], [null, number]];
    return rateResult(count, limit, reset);
  }
}
