/**
 * Outbound webhook subscriptions and their delivery log.
 *
 * Redis keys. Subscriptions (under the {wh} hash tag, so one MULTI or script can touch them):
 *   oc:{wh}:s:<id>     → hash: id, url, events (JSON), workspaces (JSON or null), scope (JSON),
 *                        description, enabled (1/0), secret, retries, timeoutMs, source, createdBy,
 *                        createdAt, updatedAt, disabledReason, disabledAt, consecutiveFailures,
 *                        and the circuit breaker: circuitState (open / empty), circuitOpenedAt,
 *                        circuitProbeAt (ms), failedAttempts
 *   oc:{wh}:all        → set of subscription ids
 *   oc:{wh}:version    → counter bumped by every change that affects which events match, so
 *                        every process can cache the list and reload it only when it changed
 *   oc:{wh}:pending    → sorted set "<subscription id> <delivery id>" by creation time (ms):
 *                        deliveries whose first attempt has not started (the repair's worklist)
 * Event bodies, stored once for all the deliveries of an event, kept `retentionDays`:
 *   oc:{whe:<eventId>}:body → string, the exact bytes sent
 * Delivery log, per subscription (under {whd:<subscription id>}), kept `retentionDays`:
 *   oc:{whd:<wid>}:d    → hash deliveryId → compact JSON record (StoredDelivery, attempts inside)
 *   oc:{whd:<wid>}:log  → list "<createdMs>:<deliveryId>", newest first (trimmed past the retention)
 *   oc:{whd:<wid>}:held → sorted set of deliveries held by the open circuit, released when it closes
 * The secret is stored as given: the gateway needs it to sign every delivery.
 */
import type Redis from 'ioredis';
import { LuaScript } from '../store/lua';
import type { TrackedCache } from '../store/tracking';

const R = {
  sub: (id: string) => `oc:{wh}:s:${id}`,
  all: 'oc:{wh}:all',
  version: 'oc:{wh}:version',
  pending: 'oc:{wh}:pending',
  body: (eventId: string) => `oc:{whe:${eventId}}:body`,
  deliveries: (wid: string) => `oc:{whd:${wid}}:d`,
  log: (wid: string) => `oc:{whd:${wid}}:log`,
  held: (wid: string) => `oc:{whd:${wid}}:held`,
};

/** How much of a receiver's answer each logged attempt keeps. */
export const RESPONSE_LOG_BYTES = 256;

/** callback: one message's callbackUrl (POST /messages), outside the subscription list, expiring with the delivery log. */
export type SubscriptionSource = 'api' | 'config' | 'callback';

export interface CircuitView {
  state: 'closed' | 'open';
  openedAt: string | null;
  /** When the next probe is due (open only). */
  nextProbeAt: string | null;
  /** Failed attempts in a row, over all of the subscription's deliveries. */
  failedAttempts: number;
}

export const CLOSED_CIRCUIT: CircuitView = { state: 'closed', openedAt: null, nextProbeAt: null, failedAttempts: 0 };

export interface WebhookSubscription {
  id: string;
  url: string;
  events: string[];
  /** Only these workspaces' events (null: every workspace in `scope`). */
  workspaces: string[] | null;
  /** The workspaces of the key that created it ('*' = all): events outside never reach it. */
  scope: string[];
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: string | null;
  /** Events in a row whose delivery finally failed; reset by any successful delivery. */
  consecutiveFailures: number;
  /** The circuit breaker: open while the receiver keeps failing (deliveries are held, one probes). */
  circuit: CircuitView;
  retries: number;
  timeoutMs: number;
  source: SubscriptionSource;
  /** Id of the API key that created it; null for config subscriptions. */
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface StoredSubscription extends WebhookSubscription {
  secret: string;
}

export type NewSubscription = Pick<
  StoredSubscription,
  | 'id'
  | 'url'
  | 'events'
  | 'workspaces'
  | 'scope'
  | 'description'
  | 'secret'
  | 'retries'
  | 'timeoutMs'
  | 'source'
  | 'createdBy'
>;

export type SubscriptionPatch = Partial<
  Pick<
    StoredSubscription,
    'url' | 'events' | 'workspaces' | 'description' | 'enabled' | 'secret' | 'retries' | 'timeoutMs'
  >
>;

export type DeliveryStatus = 'pending' | 'retrying' | 'delivered' | 'failed' | 'cancelled';

export interface DeliveryAttempt {
  attempt: number;
  startedAt: string;
  durationMs: number;
  /** HTTP status; null when no response came. */
  status: number | null;
  error: string | null;
  /** First bytes of the receiver's answer. */
  response: string | null;
  /** When the next attempt is due, if one is scheduled. */
  nextAttemptAt: string | null;
}

export interface Delivery {
  id: string;
  webhookId: string;
  eventId: string;
  event: string;
  status: DeliveryStatus;
  attemptCount: number;
  /** A test ping or a redelivery asked for through the API. */
  manual: boolean;
  redeliveryOf: string | null;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
}

export interface DeliveryWithBody extends Delivery {
  /** The event's body as sent; null once it has expired. */
  body: string | null;
}

export type NewDelivery = Pick<Delivery, 'id' | 'webhookId' | 'eventId' | 'event' | 'manual' | 'redeliveryOf'>;

/** One attempt as stored: [attempt, startedMs, durationMs, status, error, response, nextAttemptMs]. */
type StoredAttempt = [number, number, number, number | null, string | null, string | null, number | null];

/**
 * A delivery as stored (short keys: one record per event × subscription, so bytes count):
 * e eventId, n event name, s status, c/u created/updated ms, m manual (1), r redelivery of,
 * x why it was cancelled, a attempts. Its id and subscription id are in its key.
 */
interface StoredDelivery {
  e: string;
  n: string;
  s: DeliveryStatus;
  c: number;
  u: number;
  m?: 1;
  r?: string;
  x?: string;
  a: StoredAttempt[] | Record<string, never>;
}

// HSET only when the hash exists (a deleted subscription or an expired delivery must not come
// back as a partial hash); a second key, when given, is the version counter to bump.
const UPDATE_IF_EXISTS = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
if KEYS[2] then redis.call('INCR', KEYS[2]) end
return 1
`);

// Creates a subscription within the per-workspace cap: server/store/lua/webhooks-create-capped.lua.
const CREATE_CAPPED = LuaScript.file('webhooks-create-capped');

// One more event failed: count it, and disable the subscription when the count reaches the limit.
// Returns {failures, disabledNow}; failures -1 when the subscription is gone.
const COUNT_FAILURE = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1, 0} end
local n = redis.call('HINCRBY', KEYS[1], 'consecutiveFailures', 1)
if n >= tonumber(ARGV[1]) and redis.call('HGET', KEYS[1], 'enabled') == '1' then
  redis.call('HSET', KEYS[1], 'enabled', '0', 'disabledReason', string.gsub(ARGV[2], '%%n', tostring(n)), 'disabledAt', ARGV[3], 'updatedAt', ARGV[3])
  redis.call('INCR', KEYS[2])
  return {n, 1}
end
return {n, 0}
`);

// Drops log entries past the retention (the oldest are at the tail), a bounded number per call.
// KEYS[1] the delivery hash, KEYS[2] the log; `cutoff` a Lua expression for the cutoff ms.
const trim = (cutoff: string) => `
for _ = 1, 100 do
  local tail = redis.call('LINDEX', KEYS[2], -1)
  if not tail then break end
  local sep = string.find(tail, ':', 1, true)
  if tonumber(string.sub(tail, 1, sep - 1)) >= tonumber(${cutoff}) then break end
  redis.call('RPOP', KEYS[2])
  redis.call('HDEL', KEYS[1], string.sub(tail, sep + 1))
end
`;

// A new delivery, unless it exists (then the stored record is returned untouched).
// KEYS: delivery hash, log; ARGV: ttl, id, record JSON, log entry, cutoff ms. Returns the record.
const CREATE_DELIVERY = new LuaScript(`
local existing = redis.call('HGET', KEYS[1], ARGV[2])
if existing then return existing end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('LPUSH', KEYS[2], ARGV[4])
${trim('ARGV[5]')}
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return ARGV[3]
`);

// One page of the log, newest first, after trimming. KEYS: delivery hash, log; ARGV: cutoff ms,
// offset, limit. Returns {total, id1, record1 (or false when gone), id2, …}.
const LIST_DELIVERIES = new LuaScript(`
${trim('ARGV[1]')}
local out = {redis.call('LLEN', KEYS[2])}
for _, e in ipairs(redis.call('LRANGE', KEYS[2], ARGV[2], ARGV[2] + ARGV[3] - 1)) do
  local id = string.sub(e, string.find(e, ':', 1, true) + 1)
  out[#out + 1] = id
  out[#out + 1] = redis.call('HGET', KEYS[1], id)
end
return out
`);

// One attempt appended and the status moved, unless the delivery has expired.
// KEYS: delivery hash, log; ARGV: ttl, id, status, now ms, attempt JSON. Returns 1, or 0 when gone.
const RECORD_ATTEMPT = new LuaScript(`
local raw = redis.call('HGET', KEYS[1], ARGV[2])
if not raw then return 0 end
local r = cjson.decode(raw)
r.s = ARGV[3]
r.u = tonumber(ARGV[4])
if type(r.a) ~= 'table' then r.a = {} end
table.insert(r.a, cjson.decode(ARGV[5]))
redis.call('HSET', KEYS[1], ARGV[2], cjson.encode(r))
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return 1
`);

// KEYS: delivery hash; ARGV: id, now ms, reason.
const CANCEL_DELIVERY = new LuaScript(`
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local r = cjson.decode(raw)
r.s = 'cancelled'
r.u = tonumber(ARGV[2])
r.x = ARGV[3]
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(r))
return 1
`);

// The breaker's gate. KEYS: subscription; ARGV: now ms, probe interval ms.
// Returns {0, 0} go (closed), {1, 0} probe (claimed: the next one is pushed back), {2, probeAt} hold.
const GATE = new LuaScript(`
if redis.call('HGET', KEYS[1], 'circuitState') ~= 'open' then return {0, 0} end
local now = tonumber(ARGV[1])
local at = tonumber(redis.call('HGET', KEYS[1], 'circuitProbeAt') or '0') or 0
if now >= at then
  redis.call('HSET', KEYS[1], 'circuitProbeAt', now + tonumber(ARGV[2]))
  return {1, 0}
end
return {2, at}
`);

// Feeds an attempt's outcome to the circuit breaker: server/store/lua/webhooks-circuit-result.lua.
const CIRCUIT_RESULT = LuaScript.file('webhooks-circuit-result');

const nullable = (v: string | undefined) => (v === undefined || v === '' ? null : v);

function toSubscription(h: Record<string, string>): StoredSubscription {
  return {
    id: h.id,
    url: h.url,
    events: JSON.parse(h.events) as string[],
    workspaces: JSON.parse(h.workspaces ?? 'null') as string[] | null,
    scope: JSON.parse(h.scope) as string[],
    description: nullable(h.description),
    enabled: h.enabled === '1',
    disabledReason: nullable(h.disabledReason),
    disabledAt: nullable(h.disabledAt),
    consecutiveFailures: Number(h.consecutiveFailures ?? 0),
    circuit:
      h.circuitState === 'open'
        ? {
            state: 'open',
            openedAt: nullable(h.circuitOpenedAt),
            nextProbeAt: h.circuitProbeAt ? new Date(Number(h.circuitProbeAt)).toISOString() : null,
            failedAttempts: Number(h.failedAttempts ?? 0),
          }
        : { ...CLOSED_CIRCUIT, failedAttempts: Number(h.failedAttempts ?? 0) },
    retries: Number(h.retries),
    timeoutMs: Number(h.timeoutMs),
    source: h.source as SubscriptionSource,
    createdBy: nullable(h.createdBy),
    createdAt: h.createdAt,
    updatedAt: h.updatedAt,
    secret: h.secret,
  };
}

/** Field values as stored; only the fields present in `s`. */
/** An attempt as the log stores it: a compact row, the response cut to RESPONSE_LOG_BYTES. */
const storedAttempt = (a: DeliveryAttempt): StoredAttempt => [
  a.attempt,
  Date.parse(a.startedAt),
  a.durationMs,
  a.status,
  a.error,
  truncateUtf8(a.response, RESPONSE_LOG_BYTES),
  a.nextAttemptAt ? Date.parse(a.nextAttemptAt) : null,
];

function toHash(s: Partial<StoredSubscription>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(s)) {
    if (v === undefined || k === 'circuit') continue; // the breaker's fields are written by its scripts
    if (k === 'events' || k === 'workspaces' || k === 'scope') out[k] = JSON.stringify(v);
    else if (typeof v === 'boolean') out[k] = v ? '1' : '0';
    else out[k] = v === null ? '' : `${v as string | number}`; // the remaining fields are strings and numbers
  }
  return out;
}

const iso = (ms: number) => new Date(ms).toISOString();

function attemptsOf(r: StoredDelivery): DeliveryAttempt[] {
  const rows = Array.isArray(r.a) ? r.a : [];
  return rows.map(([attempt, startedMs, durationMs, status, error, response, nextMs]) => ({
    attempt,
    startedAt: iso(startedMs),
    durationMs,
    status,
    error,
    response,
    nextAttemptAt: nextMs === null ? null : iso(nextMs),
  }));
}

function toDelivery(webhookId: string, id: string, r: StoredDelivery): Delivery {
  const rows = Array.isArray(r.a) ? r.a : [];
  const last = rows[rows.length - 1];
  return {
    id,
    webhookId,
    eventId: r.e,
    event: r.n,
    status: r.s,
    attemptCount: last ? last[0] : 0,
    manual: r.m === 1,
    redeliveryOf: r.r ?? null,
    createdAt: iso(r.c),
    updatedAt: iso(r.u),
    deliveredAt: r.s === 'delivered' ? iso(r.u) : null,
    nextAttemptAt: r.s === 'retrying' && last?.[6] ? iso(last[6]) : null,
    lastStatus: last?.[3] ?? null,
    lastError: r.s === 'cancelled' ? (r.x ?? null) : (last?.[4] ?? null),
  };
}

/** At most `max` bytes of UTF-8, never cutting a character in two. */
export function truncateUtf8(s: string | null, max: number): string | null {
  if (s === null) return null;
  const buf = Buffer.from(s, 'utf8');
  if (buf.length <= max) return s;
  let end = max;
  while (end > 0 && (buf[end] & 0xc0) === 0x80) end--; // step back off a continuation byte
  return buf.subarray(0, end).toString('utf8');
}

/** What one attempt changes on its delivery. */
export interface AttemptOutcome {
  status: DeliveryStatus;
  attempt: DeliveryAttempt;
}

/** The version counter is cached per process (every event reads it), kept exact by CLIENT TRACKING. */
export const WEBHOOK_TRACKED_PREFIXES = [R.version];

export class WebhookStore {
  constructor(
    private readonly redis: Redis,
    private readonly now: () => Date = () => new Date(),
    private readonly versionCache?: TrackedCache<string>,
  ) {}

  /** This process moved the version: drop its cached copy now, before Redis's notification arrives. */
  private bumped(): void {
    this.versionCache?.invalidate(R.version);
  }

  private iso = () => this.now().toISOString();

  /** A new subscription's record: enabled, circuit closed, no failures yet. */
  private fresh(input: NewSubscription): StoredSubscription {
    const at = this.iso();
    return {
      ...input,
      enabled: true,
      disabledReason: null,
      disabledAt: null,
      consecutiveFailures: 0,
      circuit: CLOSED_CIRCUIT,
      createdAt: at,
      updatedAt: at,
    };
  }

  // ---- subscriptions ----

  async create(input: NewSubscription): Promise<StoredSubscription> {
    const sub = this.fresh(input);
    await this.redis.multi().hset(R.sub(sub.id), toHash(sub)).sadd(R.all, sub.id).incr(R.version).exec();
    this.bumped();
    return sub;
  }

  /** Creates an API subscription within limits.subscriptionsPerWorkspace; else the first full workspace and what it holds. */
  async createCapped(
    input: NewSubscription,
    covers: string[],
    cap: number,
  ): Promise<StoredSubscription | { full: string; held: number }> {
    const sub = this.fresh(input);
    const r = (await CREATE_CAPPED.run(
      this.redis,
      [R.sub(sub.id), R.all, R.version],
      [cap, JSON.stringify(covers), R.sub(''), sub.id, ...Object.entries(toHash(sub)).flat()],
    )) as 1 | [string, number];
    this.bumped();
    return r === 1 ? sub : { full: r[0], held: Number(r[1]) };
  }

  /**
   * A message's callback target: stored like a subscription (so the webhooks worker signs,
   * sends, retries and logs it the same way) but not in the list, so no event matches it,
   * and expiring after `ttlSec`.
   */
  async createCallback(input: NewSubscription, ttlSec: number): Promise<StoredSubscription> {
    const sub = this.fresh(input);
    await this.redis.multi().hset(R.sub(sub.id), toHash(sub)).expire(R.sub(sub.id), ttlSec).exec();
    return sub;
  }

  async get(id: string): Promise<StoredSubscription | null> {
    const h = await this.redis.hgetall(R.sub(id));
    return h.id ? toSubscription(h) : null;
  }

  /** Every subscription, oldest first. */
  async list(): Promise<StoredSubscription[]> {
    const ids = await this.redis.smembers(R.all);
    const all = await Promise.all(ids.map((id) => this.get(id)));
    return all
      .filter((s): s is StoredSubscription => !!s)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  /** Changes when anything that decides which events match changes. */
  async version(): Promise<string> {
    const load = async () => (await this.redis.get(R.version)) ?? '0';
    return this.versionCache ? this.versionCache.read(R.version, load) : load();
  }

  private async setIfExists(id: string, fields: Record<string, string>, bumpVersion: boolean): Promise<boolean> {
    const keys = bumpVersion ? [R.sub(id), R.version] : [R.sub(id)];
    const updated = (await UPDATE_IF_EXISTS.run(this.redis, keys, Object.entries(fields).flat())) === 1;
    if (bumpVersion) this.bumped();
    return updated;
  }

  /** Applies a change; enabling clears the disabled reason and the failure count. Null when gone. */
  async update(id: string, patch: SubscriptionPatch): Promise<StoredSubscription | null> {
    const fields = toHash({ ...patch, updatedAt: this.iso() });
    if (patch.enabled === true)
      Object.assign(fields, {
        disabledReason: '',
        disabledAt: '',
        consecutiveFailures: '0',
        circuitState: '',
        circuitOpenedAt: '',
        circuitProbeAt: '',
        failedAttempts: '0',
      });
    if (patch.enabled === false)
      Object.assign(fields, { disabledReason: 'disabled through the API', disabledAt: fields.updatedAt });
    if (!(await this.setIfExists(id, fields, true))) return null;
    return this.get(id);
  }

  async disable(id: string, reason: string): Promise<boolean> {
    const at = this.iso();
    return this.setIfExists(id, { enabled: '0', disabledReason: reason, disabledAt: at, updatedAt: at }, true);
  }

  /** One more event finally failed; disables at `disableAfter` in a row (`%n` in the reason = the count). */
  async countFailedEvent(
    id: string,
    disableAfter: number,
    reason: string,
  ): Promise<{ failures: number; disabledNow: boolean }> {
    const [failures, disabled] = (await COUNT_FAILURE.run(
      this.redis,
      [R.sub(id), R.version],
      [disableAfter, reason, this.iso()],
    )) as [number, number];
    if (disabled === 1) this.bumped();
    return { failures, disabledNow: disabled === 1 };
  }

  async resetFailures(id: string): Promise<void> {
    await this.setIfExists(id, { consecutiveFailures: '0' }, false);
  }

  async delete(id: string): Promise<boolean> {
    const [[, n]] = (await this.redis.multi().del(R.sub(id)).srem(R.all, id).incr(R.version).exec()) as [
      [null, number],
      ...unknown[],
    ];
    this.bumped();
    // The records stay until they expire, so jobs still queued find them and mark them cancelled.
    await this.redis.del(R.log(id), R.held(id));
    return n === 1;
  }

  /**
   * Makes config subscriptions match `webhooks.outbound`: written as declared (enabled again on
   * every start), and removed when gone from the file. API subscriptions are left alone.
   */
  async syncConfig(wanted: NewSubscription[]): Promise<void> {
    const ids = new Set(wanted.map((w) => w.id));
    for (const w of wanted) {
      const existing = await this.get(w.id);
      const at = this.iso();
      const sub: StoredSubscription = {
        ...w,
        enabled: true,
        disabledReason: null,
        disabledAt: null,
        consecutiveFailures: 0,
        circuit: existing?.circuit ?? CLOSED_CIRCUIT,
        createdAt: existing?.createdAt ?? at,
        updatedAt: at,
      };
      await this.redis.multi().hset(R.sub(w.id), toHash(sub)).sadd(R.all, w.id).incr(R.version).exec();
      this.bumped();
    }
    for (const s of await this.list()) if (s.source === 'config' && !ids.has(s.id)) await this.delete(s.id);
  }

  // ---- circuit breaker ----

  /**
   * Whether a delivery of this subscription may be attempted now: `go` (circuit closed),
   * `probe` (open, and this delivery is the one that tests the receiver; the next probe is
   * pushed back by `probeIntervalMs`), or `hold` until the next probe is due.
   */
  async gate(
    id: string,
    probeIntervalMs: number,
  ): Promise<{ decision: 'go' } | { decision: 'probe' } | { decision: 'hold'; untilMs: number }> {
    const [code, at] = (await GATE.run(this.redis, [R.sub(id)], [this.now().getTime(), probeIntervalMs])) as [
      number,
      number,
    ];
    if (code === 0) return { decision: 'go' };
    if (code === 1) return { decision: 'probe' };
    return { decision: 'hold', untilMs: at };
  }

  /**
   * Feeds one attempt's outcome to the breaker: a success closes it, `threshold` failures in a
   * row (0: never) open it. Returns the transition, if any.
   */
  async recordCircuit(
    id: string,
    ok: boolean,
    threshold: number,
    probeIntervalMs: number,
  ): Promise<'opened' | 'closed' | null> {
    const nowMs = this.now().getTime();
    const r = (await CIRCUIT_RESULT.run(
      this.redis,
      [R.sub(id)],
      [ok ? 1 : 0, threshold, nowMs, nowMs + probeIntervalMs, new Date(nowMs).toISOString()],
    )) as string;
    return r === 'opened' || r === 'closed' ? r : null;
  }

  /** Remembers a delivery held by the open circuit, to release it when the circuit closes. */
  async hold(webhookId: string, deliveryId: string, retentionSec: number): Promise<void> {
    await this.redis
      .multi()
      .zadd(R.held(webhookId), this.now().getTime(), deliveryId)
      .expire(R.held(webhookId), retentionSec)
      .exec();
  }

  /** The deliveries held while the circuit was open (oldest first), forgotten as they are returned. */
  async takeHeld(webhookId: string): Promise<string[]> {
    const [[, ids]] = (await this.redis.multi().zrange(R.held(webhookId), 0, -1).del(R.held(webhookId)).exec()) as [
      [null, string[]],
      ...unknown[],
    ];
    return ids;
  }

  // ---- event bodies ----

  /** Stores an event's body once, for every delivery of it; kept (and re-kept) `retentionSec`. */
  async putBody(eventId: string, body: string, retentionSec: number): Promise<void> {
    await this.redis.set(R.body(eventId), body, 'EX', retentionSec);
  }

  async getBody(eventId: string): Promise<string | null> {
    return this.redis.get(R.body(eventId));
  }

  // ---- delivery log ----

  /**
   * Records a delivery about to be queued, unless one with this id exists (a re-emitted event):
   * returns the delivery as stored either way (`status: 'pending'` when it still needs its job).
   * The record lives `retentionSec` in its subscription's log. A pending mark (kept until the
   * first attempt starts) lets the repair find it if its job is never added.
   */
  async createDelivery(d: NewDelivery, retentionSec: number): Promise<Delivery> {
    const nowMs = this.now().getTime();
    const rec: StoredDelivery = { e: d.eventId, n: d.event, s: 'pending', c: nowMs, u: nowMs, a: [] };
    if (d.manual) rec.m = 1;
    if (d.redeliveryOf) rec.r = d.redeliveryOf;
    await this.redis.zadd(R.pending, 'NX', nowMs, `${d.webhookId} ${d.id}`);
    const stored = (await CREATE_DELIVERY.run(
      this.redis,
      [R.deliveries(d.webhookId), R.log(d.webhookId)],
      [retentionSec, d.id, JSON.stringify(rec), `${nowMs}:${d.id}`, nowMs - retentionSec * 1000],
    )) as string;
    return toDelivery(d.webhookId, d.id, JSON.parse(stored) as StoredDelivery);
  }

  async getDelivery(webhookId: string, id: string): Promise<Delivery | null> {
    const raw = await this.redis.hget(R.deliveries(webhookId), id);
    if (raw) return toDelivery(webhookId, id, JSON.parse(raw) as StoredDelivery);
    return this.migrateLegacy(webhookId, id);
  }

  /**
   * A delivery written by an earlier version (one hash per delivery holding its body, attempts
   * in a list), still queued across an upgrade: rewritten in today's layout, so it is sent.
   */
  private async migrateLegacy(webhookId: string, id: string): Promise<Delivery | null> {
    const legacy = { hash: `oc:{whd:${webhookId}}:d:${id}`, attempts: `oc:{whd:${webhookId}}:a:${id}` };
    const [h, rows, ttl] = await Promise.all([
      this.redis.hgetall(legacy.hash),
      this.redis.lrange(legacy.attempts, 0, -1),
      this.redis.ttl(legacy.hash),
    ]);
    if (!h.id) return null;
    const retentionSec = ttl > 0 ? ttl : 86400;
    const attempts = rows.map((r) => JSON.parse(r) as DeliveryAttempt);
    const rec: StoredDelivery = {
      e: h.eventId,
      n: h.event,
      s: h.status as DeliveryStatus,
      c: Date.parse(h.createdAt),
      u: Date.parse(h.updatedAt),
      a: attempts.map(storedAttempt),
    };
    if (h.manual === '1') rec.m = 1;
    if (h.redeliveryOf) rec.r = h.redeliveryOf;
    if (h.status === 'cancelled' && h.lastError) rec.x = h.lastError;
    if (h.body) await this.redis.set(R.body(h.eventId), h.body, 'EX', retentionSec, 'NX');
    const stored = (await CREATE_DELIVERY.run(
      this.redis,
      [R.deliveries(webhookId), R.log(webhookId)],
      [retentionSec, id, JSON.stringify(rec), `${rec.c}:${id}`, this.now().getTime() - 366 * 86400_000],
    )) as string;
    await this.redis.del(legacy.hash, legacy.attempts);
    return toDelivery(webhookId, id, JSON.parse(stored) as StoredDelivery);
  }

  /** A delivery with the body of its event (null when the body has expired). */
  async getDeliveryWithBody(webhookId: string, id: string): Promise<DeliveryWithBody | null> {
    const d = await this.getDelivery(webhookId, id);
    return d && { ...d, body: await this.getBody(d.eventId) };
  }

  async attempts(webhookId: string, id: string): Promise<DeliveryAttempt[]> {
    const raw = await this.redis.hget(R.deliveries(webhookId), id);
    return raw ? attemptsOf(JSON.parse(raw) as StoredDelivery) : [];
  }

  /** Newest first; deliveries older than the retention are dropped from the log first. */
  async listDeliveries(
    webhookId: string,
    limit: number,
    offset: number,
    retentionSec: number,
  ): Promise<{ data: Delivery[]; total: number }> {
    const cutoff = this.now().getTime() - retentionSec * 1000;
    const [total, ...rest] = (await LIST_DELIVERIES.run(
      this.redis,
      [R.deliveries(webhookId), R.log(webhookId)],
      [cutoff, offset, limit],
    )) as [number, ...(string | null)[]];
    const data: Delivery[] = [];
    for (let i = 0; i < rest.length; i += 2)
      if (rest[i + 1]) data.push(toDelivery(webhookId, rest[i]!, JSON.parse(rest[i + 1]!) as StoredDelivery));
    return { data, total };
  }

  /** Failed deliveries (not test pings or redeliveries) created at or after `sinceMs`, oldest first, at most `limit`. */
  async failedSince(webhookId: string, sinceMs: number, limit: number, retentionSec: number): Promise<Delivery[]> {
    const cutoff = Math.max(sinceMs, this.now().getTime() - retentionSec * 1000);
    const entries = await this.redis.lrange(R.log(webhookId), 0, -1);
    const ids = entries
      .map((e) => ({ ms: Number(e.slice(0, e.indexOf(':'))), id: e.slice(e.indexOf(':') + 1) }))
      .filter((e) => e.ms >= cutoff)
      .reverse();
    const out: Delivery[] = [];
    for (let i = 0; i < ids.length && out.length < limit; i += 200) {
      const chunk = ids.slice(i, i + 200);
      const raws = await this.redis.hmget(R.deliveries(webhookId), ...chunk.map((e) => e.id));
      raws.forEach((raw, j) => {
        if (!raw || out.length >= limit) return;
        const d = toDelivery(webhookId, chunk[j].id, JSON.parse(raw) as StoredDelivery);
        if (d.status === 'failed' && !d.manual) out.push(d);
      });
    }
    return out;
  }

  /** Logs one attempt (the response cut to RESPONSE_LOG_BYTES) and moves the delivery to its new status, in one script. */
  async recordAttempt(webhookId: string, id: string, o: AttemptOutcome, retentionSec: number): Promise<void> {
    const row = storedAttempt(o.attempt);
    await RECORD_ATTEMPT.run(
      this.redis,
      [R.deliveries(webhookId), R.log(webhookId)],
      [retentionSec, id, o.status, this.now().getTime(), JSON.stringify(row)],
    );
  }

  /** Ends a delivery that will not be attempted (its subscription is gone or disabled). */
  async cancelDelivery(webhookId: string, id: string, reason: string): Promise<void> {
    await CANCEL_DELIVERY.run(this.redis, [R.deliveries(webhookId)], [id, this.now().getTime(), reason]);
  }

  /** The first attempt has started: the delivery no longer needs the repair. */
  async clearPending(webhookId: string, id: string): Promise<void> {
    await this.redis.zrem(R.pending, `${webhookId} ${id}`);
  }

  /** Deliveries marked pending before `beforeMs` (candidates for the repair), oldest first. */
  async pendingBefore(beforeMs: number, limit: number): Promise<Array<{ webhookId: string; deliveryId: string }>> {
    const members = await this.redis.zrangebyscore(R.pending, '-inf', beforeMs, 'LIMIT', 0, limit);
    return members.map((m) => {
      const [webhookId, deliveryId] = m.split(' ');
      return { webhookId, deliveryId };
    });
  }
  // ---- ownership (docs/security.md): a subscription ends with its key and its workspace ----

  /** Disables every enabled API subscription the key created (the key was revoked). Returns how many. */
  async disableOwnedBy(keyId: string, reason: string): Promise<number> {
    let n = 0;
    for (const s of await this.list()) {
      if (s.source === 'api' && s.createdBy === keyId && s.enabled && (await this.disable(s.id, reason))) n++;
    }
    return n;
  }

  /** Hands the key's API subscriptions to its successor (rotation). Returns how many. */
  async reassignOwner(fromKeyId: string, toKeyId: string): Promise<number> {
    let n = 0;
    for (const s of await this.list()) {
      if (
        s.source === 'api' &&
        s.createdBy === fromKeyId &&
        (await this.setIfExists(s.id, { createdBy: toKeyId, updatedAt: this.iso() }, false))
      )
        n++;
    }
    return n;
  }

  /**
   * A workspace was deleted: API subscriptions lose it from their scope and filter, and those
   * left with no workspace at all are deleted, so a re-created workspace of the same id inherits
   * nothing. Subscriptions of a key over `*` without a filter stay (they follow every workspace).
   */
  async dropWorkspace(workspace: string): Promise<{ deleted: number; narrowed: number }> {
    let deleted = 0;
    let narrowed = 0;
    for (const s of await this.list()) {
      if (s.source !== 'api') continue;
      const inScope = s.scope.includes(workspace);
      const inFilter = s.workspaces?.includes(workspace) ?? false;
      if (!inScope && !inFilter) continue;
      const scope = s.scope.filter((w) => w !== workspace);
      const workspaces = s.workspaces && s.workspaces.filter((w) => w !== workspace);
      if (!scope.length || (workspaces && !workspaces.length)) {
        if (await this.delete(s.id)) deleted++;
        continue;
      }
      if (await this.setIfExists(s.id, toHash({ scope, workspaces, updatedAt: this.iso() }), true)) narrowed++;
    }
    return { deleted, narrowed };
  }
}
