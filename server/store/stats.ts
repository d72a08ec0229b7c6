/**
 * Usage statistics: per-workspace day buckets, written once per finished message and read by
 * period without ever looking at individual messages (a 366-day read touches at most 366 day
 * hashes per workspace, however many messages they hold).
 *
 * A "user" is a userId within a workspace: the same userId in two workspaces counts twice, so
 * the gateway totals are the sum of the per-workspace rows.
 *
 * Redis keys (everything one script touches shares the workspace's {st:<ws>} hash tag):
 *   oc:{st:<ws>}:seen:<messageId>   → "1" with a TTL: the message was counted (idempotency)
 *   oc:{st:<ws>}:d:<YYYY-MM-DD>     → hash: messages, errors, tokensIn, tokensOut, costMicros
 *                                     (USD × 1e6), latencyMs (sum), x:<model> (unpriced messages)
 *   oc:{st:<ws>}:u:<YYYY-MM-DD>     → set of userIds active that day
 *   oc:{st:<ws>}:u:<YYYY-MM>        → set of userIds active that month (long periods union months)
 *   oc:{st:<ws>}:pu:<YYYY-MM-DD>    → hash per user: m|<u> messages, i|<u> tokensIn, o|<u> tokensOut,
 *   oc:{st:<ws>}:pu:<YYYY-MM>         c|<u> costMicros, l|<u> latency sum, t|<u> last activity (epoch ms)
 *   oc:{stats}:workspaces           → set of workspaces that ever recorded usage
 */
import type Redis from 'ioredis';
import type { FinishedMessage } from '../context';

const tag = (ws: string) => `oc:{st:${ws}}`;
const R = {
  seen: (ws: string, messageId: string) => `${tag(ws)}:seen:${messageId}`,
  day: (ws: string, date: string) => `${tag(ws)}:d:${date}`,
  users: (ws: string, dayOrMonth: string) => `${tag(ws)}:u:${dayOrMonth}`,
  perUser: (ws: string, dayOrMonth: string) => `${tag(ws)}:pu:${dayOrMonth}`,
  workspaces: 'oc:{stats}:workspaces',
};

const DAY_MS = 86_400_000;
/** How long a counted message's marker lives: far longer than any retry of its job. */
export const SEEN_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Adds rows of per-user usage to one workspace-day (and its month). With 6 KEYS the first is the
 * message's marker: nothing is added when it already exists (a retried job, a racing worker).
 * KEYS: day, usersDay, usersMonth, perUserDay, perUserMonth[, seen]
 * ARGV: seenTtl, rowCount, then per row: userId, messages, errors, tokensIn, tokensOut,
 *       costMicros, latencyMs, lastActivityMs; then pairs: unpricedModel, messages.
 */
const ADD_LUA = `
if #KEYS == 6 and not redis.call('SET', KEYS[6], '1', 'NX', 'EX', ARGV[1]) then return 0 end
local rows = tonumber(ARGV[2])
local i = 3
for _ = 1, rows do
  local u = ARGV[i]
  local m, e, tin, tout, c, l, t = ARGV[i+1], ARGV[i+2], ARGV[i+3], ARGV[i+4], ARGV[i+5], ARGV[i+6], tonumber(ARGV[i+7])
  redis.call('HINCRBY', KEYS[1], 'messages', m)
  redis.call('HINCRBY', KEYS[1], 'errors', e)
  redis.call('HINCRBY', KEYS[1], 'tokensIn', tin)
  redis.call('HINCRBY', KEYS[1], 'tokensOut', tout)
  redis.call('HINCRBY', KEYS[1], 'costMicros', c)
  redis.call('HINCRBY', KEYS[1], 'latencyMs', l)
  redis.call('SADD', KEYS[2], u)
  redis.call('SADD', KEYS[3], u)
  for k = 4, 5 do
    local h = KEYS[k]
    redis.call('HINCRBY', h, 'm|' .. u, m)
    redis.call('HINCRBY', h, 'i|' .. u, tin)
    redis.call('HINCRBY', h, 'o|' .. u, tout)
    redis.call('HINCRBY', h, 'c|' .. u, c)
    redis.call('HINCRBY', h, 'l|' .. u, l)
    local last = tonumber(redis.call('HGET', h, 't|' .. u) or '0')
    if t > last then redis.call('HSET', h, 't|' .. u, ARGV[i+7]) end
  end
  i = i + 8
end
while i < #ARGV do
  redis.call('HINCRBY', KEYS[1], 'x:' .. ARGV[i], ARGV[i+1])
  i = i + 2
end
return 1
`;

/**
 * Reads one workspace's period in one round trip: every day hash (flattened), every day's user
 * count, and the exact number of distinct users over the period (union of the covering sets).
 * KEYS: N day hashes, N day user sets, then the sets covering the period. ARGV: N.
 */
const READ_LUA = `
local n = tonumber(ARGV[1])
local days, cards = {}, {}
for k = 1, n do
  days[k] = redis.call('HGETALL', KEYS[k])
  cards[k] = redis.call('SCARD', KEYS[n + k])
end
local cover = {}
for k = 2 * n + 1, #KEYS do cover[#cover + 1] = KEYS[k] end
local unique = 0
if #cover > 0 then unique = #redis.call('SUNION', unpack(cover)) end
return {days, cards, unique}
`;

export interface Usage {
  messages: number;
  errors: number;
  tokensIn: number;
  tokensOut: number;
  costUSD: number;
  avgLatencyMs: number;
  uniqueUsers: number;
}
export interface DayUsage extends Usage {
  date: string;
}
export interface PeriodUsage {
  totals: Usage;
  byDay: DayUsage[];
  /** Models that answered messages in the period without a known price (counted at 0 USD). */
  unpricedModels: string[];
}
export interface UserUsage {
  userId: string;
  messages: number;
  tokensIn: number;
  tokensOut: number;
  costUSD: number;
  avgLatencyMs: number;
  /** ISO time of the user's last finished message in the period. */
  lastActivity: string;
}
/** One user's pre-aggregated usage of one workspace-day (bulk import). */
export interface UserDayRow {
  userId: string;
  messages: number;
  errors?: number;
  tokensIn: number;
  tokensOut: number;
  costMicros: number;
  latencyMs: number;
  lastActivityMs: number;
}

/** Sums of one bucket; costMicros and latency sums are turned into USD and averages at the end. */
interface Sums {
  messages: number;
  errors: number;
  tokensIn: number;
  tokensOut: number;
  costMicros: number;
  latencyMs: number;
}
const zeroSums = (): Sums => ({ messages: 0, errors: 0, tokensIn: 0, tokensOut: 0, costMicros: 0, latencyMs: 0 });
function addSums(to: Sums, from: Sums): void {
  to.messages += from.messages;
  to.errors += from.errors;
  to.tokensIn += from.tokensIn;
  to.tokensOut += from.tokensOut;
  to.costMicros += from.costMicros;
  to.latencyMs += from.latencyMs;
}
const toUsd = (micros: number) => Math.round(micros) / 1e6;
const avg = (sum: number, n: number) => (n ? Math.round(sum / n) : 0);
function toUsage(s: Sums, uniqueUsers: number): Usage {
  return {
    messages: s.messages,
    errors: s.errors,
    tokensIn: s.tokensIn,
    tokensOut: s.tokensOut,
    costUSD: toUsd(s.costMicros),
    avgLatencyMs: avg(s.latencyMs, s.messages),
    uniqueUsers,
  };
}

export const dayOf = (epochMs: number) => new Date(epochMs).toISOString().slice(0, 10);
const dayMs = (date: string) => Date.parse(`${date}T00:00:00Z`);

/** Every date from `from` to `to`, inclusive (YYYY-MM-DD, UTC). */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = dayMs(from); t <= dayMs(to); t += DAY_MS) out.push(dayOf(t));
  return out;
}

/** The fewest buckets covering a period: whole months as months, the ragged edges as days. */
export function coverPeriod(from: string, to: string): string[] {
  const out: string[] = [];
  let t = dayMs(from);
  const end = dayMs(to);
  while (t <= end) {
    const d = new Date(t);
    const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    const nextMonth = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    if (t === monthStart && nextMonth - DAY_MS <= end) {
      out.push(dayOf(t).slice(0, 7));
      t = nextMonth;
    } else {
      out.push(dayOf(t));
      t += DAY_MS;
    }
  }
  return out;
}

function parseDay(flat: string[]): { sums: Sums; unpriced: string[] } {
  const sums = zeroSums();
  const unpriced: string[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const f = flat[i];
    if (f.startsWith('x:')) unpriced.push(f.slice(2));
    else if (f in sums) sums[f as keyof Sums] = Number(flat[i + 1]);
  }
  return { sums, unpriced };
}

/** Message fields as Lua ARGV for one row. */
function rowArgs(r: UserDayRow): Array<string | number> {
  return [r.userId, r.messages, r.errors ?? 0, r.tokensIn, r.tokensOut, Math.round(r.costMicros), Math.round(r.latencyMs), r.lastActivityMs];
}

export class StatsStore {
  constructor(private readonly redis: Redis, private readonly seenTtlSeconds = SEEN_TTL_SECONDS) {}

  private bucketKeys(ws: string, date: string): string[] {
    const month = date.slice(0, 7);
    return [R.day(ws, date), R.users(ws, date), R.users(ws, month), R.perUser(ws, date), R.perUser(ws, month)];
  }

  /**
   * Counts a finished message in its workspace's day (UTC, from finishedAt). Exactly once per
   * messageId: returns false, changing nothing, when the message was already counted.
   */
  async record(m: FinishedMessage): Promise<boolean> {
    const date = dayOf(m.finishedAt);
    const keys = [...this.bucketKeys(m.workspace, date), R.seen(m.workspace, m.messageId)];
    const row: UserDayRow = {
      userId: m.userId,
      messages: 1,
      errors: m.status === 'error' ? 1 : 0,
      tokensIn: m.tokensIn,
      tokensOut: m.tokensOut,
      costMicros: (m.costUSD ?? 0) * 1e6,
      latencyMs: m.latencyMs,
      lastActivityMs: m.finishedAt,
    };
    // A failure that used no tokens cost nothing, priced model or not.
    const unpriced = m.costUSD === null && m.tokensIn + m.tokensOut > 0 ? [m.model, 1] : [];
    await this.redis.sadd(R.workspaces, m.workspace);
    const added = await this.redis.eval(ADD_LUA, keys.length, ...keys, this.seenTtlSeconds, 1, ...rowArgs(row), ...unpriced);
    return added === 1;
  }

  /**
   * Bulk path (imports, benchmarks): adds pre-aggregated per-user rows to one workspace-day in
   * one script, through the same key layout as record(). Not idempotent: import each day once.
   */
  async importDay(workspace: string, date: string, rows: UserDayRow[], unpriced: Record<string, number> = {}): Promise<void> {
    const keys = this.bucketKeys(workspace, date);
    const pairs = Object.entries(unpriced).flat();
    await this.redis.sadd(R.workspaces, workspace);
    await this.redis.eval(ADD_LUA, keys.length, ...keys, 0, rows.length, ...rows.flatMap(rowArgs), ...pairs);
  }

  /** Workspaces that ever recorded usage (deleted ones included: usage is history). */
  async workspaces(): Promise<string[]> {
    return (await this.redis.smembers(R.workspaces)).sort();
  }

  async hasWorkspace(workspace: string): Promise<boolean> {
    return (await this.redis.sismember(R.workspaces, workspace)) === 1;
  }

  private async readWorkspace(ws: string, days: string[], cover: string[]) {
    const keys = [...days.map((d) => R.day(ws, d)), ...days.map((d) => R.users(ws, d)), ...cover.map((c) => R.users(ws, c))];
    const [flat, cards, unique] = (await this.redis.eval(READ_LUA, keys.length, ...keys, days.length)) as [string[][], number[], number];
    return { days: flat.map(parseDay), cards, unique };
  }

  /** Totals, every day of [from, to] (zeros included) and unpriced models, over the given workspaces. */
  async usage(workspaces: string[], from: string, to: string): Promise<PeriodUsage> {
    const days = daysBetween(from, to);
    const cover = coverPeriod(from, to);
    const perWs = await Promise.all(workspaces.map((ws) => this.readWorkspace(ws, days, cover)));
    const total = zeroSums();
    const unpriced = new Set<string>();
    const byDay = days.map((date, i) => {
      const s = zeroSums();
      let users = 0;
      for (const w of perWs) {
        addSums(s, w.days[i].sums);
        w.days[i].unpriced.forEach((m) => unpriced.add(m));
        users += w.cards[i];
      }
      addSums(total, s);
      return { date, ...toUsage(s, users) };
    });
    const uniqueUsers = perWs.reduce((n, w) => n + w.unique, 0);
    return { totals: toUsage(total, uniqueUsers), byDay, unpricedModels: [...unpriced].sort() };
  }

  /** One totals row per workspace over [from, to]. */
  async usageByWorkspace(workspaces: string[], from: string, to: string): Promise<Array<Usage & { workspace: string }>> {
    const days = daysBetween(from, to);
    const cover = coverPeriod(from, to);
    return Promise.all(
      workspaces.map(async (workspace) => {
        const w = await this.readWorkspace(workspace, days, cover);
        const s = zeroSums();
        w.days.forEach((d) => addSums(s, d.sums));
        return { workspace, ...toUsage(s, w.unique) };
      }),
    );
  }

  /** The workspace's users over [from, to], most messages first (ties: userId), and how many there were. */
  async topUsers(workspace: string, from: string, to: string, limit: number): Promise<{ users: UserUsage[]; uniqueUsers: number }> {
    const hashes = await Promise.all(coverPeriod(from, to).map((b) => this.redis.hgetall(R.perUser(workspace, b))));
    const byUser = new Map<string, Sums & { last: number }>();
    for (const h of hashes) {
      for (const [field, value] of Object.entries(h)) {
        const userId = field.slice(2);
        let u = byUser.get(userId);
        if (!u) byUser.set(userId, (u = { ...zeroSums(), last: 0 }));
        const n = Number(value);
        switch (field[0]) {
          case 'm': u.messages += n; break;
          case 'i': u.tokensIn += n; break;
          case 'o': u.tokensOut += n; break;
          case 'c': u.costMicros += n; break;
          case 'l': u.latencyMs += n; break;
          case 't': u.last = Math.max(u.last, n); break;
        }
      }
    }
    const users = [...byUser.entries()]
      .sort(([a, x], [b, y]) => y.messages - x.messages || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, limit)
      .map(([userId, u]) => ({
        userId,
        messages: u.messages,
        tokensIn: u.tokensIn,
        tokensOut: u.tokensOut,
        costUSD: toUsd(u.costMicros),
        avgLatencyMs: avg(u.latencyMs, u.messages),
        lastActivity: new Date(u.last).toISOString(),
      }));
    return { users, uniqueUsers: byUser.size };
  }
}
