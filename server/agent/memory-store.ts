/**
 * Memory: facts the agent remembers per workspace and user (the `memory` skill).
 *
 * Redis keys (one hash tag per workspace, so dropping a workspace's memory is one MULTI):
 *   oc:{mem:<ws>}:u:<userId> → sorted set: fact → epoch ms when last remembered (newest last)
 *   oc:{mem:<ws>}:users      → set of userIds that have facts
 */
import type Redis from 'ioredis';

const R = {
  facts: (ws: string, userId: string) => `oc:{mem:${ws}}:u:${userId}`,
  users: (ws: string) => `oc:{mem:${ws}}:users`,
};

/** Facts kept per user; remembering more drops the oldest. */
export const MAX_FACTS_PER_USER = 500;
export const MAX_FACT_CHARS = 1000;

export interface Fact {
  fact: string;
  /** When it was (last) remembered, ISO 8601. */
  rememberedAt: string;
}

const wordsOf = (text: string) => [
  ...new Set(
    text
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w.length >= 3),
  ),
];

export class MemoryStore {
  constructor(
    private readonly redis: Redis,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Remembers a fact (trimmed; the same fact again only refreshes its time). */
  async remember(ws: string, userId: string, fact: string): Promise<Fact> {
    const text = fact.trim().slice(0, MAX_FACT_CHARS);
    const at = this.now();
    const key = R.facts(ws, userId);
    await this.redis
      .multi()
      .zadd(key, at, text)
      .zremrangebyrank(key, 0, -(MAX_FACTS_PER_USER + 1))
      .sadd(R.users(ws), userId)
      .exec();
    return { fact: text, rememberedAt: new Date(at).toISOString() };
  }

  /** Facts sharing a word (3+ letters) with `query`, best match first, then newest; all facts (newest first) without a query. */
  async recall(ws: string, userId: string, query = '', limit = 20): Promise<Fact[]> {
    const raw = await this.redis.zrevrange(R.facts(ws, userId), 0, -1, 'WITHSCORES');
    const all: Array<Fact & { score: number }> = [];
    const wanted = wordsOf(query);
    for (let i = 0; i < raw.length; i += 2) {
      const have = new Set(wordsOf(raw[i]));
      const score = wanted.filter((w) => have.has(w) || [...have].some((h) => h.startsWith(w))).length;
      if (!wanted.length || score > 0)
        all.push({ fact: raw[i], rememberedAt: new Date(Number(raw[i + 1])).toISOString(), score });
    }
    return all
      .sort((a, b) => b.score - a.score) // stable: newest first among equals
      .slice(0, limit)
      .map(({ fact, rememberedAt }) => ({ fact, rememberedAt }));
  }

  /** Forgets every fact containing `text` (case-insensitive); returns how many. */
  async forget(ws: string, userId: string, text: string): Promise<number> {
    const needle = text.trim().toLowerCase();
    if (!needle) return 0;
    const facts = await this.redis.zrange(R.facts(ws, userId), 0, -1);
    const gone = facts.filter((f) => f.toLowerCase().includes(needle));
    if (gone.length) await this.redis.zrem(R.facts(ws, userId), ...gone);
    return gone.length;
  }

  /** Drops everything remembered in a workspace (workspace deleted). */
  async dropWorkspace(ws: string): Promise<void> {
    const users = await this.redis.smembers(R.users(ws));
    await this.redis
      .multi()
      .del(R.users(ws), ...users.map((u) => R.facts(ws, u)))
      .exec();
  }
}
