/**
 * Idempotency keys: the first request with a key claims it (SET NX, atomic across gateways) and
 * records its message id and a fingerprint of its body; later requests with the same key get
 * that message, or a conflict when their body differs.
 *
 * Redis keys: oc:idem:{<scope>}:<sha256(key)> → JSON {messageId, fingerprint}, expires after 24 h.
 * The scope is the API key id (or a caller's own namespace, e.g. schedules).
 */
import { hash } from 'node:crypto';
import type Redis from 'ioredis';

export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

export interface IdempotencyClaim {
  scope: string;
  key: string;
  /** A hash of what the request asked for: the same key with another fingerprint is a conflict. */
  fingerprint: string;
}

const sha = (s: string) => hash('sha256', s, 'hex');
const redisKey = (c: Pick<IdempotencyClaim, 'scope' | 'key'>) => `oc:idem:{${c.scope}}:${sha(c.key)}`;

/** Canonical JSON (sorted object keys) hashed: the fingerprint of a request body. */
export function fingerprint(value: unknown): string {
  const canon = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canon)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canon((v as Record<string, unknown>)[k])]),
          )
        : v;
  return sha(JSON.stringify(canon(value)));
}

export class IdempotencyStore {
  constructor(private readonly redis: Redis) {}

  /**
   * Claims the key for messageId. Returns null when claimed now, else what the first request
   * stored (same or different fingerprint: the caller decides).
   */
  async claim(c: IdempotencyClaim, messageId: string): Promise<{ messageId: string; fingerprint: string } | null> {
    const value = JSON.stringify({ messageId, fingerprint: c.fingerprint });
    const ok = await this.redis.set(redisKey(c), value, 'EX', IDEMPOTENCY_TTL_SECONDS, 'NX');
    if (ok === 'OK') return null;
    const existing = await this.redis.get(redisKey(c));
    if (!existing) return this.claim(c, messageId); // expired in between
    return JSON.parse(existing) as { messageId: string; fingerprint: string };
  }

  /** Frees a claim whose message could not be enqueued, so a retry can run it. */
  async release(c: IdempotencyClaim): Promise<void> {
    await this.redis.del(redisKey(c));
  }
}
