/**
 * Fixed one-minute windows per API key, counted in Redis so every gateway process shares one
 * budget. INCR is atomic, so exactly `limit` requests pass in a window however they race.
 * The count happens in KeyStore.verifyAndCount (key check and count in one script; counter
 * oc:{keys}:rl:<keyId>:<windowStartEpochSeconds>, expiring with its window); this module holds
 * the window arithmetic.
 */
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

export const rateResult = (count: number, limit: number, reset: number): RateLimitResult => ({
  limit,
  remaining: Math.max(0, limit - count),
  reset,
  allowed: count <= limit,
});
