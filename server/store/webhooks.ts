/**
 * Outbound webhook subscriptions and their delivery log.
 *
 * Redis keys. Subscriptions (under the {wh} hash tag, so one MULTI or script can touch them):
 *   oc:{wh}:s:<id>     → hash: id, url, events (JSON), workspaces (JSON or null), scope (JSON),
 *                        description, enabled (1/0), secret, retries, timeoutMs, source, createdBy,
 *                        createdAt, updatedAt, disabledReason, disabledAt, consecutiveFailures
 *   oc:{wh}:all        → set of subscription ids
 *   oc:{wh}:version    → counter bumped by every change that affects which events match, so
 *                        every process can cache the list and reload it only when it changed
 * Delivery log, per subscription (under {whd:<subscription id>}), kept `retentionDays`:
 *   oc:{whd:<wid>}:d:<deliveryId> → hash: id, webhookId, eventId, event, body, status, attemptCount,
 *                        manual, redeliveryOf, createdAt, updatedAt, deliveredAt, nextAttemptAt,
 *                        lastStatus, lastError
 *   oc:{whd:<wid>}:a:<deliveryId> → list of attempts (JSON), oldest first
 *   oc:{whd:<wid>}:idx            → sorted set deliveryId by creation time (ms)
 * The secret is stored as given: the gateway needs it to sign every delivery.
 */
import type Redis from 'ioredis';
import { LuaScript } from './lua';

const R = {
  sub: (id: string) => `oc:{wh}:s:${id}`,
  all: 'oc:{wh}:all',
  version: 'oc:{wh}:version',
  delivery: (wid: string, id: string) => `oc:{whd:${wid}}:d:${id}`,
  attempts: (wid: string, id: string) => `oc:{whd:${wid}}:a:${id}`,
  index: (wid: string) => `oc:{whd:${wid}}:idx`,
};

export type SubscriptionSource = 'api' | 'config';

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

export type NewSubscription = Pick<StoredSubscription, 'id' | 'url' | 'events' | 'workspaces' | 'scope' | 'description' | 'secret' | 'retries' | 'timeoutMs' | 'source' | 'createdBy'>;

export type SubscriptionPatch = Partial<Pick<StoredSubscription, 'url' | 'events' | 'workspaces' | 'description' | 'enabled' | 'secret' | 'retries' | 'timeoutMs'>>;

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
  body: string;
}

export type NewDelivery = Pick<DeliveryWithBody, 'id' | 'webhookId' | 'eventId' | 'event' | 'body' | 'manual' | 'redeliveryOf'>;

// HSET only when the hash exists (a deleted subscription or an expired delivery must not come
// back as a partial hash); a second key, when given, is the version counter to bump.
const UPDATE_IF_EXISTS = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
if KEYS[2] then redis.call('INCR', KEYS[2]) end
return 1
`);

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

// A new delivery: its hash and its index entry, both expiring after the retention; index entries
// older than the retention are dropped. KEYS: delivery, index; ARGV: ttl, nowMs, id, cutoffMs, fields…
const CREATE_DELIVERY = new LuaScript(`
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[1])
`);

// One attempt: appended to the attempts list, and the delivery's status fields updated, unless
// the delivery has expired. KEYS: delivery, attempts; ARGV: ttl, attempt JSON, fields…
const RECORD_ATTEMPT = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return 1
`);

const nullable = (v: string | undefined) => (v === undefined || v === '' ? null : v);

function toSubscription(h: Record<string, string>): StoredSubscription {
  return {
    id: h.id,
    url: h.url,
    events: JSON.parse(h.events),
    workspaces: JSON.parse(h.workspaces ?? 'null'),
    scope: JSON.parse(h.scope),
    description: nullable(h.description),
    enabled: h.enabled === '1',
    disabledReason: nullable(h.disabledReason),
    disabledAt: nullable(h.disabledAt),
    consecutiveFailures: Number(h.consecutiveFailures ?? 0),
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
function toHash(s: Partial<StoredSubscription>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(s)) {
    if (v === undefined) continue;
    if (k === 'events' || k === 'workspaces' || k === 'scope') out[k] = JSON.stringify(v);
    else if (typeof v === 'boolean') out[k] = v ? '1' : '0';
    else out[k] = v === null ? '' : String(v);
  }
  return out;
}

function toDelivery(h: Record<string, string>): DeliveryWithBody {
  return {
    id: h.id,
    webhookId: h.webhookId,
    eventId: h.eventId,
    event: h.event,
    status: h.status as DeliveryStatus,
    attemptCount: Number(h.attemptCount ?? 0),
    manual: h.manual === '1',
    redeliveryOf: nullable(h.redeliveryOf),
    createdAt: h.createdAt,
    updatedAt: h.updatedAt,
    deliveredAt: nullable(h.deliveredAt),
    nextAttemptAt: nullable(h.nextAttemptAt),
    lastStatus: h.lastStatus ? Number(h.lastStatus) : null,
    lastError: nullable(h.lastError),
    body: h.body,
  };
}

/** What one attempt changes on its delivery. */
export interface AttemptOutcome {
  status: DeliveryStatus;
  attempt: DeliveryAttempt;
}

export class WebhookStore {
  constructor(private readonly redis: Redis, private readonly now: () => Date = () => new Date()) {}

  private iso = () => this.now().toISOString();

  // ---- subscriptions ----

  async create(input: NewSubscription): Promise<StoredSubscription> {
    const at = this.iso();
    const sub: StoredSubscription = { ...input, enabled: true, disabledReason: null, disabledAt: null, consecutiveFailures: 0, createdAt: at, updatedAt: at };
    await this.redis.multi().hset(R.sub(sub.id), toHash(sub)).sadd(R.all, sub.id).incr(R.version).exec();
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
    return (await this.redis.get(R.version)) ?? '0';
  }

  private async setIfExists(id: string, fields: Record<string, string>, bumpVersion: boolean): Promise<boolean> {
    const keys = bumpVersion ? [R.sub(id), R.version] : [R.sub(id)];
    return (await UPDATE_IF_EXISTS.run(this.redis, keys, Object.entries(fields).flat())) === 1;
  }

  /** Applies a change; enabling clears the disabled reason and the failure count. Null when gone. */
  async update(id: string, patch: SubscriptionPatch): Promise<StoredSubscription | null> {
    const fields = toHash({ ...patch, updatedAt: this.iso() });
    if (patch.enabled === true) Object.assign(fields, { disabledReason: '', disabledAt: '', consecutiveFailures: '0' });
    if (patch.enabled === false) Object.assign(fields, { disabledReason: 'disabled through the API', disabledAt: fields.updatedAt });
    if (!(await this.setIfExists(id, fields, true))) return null;
    return this.get(id);
  }

  async disable(id: string, reason: string): Promise<boolean> {
    const at = this.iso();
    return this.setIfExists(id, { enabled: '0', disabledReason: reason, disabledAt: at, updatedAt: at }, true);
  }

  /** One more event finally failed; disables at `disableAfter` in a row (`%n` in the reason = the count). */
  async countFailedEvent(id: string, disableAfter: number, reason: string): Promise<{ failures: number; disabledNow: boolean }> {
    const [failures, disabled] = (await COUNT_FAILURE.run(this.redis, [R.sub(id), R.version], [disableAfter, reason, this.iso()])) as [number, number];
    return { failures, disabledNow: disabled === 1 };
  }

  async resetFailures(id: string): Promise<void> {
    await this.setIfExists(id, { consecutiveFailures: '0' }, false);
  }

  async delete(id: string): Promise<boolean> {
    const [[, n]] = (await this.redis.multi().del(R.sub(id)).srem(R.all, id).incr(R.version).exec()) as [[null, number], ...unknown[]];
    await this.redis.del(R.index(id));
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
        createdAt: existing?.createdAt ?? at,
        updatedAt: at,
      };
      await this.redis.multi().hset(R.sub(w.id), toHash(sub)).sadd(R.all, w.id).incr(R.version).exec();
    }
    for (const s of await this.list()) if (s.source === 'config' && !ids.has(s.id)) await this.delete(s.id);
  }

  // ---- delivery log ----

  /** Records a delivery about to be queued; it and its attempts expire after `retentionSec`. */
  async createDelivery(d: NewDelivery, retentionSec: number): Promise<Delivery> {
    const nowMs = this.now().getTime();
    const at = new Date(nowMs).toISOString();
    const rec: DeliveryWithBody = {
      ...d,
      status: 'pending',
      attemptCount: 0,
      createdAt: at,
      updatedAt: at,
      deliveredAt: null,
      nextAttemptAt: null,
      lastStatus: null,
      lastError: null,
    };
    const hash: Record<string, string> = {};
    for (const [k, v] of Object.entries(rec)) hash[k] = v === null ? '' : typeof v === 'boolean' ? (v ? '1' : '') : String(v);
    await CREATE_DELIVERY.run(this.redis, [R.delivery(d.webhookId, d.id), R.index(d.webhookId)], [retentionSec, nowMs, d.id, nowMs - retentionSec * 1000, ...Object.entries(hash).flat()]);
    const { body: _body, ...summary } = rec;
    return summary;
  }

  async getDelivery(webhookId: string, id: string): Promise<DeliveryWithBody | null> {
    const h = await this.redis.hgetall(R.delivery(webhookId, id));
    return h.id ? toDelivery(h) : null;
  }

  async attempts(webhookId: string, id: string): Promise<DeliveryAttempt[]> {
    return (await this.redis.lrange(R.attempts(webhookId, id), 0, -1)).map((a) => JSON.parse(a) as DeliveryAttempt);
  }

  /** Newest first. */
  async listDeliveries(webhookId: string, limit: number, offset: number, retentionSec: number): Promise<{ data: Delivery[]; total: number }> {
    const min = this.now().getTime() - retentionSec * 1000; // older entries have expired (the index is trimmed on writes)
    const [ids, total] = await Promise.all([
      this.redis.zrevrangebyscore(R.index(webhookId), '+inf', min, 'LIMIT', offset, limit),
      this.redis.zcount(R.index(webhookId), min, '+inf'),
    ]);
    // An entry whose hash has expired but is still indexed is skipped.
    const found = await Promise.all(ids.map((id) => this.getDelivery(webhookId, id)));
    const data = found.filter((d): d is DeliveryWithBody => !!d).map(({ body: _body, ...d }) => d);
    return { data, total };
  }

  /** Logs one attempt and moves the delivery to its new status, in one script. */
  async recordAttempt(webhookId: string, id: string, o: AttemptOutcome, retentionSec: number): Promise<void> {
    const a = o.attempt;
    const at = this.iso();
    const fields: Record<string, string> = {
      status: o.status,
      attemptCount: String(a.attempt),
      updatedAt: at,
      nextAttemptAt: a.nextAttemptAt ?? '',
      lastStatus: a.status === null ? '' : String(a.status),
      lastError: a.error ?? '',
    };
    if (o.status === 'delivered') fields.deliveredAt = at;
    await RECORD_ATTEMPT.run(this.redis, [R.delivery(webhookId, id), R.attempts(webhookId, id)], [retentionSec, JSON.stringify(a), ...Object.entries(fields).flat()]);
  }

  /** Ends a delivery that will not be attempted (its subscription is gone or disabled). */
  async cancelDelivery(webhookId: string, id: string, reason: string): Promise<void> {
    await UPDATE_IF_EXISTS.run(this.redis, [R.delivery(webhookId, id)], ['status', 'cancelled', 'lastError', reason, 'nextAttemptAt', '', 'updatedAt', this.iso()]);
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
      if (s.source === 'api' && s.createdBy === fromKeyId && (await this.setIfExists(s.id, { createdBy: toKeyId, updatedAt: this.iso() }, false))) n++;
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
