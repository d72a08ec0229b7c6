/**
 * Open SSE streams per API key, shared by every gateway process so `limits.streamsPerKey` holds
 * however the streams spread. Each open stream holds a slot that expires unless refreshed (at
 * every heartbeat), so a process that dies without closing its streams frees them soon after.
 *
 * Redis keys: oc:streams:{<keyId>} → sorted set: stream id → expiry (epoch ms)
 */
import type Redis from 'ioredis';
import { LuaScript } from './lua';

const R = { slots: (keyId: string) => `oc:streams:{${keyId}}` };

// Drops expired slots, then takes one if fewer than the cap are held. KEYS: slots;
// ARGV: nowMs, cap, streamId, expiresAtMs, ttlSec. Returns 1 taken, 0 full.
const CLAIM = new LuaScript(`
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 1
`);

export class StreamSlotStore {
  constructor(
    private readonly redis: Redis,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a slot for `streamId`; false when the key already holds `cap` live ones. */
  async claim(keyId: string, streamId: string, cap: number, ttlMs: number): Promise<boolean> {
    const now = this.now();
    return (
      (await CLAIM.run(
        this.redis,
        [R.slots(keyId)],
        [now, cap, streamId, now + ttlMs, Math.ceil(ttlMs / 1000) + 1],
      )) === 1
    );
  }

  /** Keeps a live stream's slot (only if it still holds one). */
  async refresh(keyId: string, streamId: string, ttlMs: number): Promise<void> {
    await this.redis.zadd(R.slots(keyId), 'XX', this.now() + ttlMs, streamId);
  }

  async release(keyId: string, streamId: string): Promise<void> {
    await this.redis.zrem(R.slots(keyId), streamId);
  }
}
