/**
 * A Lua script sent by its SHA1 (EVALSHA) and only sent whole (EVAL) when the server does not
 * have it cached yet (NOSCRIPT: first use, or after a restart or SCRIPT FLUSH). Saves sending
 * and hashing the source on every call of a hot path.
 */
import { createHash } from 'node:crypto';
import type Redis from 'ioredis';

export class LuaScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: string[], args: Array<string | number> = []): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
