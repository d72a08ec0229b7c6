/**
 * Workspaces: declared in the config (source "config", read-only through the API) or made
 * through the API (source "api").
 *
 * Redis keys (under the {ws} hash tag):
 *   oc:{ws}:w:<id>   → hash: id, label, agent, skills (JSON), allowlist (JSON), createdAt, source
 *   oc:{ws}:all      → set of workspace ids
 */
import type Redis from 'ioredis';
import { LuaScript } from './lua';
import type { TrackedCache } from './tracking';
import type { WorkspaceConfig } from '../config-schema';

const R = {
  record: (id: string) => `oc:{ws}:w:${id}`,
  all: 'oc:{ws}:all',
  seeded: 'oc:{ws}:seeded',
};

export interface Workspace {
  id: string;
  label: string;
  agent: string;
  skills: string[];
  allowlist: string[];
  createdAt: string;
  source: 'config' | 'api';
}

// Adds and removes allowlist entries in one step: server/store/lua/workspaces-allowlist.lua.
const ALLOWLIST_LUA = LuaScript.file('workspaces-allowlist');

// KEYS: record, all; ARGV: id, field, value, field, value…
const CREATE_LUA = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('SADD', KEYS[2], ARGV[1])
return 1
`);

function toWorkspace(h: Record<string, string>): Workspace {
  return {
    id: h.id,
    label: h.label,
    agent: h.agent,
    skills: JSON.parse(h.skills) as string[],
    allowlist: JSON.parse(h.allowlist) as string[],
    createdAt: h.createdAt,
    source: h.source as Workspace['source'],
  };
}

function toHash(w: Workspace): Record<string, string> {
  return { ...w, skills: JSON.stringify(w.skills), allowlist: JSON.stringify(w.allowlist) };
}

/** Workspace records are cached per process (every message reads its workspace twice), kept exact by CLIENT TRACKING. */
export const WORKSPACE_TRACKED_PREFIXES = [R.record('')];

export class WorkspaceStore {
  constructor(
    private readonly redis: Redis,
    private readonly now: () => Date = () => new Date(),
    private readonly cache?: TrackedCache<Workspace | null>,
  ) {}

  async get(id: string): Promise<Workspace | null> {
    const load = async () => {
      const h = await this.redis.hgetall(R.record(id));
      return h.id ? toWorkspace(h) : null;
    };
    // Only existing workspaces are kept: unknown names cannot fill the cache.
    return this.cache ? this.cache.read(R.record(id), load, (w) => w !== null) : load();
  }

  async exists(id: string): Promise<boolean> {
    if (this.cache?.get(R.record(id))) return true;
    return (await this.redis.exists(R.record(id))) === 1;
  }

  async list(): Promise<Workspace[]> {
    const ids = (await this.redis.smembers(R.all)).sort();
    const all = await Promise.all(ids.map((id) => this.get(id)));
    return all.filter((w): w is Workspace => !!w);
  }

  async ids(): Promise<string[]> {
    return (await this.redis.smembers(R.all)).sort();
  }

  /** Creates a workspace; null when the id is taken. One script: never half-written, never raced. */
  async create(
    input: Omit<Workspace, 'createdAt' | 'source'>,
    source: Workspace['source'] = 'api',
  ): Promise<Workspace | null> {
    const ws: Workspace = { ...input, createdAt: this.now().toISOString(), source };
    const fields = Object.entries(toHash(ws)).flat();
    const created = await CREATE_LUA.run(this.redis, [R.record(ws.id), R.all], [ws.id, ...fields]);
    return created === 1 ? ws : null;
  }

  /** Applies add/remove in one Lua script (atomic on a shared connection) and returns the new allowlist. */
  async updateAllowlist(id: string, add: string[], remove: string[]): Promise<string[] | null> {
    const out = (await ALLOWLIST_LUA.run(this.redis, [R.record(id)], [JSON.stringify(add), JSON.stringify(remove)])) as
      | string
      | null;
    this.cache?.invalidate(R.record(id));
    return out === null ? null : (JSON.parse(out) as string[]);
  }

  async delete(id: string): Promise<boolean> {
    const [[, n]] = (await this.redis.multi().del(R.record(id)).srem(R.all, id).exec()) as [
      [null, number],
      [null, number],
    ];
    this.cache?.invalidate(R.record(id));
    return n === 1;
  }

  /** First start with no workspace at all: create `default`, once (NX flag), so messages work at once. */
  async seedDefault(): Promise<boolean> {
    if ((await this.redis.scard(R.all)) > 0) {
      await this.redis.set(R.seeded, '1', 'NX');
      return false;
    }
    if (!(await this.redis.set(R.seeded, '1', 'NX'))) return false;
    return !!(await this.create({
      id: 'default',
      label: 'Default',
      agent: 'balanced',
      skills: ['memory'],
      allowlist: [],
    }));
  }

  /** Makes config-declared workspaces exist as declared; API-made ones are left alone. */
  async syncConfigWorkspaces(list: WorkspaceConfig[]): Promise<void> {
    const wanted = new Set(list.map((w) => w.id));
    for (const w of list) {
      const existing = await this.get(w.id);
      const ws: Workspace = {
        id: w.id,
        label: w.label ?? w.id,
        agent: w.agent,
        skills: w.skills,
        allowlist: existing?.source === 'config' ? existing.allowlist : w.allowlist,
        createdAt: existing?.createdAt ?? this.now().toISOString(),
        source: 'config',
      };
      await this.redis.multi().hset(R.record(w.id), toHash(ws)).sadd(R.all, w.id).exec();
      this.cache?.invalidate(R.record(w.id));
    }
    for (const w of await this.list()) {
      if (w.source === 'config' && !wanted.has(w.id)) await this.delete(w.id);
    }
  }
}
