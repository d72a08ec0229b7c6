/** The retry schedule: Standard Webhooks / Svix steps, `retries: N` = the first N, jitter, Retry-After, caps. */
import { DEFAULT_RETRY_SCHEDULE_MS, parseRetryAfter, retryDelayMs } from '../../server/webhooks/backoff';

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const NO_CAP = Number.MAX_SAFE_INTEGER;

describe('webhook retry schedule', () => {
  it('is 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after the immediate first attempt', () => {
    expect(DEFAULT_RETRY_SCHEDULE_MS).toEqual([5 * S, 5 * MIN, 30 * MIN, 2 * H, 5 * H, 10 * H, 10 * H]);
    const noJitter = () => 0;
    expect(
      [1, 2, 3, 4, 5, 6, 7].map((n) => retryDelayMs(n, DEFAULT_RETRY_SCHEDULE_MS, NO_CAP, null, noJitter)),
    ).toEqual(DEFAULT_RETRY_SCHEDULE_MS);
  });

  it('repeats the last step past the end of the schedule (retries above its length)', () => {
    expect(retryDelayMs(12, DEFAULT_RETRY_SCHEDULE_MS, NO_CAP, null, () => 0)).toBe(10 * H);
    expect(retryDelayMs(3, [100], NO_CAP, null, () => 0)).toBe(100);
  });

  it('adds at most 10 % jitter, never less than the step', () => {
    expect(retryDelayMs(2, DEFAULT_RETRY_SCHEDULE_MS, NO_CAP, null, () => 0.999999)).toBe(
      Math.round(5 * MIN * 1.1 - 0.3),
    );
    expect(retryDelayMs(2, DEFAULT_RETRY_SCHEDULE_MS, NO_CAP, null, () => 0.5)).toBe(5 * MIN + 15 * S);
  });

  it('honours a longer Retry-After, never a shorter one, and caps every delay at maxDelayMs', () => {
    expect(retryDelayMs(1, DEFAULT_RETRY_SCHEDULE_MS, NO_CAP, 60 * S, () => 0)).toBe(60 * S);
    expect(retryDelayMs(2, DEFAULT_RETRY_SCHEDULE_MS, NO_CAP, 1 * S, () => 0)).toBe(5 * MIN);
    expect(retryDelayMs(1, DEFAULT_RETRY_SCHEDULE_MS, 10 * H, 48 * H, () => 0)).toBe(10 * H);
    expect(retryDelayMs(7, DEFAULT_RETRY_SCHEDULE_MS, 1 * H, null, () => 0)).toBe(1 * H);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120 * S);
    expect(parseRetryAfter('Tue, 01 Dec 2026 10:05:00 GMT', now)).toBe(5 * MIN);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});
