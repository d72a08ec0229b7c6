/**
 * One Telegram poller per bot across every process sharing the Redis: Telegram answers a second
 * concurrent getUpdates with 409 Conflict. The process holding the lease polls; the others try
 * to take it every RENEW_MS and take over within LEASE_MS when the holder dies.
 *
 *   oc:{chan}:poller:<channel> → the holder's id, expiring after LEASE_MS unless renewed
 */
import type Redis from 'ioredis';
import { LuaScript } from '../store/lua';
import { newId } from '../ids';

export const LEASE_MS = 30_000;
export const RENEW_MS = 10_000;

// KEYS[1] lease; ARGV[1] holder, ARGV[2] ms. Takes a free lease or renews our own: 1 when held.
const HOLD_LUA = new LuaScript(`
local cur = redis.call('GET', KEYS[1])
if cur == false or cur == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[2]))
  return 1
end
return 0
`);
// KEYS[1] lease; ARGV[1] holder. Releases it only when it is ours.
const RELEASE_LUA = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

export class PollerLease {
  private readonly id = newId('poller');
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    channel: string,
  ) {
    this.key = `oc:{chan}:poller:${channel}`;
  }

  /** Takes or renews the lease; false when another process holds it (or Redis is away). */
  async hold(): Promise<boolean> {
    try {
      return (await HOLD_LUA.run(this.redis, [this.key], [this.id, LEASE_MS])) === 1;
    } catch {
      return false;
    }
  }

  async release(): Promise<void> {
    await RELEASE_LUA.run(this.redis, [this.key], [this.id]).catch(() => undefined);
  }
}
