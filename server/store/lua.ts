/**
 * A Lua script sent by its SHA1 (EVALSHA) and only sent whole (EVAL) when the server does not
 * have it cached yet (NOSCRIPT: first use, or after a restart or SCRIPT FLUSH). Saves sending
 * and hashing the source on every call of a hot path. Not ioredis `defineCommand`: stores would
 * define theirs lazily, and on an auto-pipelined client a command defined after its first batch
 * breaks that batch's replies.
 *
 * Short scripts sit beside their store as template strings; longer ones live in
 * `server/store/lua/<name>.lua` with a KEYS / ARGV / returns header, in the style of BullMQ's
 * `src/commands/`.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Redis from 'ioredis';

export class LuaScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** `server/store/lua/<name>.lua` (copied beside the built store by `npm run build`). */
  static file(name: string): LuaScript {
    return new LuaScript(readFileSync(join(__dirname, 'lua', `${name}.lua`), 'utf8'));
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
