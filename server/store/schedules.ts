/**
 * Schedules: the definition (what to send, when) plus what the last runs did. BullMQ's job
 * scheduler (queues/schedules.ts) owns the timing; this store owns what the API shows.
 *
 * Redis keys (all under the {sched} hash tag, so one MULTI / script can touch them on a cluster):
 *   oc:{sched}:s:<id>            → hash: id, workspace, userId, message, cron, timezone, sessionId,
 *                                   enabled, source, createdBy, createdAt, updatedAt, definition (config sync),
 *                                   runCount, lastRun (JSON of the newest run), deliver (JSON, when set)
 *   oc:{sched}:all               → set of schedule ids
 *   oc:{sched}:runs:<id>         → list of the newest runs (JSON, newest first, capped)
 */
import type Redis from 'ioredis';
import { LuaScript } from './lua';
import type { Deliver } from '../channels/schema';
import type { RunDelivery } from '../channels/outbound';

const R = {
  record: (id: string) => `oc:{sched}:s:${id}`,
  all: 'oc:{sched}:all',
  runs: (id: string) => `oc:{sched}:runs:${id}`,
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
const SYNC_LUA = new LuaScript(`
if redis.call('HGET', KEYS[1], 'definition') == ARGV[1] and redis.call('HGET', KEYS[1], 'source') == 'config' then return 0 end
local fields = cjson.decode(ARGV[2])
for k, v in pairs(fields) do redis.call('HSET', KEYS[1], k, v) end
redis.call('HSETNX', KEYS[1], 'createdAt', ARGV[3])
redis.call('HSETNX', KEYS[1], 'runCount', '0')
redis.call('SADD', KEYS[2], fields['id'])
return 1
`);

// Records a run: replaces the entry with the same runId (running → finished) or prepends it.
const RECORD_RUN_LUA = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local run = ARGV[1]
local runId = ARGV[2]
local list = redis.call('LRANGE', KEYS[2], 0, -1)
local found = false
for i, raw in ipairs(list) do
  if cjson.decode(raw)['runId'] == runId then
    redis.call('LSET', KEYS[2], i - 1, run)
    found = true
    break
  end
end
if not found then
  redis.call('LPUSH', KEYS[2], run)
  redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[3]) - 1)
  redis.call('HINCRBY', KEYS[1], 'runCount', 1)
end
local newest = redis.call('LINDEX', KEYS[2], 0)
redis.call('HSET', KEYS[1], 'lastRun', newest)
return 1
`);

export class ScheduleStore {
  constructor(private readonly redis: Redis, private readonly now: () => Date = () => new Date()) {}

  async get(id: string): Promise<Schedule | null> {
    const h = await this.redis.hgetall(R.record(id));
    return h.id ? toSchedule(h) : null;
  }

  async list(): Promise<Schedule[]> {
    const ids = (await this.redis.smembers(R.all)).sort();
    const all = await Promise.all(ids.map((id) => this.get(id)));
    return all.filter((s): s is Schedule => !!s);
  }

  /** Creates an API schedule; null when the id is taken (HSETNX on the id field decides). */
  async create(id: string, d: ScheduleDefinition): Promise<Schedule | null> {
    if (!(await this.redis.hsetnx(R.record(id), 'id', id))) return null;
    const at = this.now().toISOString();
    await this.redis
      .multi()
      .hset(R.record(id), { ...definitionHash(d), source: 'api', createdAt: at, updatedAt: at, runCount: '0', definition: fingerprint(d) })
      .sadd(R.all, id)
      .exec();
    return this.get(id);
  }

  /** Replaces the definition of an existing schedule; null when it is gone. */
  async update(id: string, d: ScheduleDefinition): Promise<Schedule | null> {
    if (!(await this.redis.exists(R.record(id)))) return null;
    const multi = this.redis.multi().hset(R.record(id), { ...definitionHash(d), updatedAt: this.now().toISOString(), definition: fingerprint(d) });
    if (!d.deliver) multi.hdel(R.record(id), 'deliver');
    await multi.exec();
    return this.get(id);
  }

  async delete(id: string): Promise<boolean> {
    const [[, n]] = (await this.redis.multi().del(R.record(id)).srem(R.all, id).del(R.runs(id)).exec()) as [[null, number], ...unknown[]];
    return n === 1;
  }

  /** Writes a config-declared schedule; true when it is new or changed (BullMQ must be re-armed). */
  async syncConfig(id: string, d: ScheduleDefinition): Promise<boolean> {
    const at = this.now().toISOString();
    const fields = { ...definitionHash(d), id, source: 'config', updatedAt: at, definition: fingerprint(d) };
    const wrote = (await SYNC_LUA.run(this.redis, [R.record(id), R.all], [fingerprint(d), JSON.stringify(fields), at])) === 1;
    if (wrote && !d.deliver) await this.redis.hdel(R.record(id), 'deliver');
    return wrote;
  }

  async runs(id: string): Promise<ScheduleRun[]> {
    return (await this.redis.lrange(R.runs(id), 0, -1)).map((r) => JSON.parse(r) as ScheduleRun);
  }

  /** Adds or updates a run (same runId); ignored when the schedule was deleted meanwhile. */
  async recordRun(id: string, run: ScheduleRun): Promise<void> {
    // Every field present (null, never missing), as the API's response schema expects.
    const full: ScheduleRun = { ...run, finishedAt: run.finishedAt ?? null, messageId: run.messageId ?? null, sessionId: run.sessionId ?? null, responseExcerpt: run.responseExcerpt ?? null, error: run.error ?? null };
    await RECORD_RUN_LUA.run(this.redis, [R.record(id), R.runs(id)], [JSON.stringify(full), run.runId, RUNS_KEPT]);
  }

  // ---- ownership (docs/security.md) ----

  /** Records the API key that created a schedule. */
  async setOwner(id: string, keyId: string): Promise<void> {
    await this.redis.hset(R.record(id), 'createdBy', keyId);
  }

  /** Ids of the API schedules a key created. */
  async ownedBy(keyId: string): Promise<Schedule[]> {
    return (await this.list()).filter((s) => s.source === 'api' && s.createdBy === keyId);
  }

  /** Pauses a schedule (enabled off) without touching its definition; false when it is gone. */
  async pause(id: string): Promise<boolean> {
    if (!(await this.redis.exists(R.record(id)))) return false;
    await this.redis.hset(R.record(id), { enabled: '0', updatedAt: this.now().toISOString() });
    return true;
  }
}
