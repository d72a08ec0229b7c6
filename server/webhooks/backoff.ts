/** When to try a failed delivery again: exponential backoff with jitter, or the receiver's Retry-After. */

/**
 * Delay before attempt `attempt + 1` after attempt `attempt` (1-based) failed: base·2^(attempt-1),
 * "equal jitter" (half fixed, half random, so retries of many deliveries spread out), capped at
 * maxMs. A Retry-After from the receiver wins when it asks for longer (still capped).
 */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, retryAfterMs: number | null = null, random = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(exp / 2 + random() * (exp / 2));
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
