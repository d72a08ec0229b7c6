/**
 * Sessions: who talks to which workspace, their history (the turns fed back to the agent), usage
 * counters, and the per-session order in which messages run.
 *
 * A session is named by its workspace and its id: client-chosen ids are per workspace, so two
 * workspaces may each have a session `standup` (docs/security.md). Lookups by id alone search the
 * workspaces a key covers (findIn).
 *
 * Redis keys. One session's keys share the hash tag {<ws>/<id>} ('/' is in neither a workspace
 * nor a session id; the Lua scripts below touch them together); a workspace's indexes share the
 * tag {w:<workspace>}:
 *   oc:session:{<ws>/<id>}          → hash: id, workspace, userId, channel, createdAt, lastActiveAt,
 *                                     messageCount, tokensUsed, seq (last taken), recorded (last whose turns
 *                                     are in the history), done (last finished),
 *                                     endedAt ('' while active)
 *   oc:session:{<ws>/<id>}:hist     → list of JSON turns {role, content, createdAt, tokens, tools, messageId}
 *   oc:session:{<ws>/<id>}:order    → hash: seq → messageId, while that message is queued or running
 *   oc:session:{<ws>/<id>}:parked   → hash: seq → 1 when that message's job waits (delayed) for its turn
 *   oc:sessidx:{w:<ws>}:all        → zset: session id → lastActiveAt (ms)
 *   oc:sessidx:{w:<ws>}:u:<userId> → zset: session id → lastActiveAt (ms)
 *   oc:sessidx:{w:<ws>}:cur:<channel>:<userId> → the user's current session id on that channel
 *   oc:{sessidle}:active           → zset: "<ws>/<id>" → lastActiveAt (ms) of sessions not yet ended
 *   oc:{sessbusy}:all              → zset: "<ws>/<id>" → when a message took a place in it (ms), or
 *                                     when the repair last found its head alive; the repair sweep's
 *                                     work list (written before the place is taken, so never missed)
 * Before namespacing, a session's keys were oc:sess:{<id>}… and the two zsets held bare ids:
 * migrateLegacySessions (sessions-migration.ts) moves them at start.
 */
import type Redis from 'ioredis';
import { LuaScript } from './lua';

/** A session's name: its workspace and its id. */
export interface SessionKey {
  workspace: string;
  id: string;
}

/** How a session is written in the idle and busy zsets (and its keys' hash tag). */
export const sessionMember = (s: SessionKey) => `${s.workspace}/${s.id}`;
export function parseSessionMember(member: string): SessionKey {
  const at = member.indexOf('/');
  return { workspace: member.slice(0, at), id: member.slice(at + 1) };
}

const R = {
  rec: (s: SessionKey) => `oc:session:{${sessionMember(s)}}`,
  hist: (s: SessionKey) => `oc:session:{${sessionMember(s)}}:hist`,
  order: (s: SessionKey) => `oc:session:{${sessionMember(s)}}:order`,
  parked: (s: SessionKey) => `oc:session:{${sessionMember(s)}}:parked`,
  all: (ws: string) => `oc:sessidx:{w:${ws}}:all`,
  byUser: (ws: string, userId: string) => `oc:sessidx:{w:${ws}}:u:${userId}`,
  current: (ws: string, channel: string, userId: string) => `oc:sessidx:{w:${ws}}:cur:${channel}:${userId}`,
  active: 'oc:{sessidle}:active',
  busy: 'oc:{sessbusy}:all',
};

/** Turns kept per session (the history endpoint pages through them; the agent sees the last historyLimit). */
export const MAX_STORED_TURNS = 10_000;

/** The contract's session object. */
export interface Session {
  id: string;
  workspace: string;
  userId: string;
  createdAt: string;
  lastActiveAt: string;
  messageCount: number;
  tokensUsed: number;
  channel: string;
}

export interface SessionRecord extends Session {
  endedAt: string | null;
}

export interface Turn {
  role: 'user' | 'assistant';
  content: string;
  createdAt: string;
  tokens: number;
  tools: string[];
  messageId: string;
}

export type Gate = 'run' | 'wait' | 'finished';

/** What the order and index operations need to know about a session. */
export type SessionRef = Pick<Session, 'id' | 'workspace' | 'userId'>;

// Creates the hash only when absent: 1 = created, 0 = it already existed.
const CREATE_LUA = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1`);

// Points the user's current session at ARGV[2] only if it still points at ARGV[1] ('' = none).
const SWAP_CURRENT_LUA = new LuaScript(`
local cur = redis.call('GET', KEYS[1]) or ''
if cur == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) return ARGV[2] end
return cur`);

// Takes the session's next sequence number for a message: -1 when the session is gone. With an
// idle cutoff (ARGV[3]) only in a live session (not ended, active at or after the cutoff), else 0
// and nothing written; lastActiveAt and the cutoff are both toISOString() output, so they compare
// as strings. KEYS: rec, order. ARGV: messageId, now (ISO)[, idle cutoff (ISO)].
const ENQUEUE_LUA = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if ARGV[3] then
  local s = redis.call('HMGET', KEYS[1], 'endedAt', 'lastActiveAt')
  if (s[1] and s[1] ~= '') or not s[2] or s[2] < ARGV[3] then return 0 end
end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('HSET', KEYS[2], seq, ARGV[1])
redis.call('HSET', KEYS[1], 'lastActiveAt', ARGV[2])
return seq`);

// May message seq run now? {1, turn JSON...} run (its predecessor finished; with the last ARGV[2]
// turns of the history), {0} wait (parked), {2} already finished. A deleted session has no order
// left to keep: run. KEYS: rec, parked, hist.
const GATE_LUA = new LuaScript(`
local seq = tonumber(ARGV[1])
local function run()
  local limit = tonumber(ARGV[2])
  if limit <= 0 then return {1} end
  local turns = redis.call('LRANGE', KEYS[3], -limit, -1)
  table.insert(turns, 1, 1)
  return turns
end
if redis.call('EXISTS', KEYS[1]) == 0 then return run() end
local done = tonumber(redis.call('HGET', KEYS[1], 'done') or '0')
if seq <= done then return {2} end
if seq == done + 1 then redis.call('HDEL', KEYS[2], seq) return run() end
redis.call('HSET', KEYS[2], seq, '1')
return {0}`);

// Message seq finished: record its turns and usage, once per seq ('recorded' guards a re-run job).
// KEYS: rec, hist. ARGV: seq, lastActiveAt, tokens, maxTurns, turn JSON... Returns 1 when applied.
const RECORD_LUA = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local seq = tonumber(ARGV[1])
if seq <= tonumber(redis.call('HGET', KEYS[1], 'recorded') or '0') then return 0 end
redis.call('HSET', KEYS[1], 'recorded', seq, 'lastActiveAt', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'tokensUsed', ARGV[3])
local turns = #ARGV - 4
if turns > 0 then
  redis.call('RPUSH', KEYS[2], unpack(ARGV, 5))
  redis.call('LTRIM', KEYS[2], -tonumber(ARGV[4]), -1)
  redis.call('HINCRBY', KEYS[1], 'messageCount', turns)
end
return 1`);

// Message seq is completely finished: the next may run. Returns the next message's id when its
// job is parked waiting for this one ('' otherwise). KEYS: rec, order, parked. ARGV: seq.
const ADVANCE_LUA = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return '' end
local seq = tonumber(ARGV[1])
if seq > tonumber(redis.call('HGET', KEYS[1], 'done') or '0') then redis.call('HSET', KEYS[1], 'done', seq) end
redis.call('HDEL', KEYS[2], seq)
if redis.call('HDEL', KEYS[3], seq + 1) == 1 then return redis.call('HGET', KEYS[2], seq + 1) or '' end
return ''`);

/** The workspace's two list indexes ({w:<ws>}) in one command: refreshed after every message. KEYS: all, byUser. ARGV: score, id[, 'XX']. */
const INDEX_LUA = new LuaScript(`
if ARGV[3] then
  redis.call('ZADD', KEYS[1], 'XX', ARGV[1], ARGV[2]) redis.call('ZADD', KEYS[2], 'XX', ARGV[1], ARGV[2])
else
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2]) redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
end`);
const MARK_ENDED_LUA = new LuaScript(
  `if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'endedAt', ARGV[1]) end`,
);
// The message whose turn it is: {done, head message id or '', messages still holding a place}. KEYS: rec, order.
const HEAD_LUA = new LuaScript(`
local done = tonumber(redis.call('HGET', KEYS[1], 'done') or '0')
return {done, redis.call('HGET', KEYS[2], done + 1) or '', redis.call('HLEN', KEYS[2])}`);
const DEL_IF_EQUAL_LUA = new LuaScript(
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`,
);

function toRecord(h: Record<string, string>): SessionRecord {
  return {
    id: h.id,
    workspace: h.workspace,
    userId: h.userId,
    createdAt: h.createdAt,
    lastActiveAt: h.lastActiveAt,
    messageCount: Number(h.messageCount ?? 0),
    tokensUsed: Number(h.tokensUsed ?? 0),
    channel: h.channel,
    endedAt: h.endedAt || null,
  };
}

/** The contract's object, without internal fields. */
export const publicSession = (s: SessionRecord): Session => ({
  id: s.id,
  workspace: s.workspace,
  userId: s.userId,
  createdAt: s.createdAt,
  lastActiveAt: s.lastActiveAt,
  messageCount: s.messageCount,
  tokensUsed: s.tokensUsed,
  channel: s.channel,
});

const iso = (ms: number) => new Date(ms).toISOString();

export class SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly now: () => number = Date.now,
  ) {}

  async get(s: SessionKey): Promise<SessionRecord | null> {
    const h = await this.redis.hgetall(R.rec(s));
    return h.id ? toRecord(h) : null;
  }

  /** The workspaces among `workspaces` that hold a session with this id. */
  async findIn(id: string, workspaces: string[]): Promise<string[]> {
    // One command per workspace, sent together (not a pipeline object: on a cluster the keys are in different slots).
    const found = await Promise.all(workspaces.map((workspace) => this.redis.exists(R.rec({ workspace, id }))));
    return workspaces.filter((_, i) => found[i] === 1);
  }

  /** Creates the session when absent. created: false when the id was already taken in its workspace. */
  async create(s: {
    id: string;
    workspace: string;
    userId: string;
    channel: string;
  }): Promise<{ session: SessionRecord; created: boolean }> {
    const at = this.now();
    const fields = {
      ...s,
      createdAt: iso(at),
      lastActiveAt: iso(at),
      messageCount: '0',
      tokensUsed: '0',
      seq: '0',
      done: '0',
      endedAt: '',
    };
    const created = (await CREATE_LUA.run(this.redis, [R.rec(s)], Object.entries(fields).flat())) === 1;
    if (created) await this.index(s, s.userId, at);
    const session = await this.get(s);
    if (!session) return this.create(s); // deleted in between: make it again
    return { session, created };
  }

  /** Clears endedAt of an ended session that is used again; true when it had ended. */
  async reopen(s: SessionRecord): Promise<boolean> {
    if (!s.endedAt) return false;
    const at = this.now();
    await this.redis.hset(R.rec(s), 'endedAt', '', 'lastActiveAt', iso(at));
    await this.index(s, s.userId, at);
    return true;
  }

  private async index(s: SessionKey, userId: string, at: number): Promise<void> {
    await Promise.all([
      INDEX_LUA.run(this.redis, [R.all(s.workspace), R.byUser(s.workspace, userId)], [at, s.id]),
      this.redis.zadd(R.active, at, sessionMember(s)),
    ]);
  }

  private async unindex(s: SessionRef): Promise<void> {
    await Promise.all([
      this.redis.multi().zrem(R.all(s.workspace), s.id).zrem(R.byUser(s.workspace, s.userId), s.id).exec(),
      this.redis.zrem(R.active, sessionMember(s)),
    ]);
  }

  /** The user's current session on a channel, if any (possibly idle: the caller decides). */
  async currentId(workspace: string, channel: string, userId: string): Promise<string | null> {
    return this.redis.get(R.current(workspace, channel, userId));
  }

  /** Compare-and-set of the current session pointer; returns the id it points to afterwards. */
  async swapCurrent(
    workspace: string,
    channel: string,
    userId: string,
    expected: string | null,
    next: string,
  ): Promise<string> {
    return (await SWAP_CURRENT_LUA.run(
      this.redis,
      [R.current(workspace, channel, userId)],
      [expected ?? '', next],
    )) as string;
  }

  /**
   * Ends a session (idle): true only for the one caller that claims it, so the ended event is
   * announced once however many gateways notice.
   */
  async end(s: SessionKey): Promise<boolean> {
    if ((await this.redis.zrem(R.active, sessionMember(s))) !== 1) return false;
    await MARK_ENDED_LUA.run(this.redis, [R.rec(s)], [iso(this.now())]);
    return true;
  }

  /** Sessions idle since before `before` (ms), oldest first. */
  async idle(before: number, max: number): Promise<SessionKey[]> {
    return (await this.redis.zrangebyscore(R.active, '-inf', `(${before}`, 'LIMIT', 0, max)).map(parseSessionMember);
  }

  /** Takes the message's sequence number in its session; null when the session was deleted. */
  async enqueue(s: SessionRef, messageId: string): Promise<number | null> {
    const seq = await this.place(s, messageId);
    if (seq >= 0) return seq;
    await this.unindex(s); // deleted meanwhile
    return null;
  }

  /**
   * Takes the message's place in the session if the session is live: active at or after
   * `activeSince` (ms) and not ended. null, with nothing taken, when it is not (ended, idle,
   * deleted): the caller then resolves the session the long way. One round trip where reading the
   * session and then taking the place were two.
   */
  async enqueueIfLive(s: SessionRef, messageId: string, activeSince: number): Promise<number | null> {
    const seq = await this.place(s, messageId, activeSince);
    return seq > 0 ? seq : null;
  }

  /** ENQUEUE_LUA with the two indexes it needs, in one round trip. */
  private async place(s: SessionRef, messageId: string, activeSince?: number): Promise<number> {
    // The list indexes' scores are refreshed when the message is recorded (record()); the idle
    // index now, so a sweep never ends a session while its message waits or runs.
    // The repair's work list first: one connection runs commands in order, so a place is never
    // taken without the session being on the list (an entry without a place is dropped by the
    // sweep). Only if live: the idle index with XX, which refreshes a live session and never
    // puts back one that ended (end() removed it; the script refuses it anyway).
    const at = this.now();
    const member = sessionMember(s);
    const args = activeSince === undefined ? [messageId, iso(at)] : [messageId, iso(at), iso(activeSince)];
    const [, seq] = await Promise.all([
      this.redis.zadd(R.busy, at, member),
      ENQUEUE_LUA.run(this.redis, [R.rec(s), R.order(s)], args) as Promise<number>,
      activeSince === undefined ? this.redis.zadd(R.active, at, member) : this.redis.zadd(R.active, 'XX', at, member),
    ]);
    return seq;
  }

  /** May message seq run now; when it may, the last `historyLimit` turns (what the agent sees). */
  async gate(s: SessionKey, seq: number, historyLimit: number): Promise<{ gate: Gate; history: Turn[] }> {
    const [r, ...turns] = (await GATE_LUA.run(this.redis, [R.rec(s), R.parked(s), R.hist(s)], [seq, historyLimit])) as [
      number,
      ...string[],
    ];
    const gate: Gate = r === 1 ? 'run' : r === 2 ? 'finished' : 'wait';
    return { gate, history: turns.map((t) => JSON.parse(t) as Turn) };
  }

  /** Whether message seq's predecessor has finished (re-checked after parking a job). */
  async isTurn(s: SessionKey, seq: number): Promise<boolean> {
    const done = await this.redis.hget(R.rec(s), 'done');
    return done === null || Number(done) >= seq - 1;
  }

  /** Records a finished message's turns and usage in its session (once per message). */
  async record(s: SessionRef, seq: number, turns: Turn[], tokens: number): Promise<void> {
    const at = this.now();
    // The indexes in the same round trip (they live in other slots, so not in the script): XX
    // refreshes a listed session and never puts back one deleted meanwhile.
    await Promise.all([
      RECORD_LUA.run(
        this.redis,
        [R.rec(s), R.hist(s)],
        [seq, iso(at), tokens, MAX_STORED_TURNS, ...turns.map((t) => JSON.stringify(t))],
      ),
      INDEX_LUA.run(this.redis, [R.all(s.workspace), R.byUser(s.workspace, s.userId)], [at, s.id, 'XX']),
      this.redis.zadd(R.active, 'XX', at, sessionMember(s)),
    ]);
  }

  /** Lets the session's next message run; returns its id when its job is parked (to promote it). */
  async advance(s: SessionKey, seq: number): Promise<string | null> {
    return ((await ADVANCE_LUA.run(this.redis, [R.rec(s), R.order(s), R.parked(s)], [seq])) as string) || null;
  }

  /** A page of history, chronological; offset counts back from the newest turn. */
  async history(s: SessionKey, limit: number, offset: number): Promise<{ data: Turn[]; total: number }> {
    const total = await this.redis.llen(R.hist(s));
    const end = total - offset - 1;
    if (end < 0) return { data: [], total };
    const start = Math.max(0, end - limit + 1);
    const data = (await this.redis.lrange(R.hist(s), start, end)).map((t) => JSON.parse(t) as Turn);
    return { data, total };
  }

  /** Sessions of the given workspaces (optionally one user's), most recently active first. */
  async list(q: {
    workspaces: string[];
    userId?: string;
    limit: number;
    offset: number;
  }): Promise<{ data: SessionRecord[]; total: number }> {
    const zkey = (ws: string) => (q.userId !== undefined ? R.byUser(ws, q.userId) : R.all(ws));
    const need = q.offset + q.limit;
    const perWs = await Promise.all(
      q.workspaces.map(async (workspace) => {
        const [total, top] = await Promise.all([
          this.redis.zcard(zkey(workspace)),
          this.redis.zrevrange(zkey(workspace), 0, need - 1, 'WITHSCORES'),
        ]);
        const entries: Array<{ workspace: string; id: string; score: number }> = [];
        for (let i = 0; i < top.length; i += 2) entries.push({ workspace, id: top[i], score: Number(top[i + 1]) });
        return { total, entries };
      }),
    );
    const total = perWs.reduce((n, w) => n + w.total, 0);
    const page = perWs
      .flatMap((w) => w.entries)
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id) || a.workspace.localeCompare(b.workspace))
      .slice(q.offset, need);
    const records = await Promise.all(page.map((e) => this.get(e)));
    return { data: records.filter((r): r is SessionRecord => !!r), total };
  }

  /** Deletes a session and its history; returns what was deleted. */
  async delete(key: SessionKey): Promise<SessionRecord | null> {
    const s = await this.get(key);
    if (!s) return null;
    const removed = await this.redis.del(R.rec(s), R.hist(s), R.order(s), R.parked(s));
    const cur = R.current(s.workspace, s.channel, s.userId);
    await Promise.all([this.unindex(s), DEL_IF_EQUAL_LUA.run(this.redis, [cur], [s.id])]);
    return removed > 0 ? s : null;
  }

  /** Deletes every session of a workspace; returns the deleted ones. */
  async deleteWorkspace(workspace: string): Promise<SessionRecord[]> {
    const deleted: SessionRecord[] = [];
    for (;;) {
      const ids = await this.redis.zrange(R.all(workspace), 0, 199);
      if (!ids.length) break;
      for (const id of ids) {
        const s = await this.delete({ workspace, id });
        if (s) deleted.push(s);
        else await this.redis.zrem(R.all(workspace), id);
      }
    }
    return deleted;
  }

  /** Sessions where a message took a place before `before` (ms) and the repair has not looked since. */
  async busy(before: number, max: number): Promise<SessionKey[]> {
    return (await this.redis.zrangebyscore(R.busy, '-inf', `(${before}`, 'LIMIT', 0, max)).map(parseSessionMember);
  }

  /** Whose turn it is in the session: the head message's seq and id ('' when none holds it), and how many hold a place. */
  async head(s: SessionKey): Promise<{ seq: number; messageId: string | null; pending: number }> {
    const [done, messageId, pending] = (await HEAD_LUA.run(this.redis, [R.rec(s), R.order(s)])) as [
      number,
      string,
      number,
    ];
    return { seq: done + 1, messageId: messageId || null, pending };
  }

  /** The repair looked at the session now: look again only after its grace period. */
  async touchBusy(s: SessionKey): Promise<void> {
    await this.redis.zadd(R.busy, 'XX', this.now(), sessionMember(s));
  }

  /** Takes the session off the repair's list once no message holds a place (re-added if one arrived meanwhile). */
  async unbusy(s: SessionKey): Promise<void> {
    await this.redis.zrem(R.busy, sessionMember(s));
    if ((await this.redis.hlen(R.order(s))) > 0) await this.redis.zadd(R.busy, this.now(), sessionMember(s));
  }
}
