/**
 * One-time move of sessions written before ids were per workspace — keys oc:sess:{<id>},
 * oc:sess:{<id>}:hist|:order|:parked and bare ids in the idle and busy zsets — to the layout of
 * sessions.ts (oc:session:{<ws>/<id>}…, "<ws>/<id>" members). The workspace indexes (ids per
 * workspace) and the current-session pointers kept their layout.
 *
 * Runs at start, before the API answers. A lock lets one gateway move while the others starting
 * at the same time wait for the done marker; a holder that dies lets the lock expire and the next
 * start takes over. Each key is copied with DUMP/RESTORE (works across Redis Cluster slots) before
 * the old one is deleted, the record last, so a move cut short is redone whole by the next try.
 *
 * Redis keys: oc:migrations:sessions-v2 → '1' once done; oc:migrations:sessions-v2:lock → holder's token.
 */
import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { SessionStore, sessionMember, type SessionKey } from './sessions';

const DONE = 'oc:migrations:sessions-v2';
const LOCK = 'oc:migrations:sessions-v2:lock';
const LOCK_MS = 30_000;
const ACTIVE = 'oc:{sessidle}:active';
const BUSY = 'oc:{sessbusy}:all';
const legacyKey = (id: string, suffix: string) => `oc:sess:{${id}}${suffix}`;
const newKey = (s: SessionKey, suffix: string) => `oc:session:{${sessionMember(s)}}${suffix}`;
/** The record last: while it exists, the move is not finished. */
const SUFFIXES = [':hist', ':order', ':parked', ''];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Moves legacy sessions (once per Redis); returns how many this call moved. */
export async function migrateLegacySessions(redis: Redis, workspaceIds: () => Promise<string[]>): Promise<number> {
  const token = randomUUID();
  for (;;) {
    if (await redis.exists(DONE)) return 0;
    if ((await redis.set(LOCK, token, 'PX', LOCK_MS, 'NX')) === 'OK') break;
    await sleep(200); // another gateway is moving them
  }
  try {
    const moved = await moveAll(redis, await workspaceIds(), () => redis.set(LOCK, token, 'PX', LOCK_MS, 'XX'));
    await redis.set(DONE, '1');
    return moved;
  } finally {
    if ((await redis.get(LOCK)) === token) await redis.del(LOCK);
  }
}

async function moveAll(redis: Redis, workspaces: string[], keepLock: () => Promise<unknown>): Promise<number> {
  const bare = (members: string[]) => members.filter((m) => !m.includes('/'));
  const [active, busy] = await Promise.all([
    redis.zrange(ACTIVE, 0, -1, 'WITHSCORES'),
    redis.zrange(BUSY, 0, -1, 'WITHSCORES'),
  ]);
  const ids = new Set<string>([
    ...bare(active.filter((_, i) => i % 2 === 0)),
    ...bare(busy.filter((_, i) => i % 2 === 0)),
  ]);
  for (const ws of workspaces) for (const id of await redis.zrange(`oc:sessidx:{w:${ws}}:all`, 0, -1)) ids.add(id);

  const workspaceOf = new Map<string, string>();
  let moved = 0;
  for (const id of ids) {
    const workspace = await redis.hget(legacyKey(id, ''), 'workspace');
    if (!workspace) continue; // not a legacy session (or moved already)
    for (const suffix of SUFFIXES) {
      const dump = await redis.dumpBuffer(legacyKey(id, suffix));
      if (dump) await redis.restore(newKey({ workspace, id }, suffix), 0, dump, 'REPLACE');
    }
    await redis.del(...SUFFIXES.map((s) => legacyKey(id, s)));
    workspaceOf.set(id, workspace);
    if (++moved % 100 === 0) await keepLock();
  }

  // The idle and busy zsets: "<ws>/<id>" instead of the bare id, same score.
  const sessions = new SessionStore(redis);
  for (const [zset, flat] of [
    [ACTIVE, active],
    [BUSY, busy],
  ] as const) {
    for (let i = 0; i < flat.length; i += 2) {
      const id = flat[i];
      if (id.includes('/')) continue;
      const workspace = workspaceOf.get(id) ?? (await sessions.findIn(id, workspaces))[0];
      if (workspace) await redis.zadd(zset, flat[i + 1], sessionMember({ workspace, id }));
      await redis.zrem(zset, id);
    }
  }
  return moved;
}
