/**
 * Schedules: the definition (what to send, when) plus what the last runs did. BullMQ's job
 * scheduler (runner.ts) owns the timing; this store owns what the API shows.
 *
 * A schedule is named by its workspace and its id: ids are per workspace, so two workspaces may
 * each have a schedule `daily` (docs/security.md). `<ref>` below is "<ws>/<id>" ('/' is in neither).
 *
 * Redis keys (all under the {sched} hash tag, so one MULTI / script can touch them on a cluster):
 *   oc:{sched}:s:<ref>           → hash: id, workspace, userId, message, cron, timezone, sessionId,
 *                                   enabled, source, createdBy, createdAt, updatedAt, definition (config sync),
 *                                   runCount, lastRun (JSON of the newest run), deliver (JSON, when set)
 *   oc:{sched}:refs              → set of schedule refs
 *   oc:{sched}:api:<ws>          → set of the ids of the workspace's API schedules (limits.schedulesPerWorkspace)
 *   oc:{sched}:runs:<ref>        → list of the newest runs (JSON, newest first, capped)
 * Before namespacing: oc:{sched}:s:<id>, oc:{sched}:runs:<id> and the set oc:{sched}:all of ids;
 * MIGRATE_LUA moves them.
 */
import type Redis from 'ioredis';
import { LuaScript } from '../store/lua';
import type { Deliver, RunDelivery } from '../channels/schema';

/** A schedule's name: its workspace and its id. */
export interface ScheduleKey {
  workspace: string;
  id: string;
}

/** "<ws>/<id>": the stored ref, and the id of its BullMQ job scheduler. */
export const scheduleRef = (s: ScheduleKey) => `${s.workspace}/${s.id}`;
export function parseScheduleRef(ref: string): ScheduleKey {
  const at = ref.indexOf('/');
  return { workspace: ref.slice(0, at), id: ref.slice(at + 1) };
}

const R = {
  record: (s: ScheduleKey) => `oc:{sched}:s:${scheduleRef(s)}`,
  refs: 'oc:{sched}:refs',
  api: (ws: string) => `oc:{sched}:api:${ws}`,
  runs: (s: ScheduleKey) => `oc:{sched}:runs:${scheduleRef(s)}`,
  legacyAll: 'oc:{sched}:all',
};

export const RUNS_KEPT = 20;
export const EXCERPT_CHARS = 500;

export interface ScheduleDefinition {
  workspace: string;
  userId: string;
  message: string;
  cron: string;
  timezone: string;
  sessionId: string | null;
  enabled: boolean;
  /** Also post each answer to a chat channel (docs/channels.md); null: no. */
  deliver?: Deliver | null;
}

export interface ScheduleRun {
  runId: string;
  /** `schedule`: a cron tick; `manual`: POST /schedules/{id}/run. */
  trigger: 'schedule' | 'manual';
  /** The tick this run belongs to (ISO); for manual runs, when it was asked for. */
  scheduledFor: string;
  startedAt: string;
  finishedAt: string | null;
  status: 'running' | 'completed' | 'failed';
  messageId: string | null;
  sessionId: string | null;
  /** The first EXCERPT_CHARS characters of the answer. */
  responseExcerpt: string | null;
  error: { code: string; message: string } | null;
  /** Where the answer was posted (schedules with `deliver`): pending while retried, then delivered or failed. */
  delivery?: RunDelivery;
}

export interface Schedule extends ScheduleDefinition {
  id: string;
  source: 'config' | 'api';
  /** Id of the API key that created it (null: config, or made before keys owned schedules). */
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  runCount: number;
  lastRun: ScheduleRun | null;
}

function toSchedule(h: Record<string, string>): Schedule {
  return {
    id: h.id,
    workspace: h.workspace,
    userId: h.userId,
    message: h.message,
    cron: h.cron,
    timezone: h.timezone,
    sessionId: h.sessionId || null,
    enabled: h.enabled === '1',
    deliver: h.deliver ? (JSON.parse(h.deliver) as Deliver) : null,
    source: h.source as Schedule['source'],
    createdBy: h.createdBy || null,
    createdAt: h.createdAt,
    updatedAt: h.updatedAt,
    runCount: Number(h.runCount ?? 0),
    lastRun: h.lastRun ? (JSON.parse(h.lastRun) as ScheduleRun) : null,
  };
}

const definitionHash = (d: ScheduleDefinition): Record<string, string> => ({
  workspace: d.workspace,
  userId: d.userId,
  message: d.message,
  cron: d.cron,
  timezone: d.timezone,
  sessionId: d.sessionId ?? '',
  enabled: d.enabled ? '1' : '0',
  // Only when set: fingerprints of schedules without it stay as they were.
  ...(d.deliver ? { deliver: JSON.stringify(d.deliver) } : {}),
});

/** A stable fingerprint of a definition: config sync re-arms BullMQ only when it changed. */
export const fingerprint = (d: ScheduleDefinition) => JSON.stringify(definitionHash(d));

// Writes a config schedule when its fingerprint changed; returns 1 when it wrote (the caller then
// re-arms BullMQ), 0 when the stored one already matches. One script: concurrent starts write once.
// KEYS: record, refs. ARGV: fingerprint, fields JSON, createdAt, ref.
const SYNC_LUA = new LuaScript(`
if redis.call('HGET', KEYS[1], 'definition') == ARGV[1] and redis.call('HGET', KEYS[1], 'source') == 'config' then return 0 end
local fields = cjson.decode(ARGV[2])
for k, v in pairs(fields) do redis.call('HSET', KEYS[1], k, v) end
redis.call('HSETNX', KEYS[1], 'createdAt', ARGV[3])
redis.call('HSETNX', KEYS[1], 'runCount', '0')
redis.call('SADD', KEYS[2], ARGV[4])
return 1
`);

// Creates an API schedule when its id is free in the workspace and the workspace holds fewer than
// the cap: the check and the write in one step, so concurrent creates never pass the cap.
// KEYS: record, refs, api set. ARGV: ref, id, cap, field, value, … Returns 1 created, 0 id taken,
// -n cap reached (n = schedules held).
const CREATE_LUA = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local held = redis.call('SCARD', KEYS[3])
if held >= tonumber(ARGV[3]) then return -held end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[2])
return 1
`);

// Moves an API schedule to another workspace (PATCH workspace), runs included, with the same
// checks as a create there. KEYS: old record, new record, old runs, new runs, refs, old api set,
// new api set. ARGV: old ref, new ref, id, cap, field, value, … Returns as CREATE_LUA; 2 when the
// old one is gone.
const MOVE_LUA = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 2 end
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local held = redis.call('SCARD', KEYS[7])
if held >= tonumber(ARGV[4]) then return -held end
redis.call('RENAME', KEYS[1], KEYS[2])
if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('RENAME', KEYS[3], KEYS[4]) end
redis.call('HSET', KEYS[2], unpack(ARGV, 5))
redis.call('SREM', KEYS[5], ARGV[1])
redis.call('SADD', KEYS[5], ARGV[2])
redis.call('SREM', KEYS[6], ARGV[3])
redis.call('SADD', KEYS[7], ARGV[3])
return 1
`);

// Records a run (running -> finished, or a new one): server/store/lua/schedules-record-run.lua.
const RECORD_RUN_LUA = LuaScript.file('schedules-record-run');

// Moves schedules stored before ids were per workspace: server/store/lua/schedules-migrate.lua.
const MIGRATE_LUA = LuaScript.file('schedules-migrate');

/** A create or move was refused: the id is taken in the workspace, or the workspace is full. */
export type Refusal = { refused: 'taken' } | { refused: 'full'; held: number };

export class ScheduleStore {
  constructor(
    private readonly redis: Redis,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async get(s: ScheduleKey): Promise<Schedule | null> {
    const h = await this.redis.hgetall(R.record(s));
    return h.id ? toSchedule(h) : null;
  }

  /** The workspaces among `workspaces` that hold a schedule with this id. */
  async findIn(id: string, workspaces: string[]): Promise<string[]> {
    // One command per workspace, sent together (not a pipeline object: on a cluster the keys are in different slots).
    const found = await Promise.all(workspaces.map((workspace) => this.redis.exists(R.record({ workspace, id }))));
    return workspaces.filter((_, i) => found[i] === 1);
  }

  /** Every schedule, by id (then workspace). */
  async list(): Promise<Schedule[]> {
    const refs = await this.redis.smembers(R.refs);
    const all = (await Promise.all(refs.map((ref) => this.get(parseScheduleRef(ref))))).filter(
      (s): s is Schedule => !!s,
    );
    return all.sort((a, b) =>
      a.id < b.id ? -1 : a.id > b.id ? 1 : a.workspace < b.workspace ? -1 : a.workspace > b.workspace ? 1 : 0,
    );
  }

  /** Creates an API schedule unless its id is taken in the workspace or the workspace holds `cap` API schedules. */
  async create(id: string, d: ScheduleDefinition, cap: number, createdBy: string | null): Promise<Schedule | Refusal> {
    const key = { workspace: d.workspace, id };
    const at = this.now().toISOString();
    const fields = {
      ...definitionHash(d),
      id,
      source: 'api',
      createdBy: createdBy ?? '',
      createdAt: at,
      updatedAt: at,
      runCount: '0',
      definition: fingerprint(d),
    };
    const r = (await CREATE_LUA.run(
      this.redis,
      [R.record(key), R.refs, R.api(d.workspace)],
      [scheduleRef(key), id, cap, ...Object.entries(fields).flat()],
    )) as number;
    if (r === 0) return { refused: 'taken' };
    if (r < 0) return { refused: 'full', held: -r };
    return (await this.get(key)) ?? { refused: 'taken' };
  }

  /** Replaces the definition of an existing schedule (same workspace); null when it is gone. */
  async update(s: ScheduleKey, d: ScheduleDefinition): Promise<Schedule | null> {
    if (!(await this.redis.exists(R.record(s)))) return null;
    const multi = this.redis
      .multi()
      .hset(R.record(s), { ...definitionHash(d), updatedAt: this.now().toISOString(), definition: fingerprint(d) });
    if (!d.deliver) multi.hdel(R.record(s), 'deliver');
    await multi.exec();
    return this.get(s);
  }

  /** Moves an API schedule to d.workspace with the new definition; null when it is gone. */
  async move(from: ScheduleKey, d: ScheduleDefinition, cap: number): Promise<Schedule | Refusal | null> {
    const to = { workspace: d.workspace, id: from.id };
    const fields = { ...definitionHash(d), updatedAt: this.now().toISOString(), definition: fingerprint(d) };
    const keys = [
      R.record(from),
      R.record(to),
      R.runs(from),
      R.runs(to),
      R.refs,
      R.api(from.workspace),
      R.api(to.workspace),
    ];
    const r = (await MOVE_LUA.run(this.redis, keys, [
      scheduleRef(from),
      scheduleRef(to),
      from.id,
      cap,
      ...Object.entries(fields).flat(),
    ])) as number;
    if (r === 2) return null;
    if (r === 0) return { refused: 'taken' };
    if (r < 0) return { refused: 'full', held: -r };
    return this.get(to);
  }

  async delete(s: ScheduleKey): Promise<boolean> {
    const [[, n]] = (await this.redis
      .multi()
      .del(R.record(s))
      .srem(R.refs, scheduleRef(s))
      .del(R.runs(s))
      .srem(R.api(s.workspace), s.id)
      .exec()) as [[null, number], ...unknown[]];
    return n === 1;
  }

  /** Writes a config-declared schedule; true when it is new or changed (BullMQ must be re-armed). */
  async syncConfig(id: string, d: ScheduleDefinition): Promise<boolean> {
    const key = { workspace: d.workspace, id };
    const at = this.now().toISOString();
    const fields = { ...definitionHash(d), id, source: 'config', updatedAt: at, definition: fingerprint(d) };
    const wrote =
      (await SYNC_LUA.run(
        this.redis,
        [R.record(key), R.refs],
        [fingerprint(d), JSON.stringify(fields), at, scheduleRef(key)],
      )) === 1;
    if (wrote && !d.deliver) await this.redis.hdel(R.record(key), 'deliver');
    return wrote;
  }

  async runs(s: ScheduleKey): Promise<ScheduleRun[]> {
    return (await this.redis.lrange(R.runs(s), 0, -1)).map((r) => JSON.parse(r) as ScheduleRun);
  }

  /** Adds or updates a run (same runId); ignored when the schedule was deleted meanwhile. */
  async recordRun(s: ScheduleKey, run: ScheduleRun): Promise<void> {
    // Every field present (null, never missing), as the API's response schema expects.
    const full: ScheduleRun = {
      ...run,
      finishedAt: run.finishedAt ?? null,
      messageId: run.messageId ?? null,
      sessionId: run.sessionId ?? null,
      responseExcerpt: run.responseExcerpt ?? null,
      error: run.error ?? null,
    };
    await RECORD_RUN_LUA.run(this.redis, [R.record(s), R.runs(s)], [JSON.stringify(full), run.runId, RUNS_KEPT]);
  }

  /** Moves schedules stored before ids were per workspace; returns the moved ones (legacy id → its key). */
  async migrateLegacy(): Promise<ScheduleKey[]> {
    const flat = (await MIGRATE_LUA.run(this.redis, [R.legacyAll, R.refs])) as string[];
    const moved: ScheduleKey[] = [];
    for (let i = 0; i < flat.length; i += 2) moved.push({ id: flat[i], workspace: flat[i + 1] });
    return moved;
  }

  // ---- ownership (docs/security.md) ----

  /** Records the API key that created a schedule. */
  async setOwner(s: ScheduleKey, keyId: string): Promise<void> {
    await this.redis.hset(R.record(s), 'createdBy', keyId);
  }

  /** The API schedules a key created. */
  async ownedBy(keyId: string): Promise<Schedule[]> {
    return (await this.list()).filter((s) => s.source === 'api' && s.createdBy === keyId);
  }

  /** Pauses a schedule (enabled off) without touching its definition; false when it is gone. */
  async pause(s: ScheduleKey): Promise<boolean> {
    if (!(await this.redis.exists(R.record(s)))) return false;
    await this.redis.hset(R.record(s), { enabled: '0', updatedAt: this.now().toISOString() });
    return true;
  }
}
