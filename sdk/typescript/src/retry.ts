/**
 * When to retry and how long to wait. Retried: connection errors and timeouts, 408, 409 (except
 * the gateway's permanent conflicts), 429 and 5xx; a POST only when it carries an Idempotency-Key
 * the gateway honours. The wait is what the gateway asked for (`Retry-After`, else
 * `X-RateLimit-Reset`), else exponential backoff from 0.5 s up to 8 s; both get jitter so many
 * clients do not come back at the same instant.
 */
import { parseRetryAfterMs, type OpenClawError } from './errors.js';

/** 409 codes that no retry can change (the thing exists, is read-only, is gone, is full). */
const PERMANENT_CONFLICTS = new Set([
  'already_exists',
  'read_only',
  'expired',
  'idempotency_result_unavailable',
  'subscription_limit_reached',
  'schedule_limit_reached',
]);

/** True when this failure may succeed if sent again. */
export function isRetryable(error: OpenClawError): boolean {
  if (error.status === 0) return error.code === 'connection_error' || error.code === 'timeout';
  if (error.status === 409) return !PERMANENT_CONFLICTS.has(error.code);
  return error.status === 408 || error.status === 429 || error.status >= 500;
}

/**
 * The headers that advise a wait for this error: `Retry-After` always, `X-RateLimit-Reset` only on
 * a 429 (every reply carries it, and a 502 is no reason to wait for the rate-limit window).
 */
export function adviceOf(error: OpenClawError): Record<string, string> {
  const { 'retry-after': retryAfter, 'x-ratelimit-reset': reset } = error.headers;
  return {
    ...(retryAfter !== undefined ? { 'retry-after': retryAfter } : {}),
    ...(error.status === 429 && reset !== undefined ? { 'x-ratelimit-reset': reset } : {}),
  };
}

/** The wait the gateway asked for in ms (`Retry-After`, else `X-RateLimit-Reset`), or null. */
export function advisedWaitMs(headers: Record<string, string>, nowMs: number): number | null {
  const retryAfter = parseRetryAfterMs(headers['retry-after'], nowMs);
  if (retryAfter !== null) return retryAfter;
  const reset = Number(headers['x-ratelimit-reset']);
  if (headers['x-ratelimit-reset'] !== undefined && headers['x-ratelimit-reset'] !== '' && Number.isFinite(reset))
    return Math.max(0, reset * 1000 - nowMs);
  return null;
}

/**
 * How long to wait before retry number `attempt + 1`, in ms: the gateway's advice plus up to 10 %
 * (never earlier than asked), else `min(0.5 s × 2^attempt, 8 s)` minus up to 25 %.
 * `random` is `Math.random` unless a test pins it.
 */
export function retryDelayMs(
  headers: Record<string, string>,
  attempt: number,
  nowMs: number,
  random: () => number = Math.random,
): number {
  const advised = advisedWaitMs(headers, nowMs);
  if (advised !== null) return Math.round(advised * (1 + 0.1 * random()));
  return Math.round(Math.min(500 * 2 ** attempt, 8000) * (1 - 0.25 * random()));
}
