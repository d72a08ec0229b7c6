/** When to try a failed delivery again: a fixed schedule (Standard Webhooks / Svix practice) with a little jitter, or the receiver's Retry-After. */

/**
 * The default delays between attempts: immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
 * 10 h later (about 27.6 hours in all). `retries: N` uses the first N steps; past the end, the
 * last step repeats.
 */
export const DEFAULT_RETRY_SCHEDULE_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

/** Up to this fraction is added to each step, so deliveries that failed together spread out. */
export const JITTER = 0.1;

/**
 * Delay before retry number `retry` (1 = the attempt after the first failure): the schedule's
 * step plus up to 10 % jitter, never sooner than a receiver's Retry-After asks, capped at maxMs.
 */
export function retryDelayMs(
  retry: number,
  schedule: readonly number[],
  maxMs: number,
  retryAfterMs: number | null = null,
  random = Math.random,
): number {
  const step = schedule[Math.min(Math.max(1, retry), schedule.length) - 1] ?? 0;
  const jittered = Math.round(step + random() * step * JITTER);
  return Math.min(maxMs, Math.max(jittered, retryAfterMs ?? 0));
}

/** Retry-After as seconds or an HTTP date → milliseconds from now; null when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}
