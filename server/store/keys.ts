/**
 * API keys. Only the SHA-256 of a key is stored; a request's key is hashed and looked up by
 * that hash (hash → id → record in one script), then the stored hash is compared in constant time.
 *
 * Redis keys (all under the {keys} hash tag, so one MULTI can touch them on a cluster):
 *   oc:{keys}:h:<sha256>   → key id (only while the key is active)
 *   oc:{keys}:k:<id>       → hash: id, hash, label, workspaces, permissions, rateLimit,
 *                             createdAt, lastUsedAt, prefix, last4, source, revokedAt
 *   oc:{keys}:all          → set of key ids (active and revoked)
 *   oc:{keys}:rl:<id>:<windowStart> → requests counted in that rate-limit window
 *                             (same tag as the record: checked and counted in one script)
 */
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type Redis from 'ioredis';
import {
  DEFAULT_PERMISSIONS,
  KEY_ADMIN_PERMISSIONS,
  PERMISSIONS,
  type KeyConfig,
  type Permission,
} from '../config-schema';
import { LuaScript } from './lua';
import type { TrackedCache } from './tracking';
import { endOwnership, transferOwnership } from './ownership';
import { WINDOW_SECONDS, rateResult, windowOf, type RateLimitResult } from './rate-limits';

export const KEY_PREFIX = 'oclaw_live_';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const R = {
  byHash: (sha: string) => `oc:{keys}:h:${sha}`,
  record: (id: string) => `oc:{keys}:k:${id}`,
  all: 'oc:{keys}:all',
  bootstrapped: 'oc:{keys}:bootstrapped',
  /** + `<id>:<windowStart>`: requests counted in a rate-limit window. */
  ratePrefix: 'oc:{keys}:rl:',
};

/**
 * Hash → id → record in one round trip (every request authenticates): KEYS[1] the by-hash key,
 * ARGV[1] the record key's prefix (same {keys} hash tag). Empty when the hash is unknown.
 */
const VERIFY_LUA = new LuaScript(`
local id = redis.call('GET', KEYS[1])
if not id then return {} end
return redis.call('HGETALL', ARGV[1] .. id)
`);

/**
 * VERIFY_LUA plus the rate limit, for every authenticated request in one round trip: an active
 * key's counter for the window is incremented (the key's rateLimit, else ARGV[3]; none when it
 * is 0). KEYS[1] the by-hash key; ARGV: record prefix, counter prefix, default limit, window
 * start, counter TTL. Returns {record fields, count} (count -1: not counted), {} when unknown.
 */
const VERIFY_AND_COUNT_LUA = new LuaScript(`
local id = redis.call('GET', KEYS[1])
if not id then return {} end
local h = redis.call('HGETALL', ARGV[1] .. id)
if #h == 0 then return {} end
local limit = tonumber(ARGV[3])
for i = 1, #h, 2 do
  if h[i] == 'revokedAt' and h[i + 1] ~= '' then return {h, -1} end
  if h[i] == 'rateLimit' and h[i + 1] ~= '' then limit = tonumber(h[i + 1]) end
end
if not limit or limit <= 0 then return {h, -1} end
local counter = ARGV[2] .. id .. ':' .. ARGV[4]
local n = redis.call('INCR', counter)
if n == 1 then redis.call('EXPIRE', counter, ARGV[5]) end
return {h, n}
`);

/** Counts one request in a rate-limit window (a cached key's hot path). KEYS: counter. ARGV: TTL. */
const COUNT_LUA = new LuaScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
`);

/**
 * Active key records are cached per process by hash (every request authenticates), kept exact by
 * CLIENT TRACKING on the by-hash and record keys: any write to either (revoke, rotate, scope
 * change, the once-a-minute lastUsedAt) drops the whole cache, so a revoked key fails at once in
 * every process. Rate-limit counters are not tracked: they are counted in Redis on every request.
 */
export const KEY_TRACKED_PREFIXES = [R.byHash(''), R.record('')];

export interface VerifiedKey {
  key: ApiKeyRecord;
  /** Null when the key has no limit (rateLimit 0, or 0 by default). */
  rate: RateLimitResult | null;
}

export type KeySource = 'config' | 'cli' | 'bootstrap';

export interface ApiKeyRecord {
  id: string;
  label: string;
  workspaces: string[];
  permissions: Permission[];
  /** Requests per minute; null = the gateway's api.defaultRateLimit; 0 = unlimited. */
  rateLimit: number | null;
  createdAt: string;
  lastUsedAt: string | null;
  prefix: string;
  last4: string;
  source: KeySource;
  revokedAt: string | null;
}

export interface NewKeyInput {
  label: string;
  workspaces: string[];
  permissions?: Permission[];
  rateLimit?: number | null;
  source: KeySource;
}

// Ids are made several times per message: CSPRNG bytes fetched 4 KB at a time (as nanoid does),
// not one randomBytes call per id. Each byte is used once.
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let poolAt = 0;

export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    if (poolAt >= pool.length) {
      pool = randomBytes(POOL_SIZE);
      poolAt = 0;
    }
    const b = pool[poolAt++];
    if (b < 248) out += BASE62[b % 62]; // 248 = 4*62: no modulo bias
  }
  return out;
}

export const generateKey = () => KEY_PREFIX + randomBase62(40);
/** One-shot `hash` (Node ≥ 20.12): no Hash object per request, a few times cheaper than createHash on the hot path. */
export const hashKey = (key: string) => hash('sha256', key, 'hex');
/** Generated keys show `oclaw_live_` + 4 characters; a config key (any format) shows none of its start. */
const displayPrefix = (key: string) => (key.startsWith(KEY_PREFIX) ? key.slice(0, KEY_PREFIX.length + 4) : '');
export const maskKey = (r: Pick<ApiKeyRecord, 'prefix' | 'last4'>) => `${r.prefix}…${r.last4}`;

/** What the CLI (`--json`) and the keys API print for a key: masked, never its hash. */
export const publicKeyView = (r: ApiKeyRecord) => ({
  id: r.id,
  key: maskKey(r),
  label: r.label,
  workspaces: r.workspaces,
  permissions: r.permissions,
  rateLimit: r.rateLimit,
  createdAt: r.createdAt,
  lastUsedAt: r.lastUsedAt,
  source: r.source,
});
export type PublicKeyView = ReturnType<typeof publicKeyView>;

/** Why a key may not have this scope (keys:read/keys:write only over `*`), or null when it may. */
export function keyScopeProblem(workspaces: string[], permissions: readonly string[] | undefined): string | null {
  const admin = (permissions ?? []).filter((p) => (KEY_ADMIN_PERMISSIONS as readonly string[]).includes(p));
  if (admin.length && !workspaces.includes('*'))
    return `'${admin[0]}' can only be held by a key over every workspace (*)`;
  return null;
}

function toRecord(h: Record<string, string>): ApiKeyRecord {
  return {
    id: h.id,
    label: h.label,
    workspaces: JSON.parse(h.workspaces) as string[],
    permissions: JSON.parse(h.permissions) as Permission[],
    rateLimit: h.rateLimit === '' || h.rateLimit === undefined ? null : Number(h.rateLimit),
    createdAt: h.createdAt,
    lastUsedAt: h.lastUsedAt || null,
    prefix: h.prefix,
    last4: h.last4,
    source: h.source as KeySource,
    revokedAt: h.revokedAt || null,
  };
}

/** The record from HGETALL's flat reply, if active and its stored hash matches (constant time). */
function activeRecord(flat: string[], sha: string): ApiKeyRecord | null {
  const h: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) h[flat[i]] = flat[i + 1];
  if (!h.hash || h.revokedAt) return null;
  const a = Buffer.from(h.hash, 'hex');
  const b = Buffer.from(sha, 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
  return toRecord(h);
}

export class KeyStore {
  constructor(
    private readonly redis: Redis,
    private readonly now: () => Date = () => new Date(),
    private readonly cache?: TrackedCache<ApiKeyRecord>,
  ) {}

  /** This process wrote a key record: drop the cache now, before Redis's notification arrives. */
  private changed(): void {
    this.cache?.clear();
  }

  /** Stores a key; `revokeId` is revoked in the same MULTI (rotation). */
  private async write(
    key: string,
    input: NewKeyInput,
    id: string,
    revokeId?: { id: string; hash: string },
  ): Promise<ApiKeyRecord> {
    const problem = keyScopeProblem(input.workspaces.length ? input.workspaces : ['*'], input.permissions);
    if (problem) throw new Error(problem); // callers check first and answer with their own error
    const sha = hashKey(key);
    const record: ApiKeyRecord = {
      id,
      label: input.label,
      workspaces: input.workspaces.length ? input.workspaces : ['*'],
      permissions: input.permissions?.length ? input.permissions : [...DEFAULT_PERMISSIONS],
      rateLimit: input.rateLimit ?? null,
      createdAt: this.now().toISOString(),
      lastUsedAt: null,
      prefix: displayPrefix(key),
      last4: key.slice(-4),
      source: input.source,
      revokedAt: null,
    };
    const tx = this.redis.multi();
    if (revokeId) tx.hset(R.record(revokeId.id), 'revokedAt', record.createdAt).del(R.byHash(revokeId.hash));
    await tx
      .hset(R.record(id), {
        ...record,
        hash: sha,
        workspaces: JSON.stringify(record.workspaces),
        permissions: JSON.stringify(record.permissions),
        rateLimit: record.rateLimit === null ? '' : String(record.rateLimit),
        lastUsedAt: '',
        revokedAt: '',
      })
      .set(R.byHash(sha), id)
      .sadd(R.all, id)
      .exec();
    this.changed();
    return record;
  }

  /** Creates a new random key; the plain key is returned here and never again. */
  async create(
    input: NewKeyInput,
    replacing?: { id: string; hash: string },
  ): Promise<{ key: string; record: ApiKeyRecord }> {
    const key = generateKey();
    const record = await this.write(key, input, `key_${randomBase62(16)}`, replacing);
    return { key, record };
  }

  /** Looks up an active key by its secret. Null when unknown or revoked. */
  async verify(key: string): Promise<ApiKeyRecord | null> {
    const sha = hashKey(key);
    const flat = (await VERIFY_LUA.run(this.redis, [R.byHash(sha)], [R.record('')])) as string[];
    return activeRecord(flat, sha);
  }

  /**
   * verify() and the request counted against the key's per-minute limit (`defaultLimit` when
   * the key has none), in one round trip: the hot path of every authenticated request.
   */
  async verifyAndCount(key: string, defaultLimit: number): Promise<VerifiedKey | null> {
    const sha = hashKey(key);
    const { start, reset } = windowOf(this.now().getTime());
    const cached = this.cache?.get(sha);
    if (cached) {
      const limit = cached.rateLimit ?? defaultLimit;
      if (!(limit > 0)) return { key: cached, rate: null };
      const n = (await COUNT_LUA.run(
        this.redis,
        [`${R.ratePrefix}${cached.id}:${start}`],
        [WINDOW_SECONDS + 5],
      )) as number;
      return { key: cached, rate: rateResult(n, limit, reset) };
    }
    const mark = this.cache?.mark();
    const out = (await VERIFY_AND_COUNT_LUA.run(
      this.redis,
      [R.byHash(sha)],
      [R.record(''), R.ratePrefix, defaultLimit, start, WINDOW_SECONDS + 5],
    )) as [string[], number] | [];
    if (!out.length) return null;
    const record = activeRecord(out[0], sha);
    if (!record) return null;
    if (mark) this.cache!.keep(sha, record, mark);
    const count = out[1];
    return { key: record, rate: count < 0 ? null : rateResult(count, record.rateLimit ?? defaultLimit, reset) };
  }

  async get(id: string): Promise<ApiKeyRecord | null> {
    const h = await this.redis.hgetall(R.record(id));
    return h.id ? toRecord(h) : null;
  }

  async list(includeRevoked = false): Promise<ApiKeyRecord[]> {
    const ids = await this.redis.smembers(R.all);
    const records = await Promise.all(ids.map((id) => this.get(id)));
    return records
      .filter((r): r is ApiKeyRecord => !!r && (includeRevoked || !r.revokedAt))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async count(): Promise<number> {
    return (await this.list()).length;
  }

  /** Finds an active key by its plain value, its id, or its masked form (prefix…last4). */
  async find(ref: string): Promise<ApiKeyRecord | null> {
    if (ref.startsWith(KEY_PREFIX) && !ref.includes('…') && !ref.includes('...')) {
      const direct = await this.verify(ref);
      if (direct) return direct;
    }
    const active = await this.list();
    const byId = active.find((r) => r.id === ref);
    if (byId) return byId;
    const m = /^(.*?)(?:…|\.\.\.)(.{4})$/.exec(ref);
    if (m) {
      const matches = active.filter((r) => r.prefix === m[1] && r.last4 === m[2]);
      if (matches.length === 1) return matches[0];
    }
    return null;
  }

  /** Revokes a key at once, and disables what it owns (store/ownership.ts). */
  async revoke(id: string): Promise<boolean> {
    const h = await this.redis.hgetall(R.record(id));
    if (!h.id || h.revokedAt) return false;
    await this.redis.multi().hset(R.record(id), 'revokedAt', this.now().toISOString()).del(R.byHash(h.hash)).exec();
    this.changed();
    await endOwnership(this.redis, this.now, id, h.label);
    return true;
  }

  /** New key with the same label and scopes; the old one is revoked in the same transaction, and what it owned carries over. */
  async rotate(id: string): Promise<{ key: string; record: ApiKeyRecord } | null> {
    const h = await this.redis.hgetall(R.record(id));
    if (!h.id || h.revokedAt) return null;
    const old = toRecord(h);
    const created = await this.create(
      {
        label: old.label,
        workspaces: old.workspaces,
        permissions: old.permissions,
        rateLimit: old.rateLimit,
        source: old.source === 'config' ? 'cli' : old.source,
      },
      { id, hash: h.hash },
    );
    await transferOwnership(this.redis, this.now, id, created.record.id);
    return created;
  }

  /**
   * First start: when no active key exists anywhere, create one admin key and return it (to be
   * printed once). A flag set with NX makes this happen once, even with several gateways starting.
   */
  async bootstrapAdmin(input: NewKeyInput): Promise<string | null> {
    if ((await this.list()).length > 0) {
      await this.redis.set(R.bootstrapped, this.now().toISOString(), 'NX');
      return null;
    }
    const claimed = await this.redis.set(R.bootstrapped, this.now().toISOString(), 'NX');
    if (!claimed) return null;
    return (await this.create(input)).key;
  }

  /** Throttled by the caller; records when a key was last used. */
  async touch(id: string, at: Date): Promise<void> {
    await this.redis.hset(R.record(id), 'lastUsedAt', at.toISOString());
  }

  /**
   * A workspace was deleted: API keys (CLI-made) lose it from their scope, so a workspace
   * re-created with the same id is not open to the old tenant; a key left with no workspace is
   * revoked (which disables what it owned). Keys over `*` and config keys (the file decides) stay.
   */
  async dropWorkspace(workspace: string): Promise<{ narrowed: number; revoked: number }> {
    let narrowed = 0;
    let revoked = 0;
    for (const k of await this.list()) {
      if (k.source === 'config' || !k.workspaces.includes(workspace)) continue;
      const rest = k.workspaces.filter((w) => w !== workspace);
      if (!rest.length) {
        if (await this.revoke(k.id)) revoked++;
      } else {
        await this.redis.hset(R.record(k.id), 'workspaces', JSON.stringify(rest));
        this.changed();
        narrowed++;
      }
    }
    return { narrowed, revoked };
  }

  /**
   * Makes the stored config keys match api.keys: adds or updates each, and revokes config keys
   * that were removed from the file. Config key ids are derived from the hash, so they are stable.
   */
  async syncConfigKeys(keys: KeyConfig[]): Promise<void> {
    const wanted = new Set<string>();
    for (const k of keys) {
      const sha = hashKey(k.key);
      const id = `key_cfg_${sha.slice(0, 16)}`;
      wanted.add(id);
      const existing = await this.get(id);
      const input: NewKeyInput = {
        label: k.label,
        workspaces: k.workspaces,
        permissions: k.permissions,
        rateLimit: k.rateLimit ?? null,
        source: 'config',
      };
      if (!existing || existing.revokedAt) {
        await this.write(k.key, input, id);
      } else {
        await this.redis.hset(R.record(id), {
          label: input.label,
          workspaces: JSON.stringify(input.workspaces.length ? input.workspaces : ['*']),
          permissions: JSON.stringify(input.permissions?.length ? input.permissions : DEFAULT_PERMISSIONS),
          rateLimit: input.rateLimit === null || input.rateLimit === undefined ? '' : String(input.rateLimit),
        });
        this.changed();
      }
    }
    for (const r of await this.list()) {
      if (r.source === 'config' && !wanted.has(r.id)) await this.revoke(r.id);
    }
  }
}

export const ALL_PERMISSIONS: Permission[] = [...PERMISSIONS];
