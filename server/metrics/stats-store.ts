/**
 * Usage statistics: per-workspace day buckets, written once per finished message and read by
 * period without ever looking at individual messages. A month's days live in one hash and users
 * in bitmaps, so a 366-day read is 13 hash reads and one BITOP per workspace, however many
 * messages the period holds.
 *
 * A "user" is a userId within a workspace: the same userId in two workspaces counts twice, so
 * the gateway totals are the sum of the per-workspace rows. Each user of a workspace gets a dense
 * number (its bit); distinct users over a period = BITCOUNT of the OR of the covering bitmaps.
 *
 * Redis keys (everything one script touches shares the workspace's {st:<ws>} hash tag):
 *   oc:{st:<ws>}:seen:<messageId>   → "1" with a TTL: the message was counted (idempotency)
 *   oc:{st:<ws>}:days:<YYYY-MM>     → hash of the month's days: <DD> → "messages,errors,tokensIn,
 *                                     tokensOut,costMicros,latencyMs,users" (costMicros: USD × 1e6,
 *                                     latencyMs: a sum, users: distinct that day), packed so a year
 *                                     reads as ~400 short fields; <DD>|x:<model> → messages of an
 *                                     unpriced model that day
 *   oc:{st:<ws>}:uid                → hash userId → the user's bit number (0, 1, 2… in order of arrival)
 *   oc:{st:<ws>}:ub:<YYYY-MM-DD>    → bitmap of the users active that day
 *   oc:{st:<ws>}:ub:<YYYY-MM>       → bitmap of the users active that month (long periods OR months)
 *   oc:{st:<ws>}:ub:tmp             → scratch for that OR; exists only inside one script run
 *   oc:{st:<ws>}:pu:<YYYY-MM-DD>    → hash userId → "messages,tokensIn,tokensOut,costMicros,
 *   oc:{st:<ws>}:pu:<YYYY-MM>         latencyMs,lastActivityMs" of that day / month
 *   oc:{stats}:workspaces           → set of workspaces that ever recorded usage
 */
import type Redis from 'ioredis';
import type { FinishedMessage } from '../messages/store';
import { LuaScript } from '../store/lua';

const tag = (ws: string) => `oc:{st:${ws}}`;
const R = {
  seen: (ws: string, messageId: string) => `${tag(ws)}:seen:${messageId}`,
  days: (ws: string, month: string) => `${tag(ws)}:days:${month}`,
  userIds: (ws: string) => `${tag(ws)}:uid`,
  userBits: (ws: string, dayOrMonth: string) => `${tag(ws)}:ub:${dayOrMonth}`,
  scratch: (ws: string) => `${tag(ws)}:ub:tmp`,
  perUser: (ws: string, dayOrMonth: string) => `${tag(ws)}:pu:${dayOrMonth}`,
  workspaces: 'oc:{stats}:workspaces',
};

const DAY_MS = 86_400_000;
/** How long a counted message's marker lives: far longer than any retry of its job. */
export const SEEN_TTL_SECONDS = 7 * 24 * 3600;

/** Adds rows of per-user usage to one workspace-day and its month (contract in the file). */
const ADD_LUA = LuaScript.file('stats-add');

/**
 * Distinct users over a period: BITCOUNT of the OR of the covering bitmaps (KEYS[2..]), through
 * the scratch key KEYS[1], deleted before the script ends.
 */
const UNION_COUNT_LUA = new LuaScript(`
if #KEYS == 2 then return redis.call('BITCOUNT', KEYS[2]) end
redis.call('BITOP', 'OR', KEYS[1], unpack(KEYS, 2))
local n = redis.call('BITCOUNT', KEYS[1])
redis.call('DEL', KEYS[1])
return n
`);

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

/** "7,0,1500" → [7, 0, 1500] without intermediate strings: a year of four workspaces is ~10k numbers. */
export function unpackInts(packed: string): number[] {
  const out: number[] = [];
  let n = 0;
  let sign = 1;
  for (let i = 0; i < packed.length; i++) {
    const c = packed.charCodeAt(i);
    if (c === 44) {
      out.push(sign * n);
      n = 0;
      sign = 1;
    } else if (c === 45) sign = -1;
    else n = n * 10 + (c - 48);
  }
  out.push(sign * n);
  return out;
}

/** One day's sums and user count out of its month's hash (see the key layout above). */
function dayOfMonthHash(h: Record<string, string>, date: string): { sums: Sums; users: number } {
  const packed = h[date.slice(8)];
  if (!packed) return { sums: zeroSums(), users: 0 };
  const [messages, errors, tokensIn, tokensOut, costMicros, latencyMs, users] = unpackInts(packed);
  return { sums: { messages, errors, tokensIn, tokensOut, costMicros, latencyMs }, users };
}

/** Message fields as Lua ARGV for one row. */
function rowArgs(r: UserDayRow): Array<string | number> {
  const int = (n: number) => Math.max(0, Math.round(n)); // the Lua sums are integers
  return [
    r.userId,
    int(r.messages),
    int(r.errors ?? 0),
    int(r.tokensIn),
    int(r.tokensOut),
    int(r.costMicros),
    int(r.latencyMs),
    int(r.lastActivityMs),
  ];
}

export class StatsStore {
  constructor(
    private readonly redis: Redis,
    private readonly seenTtlSeconds = SEEN_TTL_SECONDS,
  ) {}

  private bucketKeys(ws: string, date: string): string[] {
    const month = date.slice(0, 7);
    return [
      R.days(ws, month),
      R.userIds(ws),
      R.userBits(ws, date),
      R.userBits(ws, month),
      R.perUser(ws, date),
      R.perUser(ws, month),
    ];
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
    // Both in one round trip (sent without waiting for the first's reply); the script by its SHA, not its 2 KB source.
    const [, added] = await Promise.all([
      this.redis.sadd(R.workspaces, m.workspace),
      ADD_LUA.run(this.redis, keys, [this.seenTtlSeconds, date.slice(8), 1, ...rowArgs(row), ...unpriced]),
    ]);
    return added === 1;
  }

  /**
   * Bulk path (imports, benchmarks): adds pre-aggregated per-user rows to one workspace-day in
   * one script, through the same key layout as record(). Not idempotent: import each day once.
   */
  async importDay(
    workspace: string,
    date: string,
    rows: UserDayRow[],
    unpriced: Record<string, number> = {},
  ): Promise<void> {
    const keys = this.bucketKeys(workspace, date);
    const pairs = Object.entries(unpriced).flat();
    await this.redis.sadd(R.workspaces, workspace);
    await ADD_LUA.run(this.redis, keys, [0, date.slice(8), rows.length, ...rows.flatMap(rowArgs), ...pairs]);
  }

  /** Workspaces that ever recorded usage (deleted ones included: usage is history). */
  async workspaces(): Promise<string[]> {
    return (await this.redis.smembers(R.workspaces)).sort();
  }

  async hasWorkspace(workspace: string): Promise<boolean> {
    return (await this.redis.sismember(R.workspaces, workspace)) === 1;
  }

  private async distinctUsers(ws: string, cover: string[]): Promise<number> {
    const keys = [R.scratch(ws), ...cover.map((c) => R.userBits(ws, c))];
    return (await UNION_COUNT_LUA.run(this.redis, keys)) as number;
  }

  /** One workspace's period: every day's sums and users, distinct users overall, unpriced models. */
  private async readWorkspace(ws: string, days: string[], cover: string[]) {
    const months = [...new Set(days.map((d) => d.slice(0, 7)))];
    const [hashes, unique] = await Promise.all([
      Promise.all(months.map((m) => this.redis.hgetall(R.days(ws, m)))),
      this.distinctUsers(ws, cover),
    ]);
    const byMonth = new Map(months.map((m, i) => [m, hashes[i]]));
    const first = days[0].slice(8);
    const last = days[days.length - 1].slice(8);
    const unpriced = new Set<string>();
    months.forEach((m, i) => {
      for (const f of Object.keys(hashes[i])) {
        if (f.slice(2, 5) !== '|x:') continue;
        const dd = f.slice(0, 2);
        // Edge months count only their days inside the period.
        if ((m === months[0] && dd < first) || (m === months[months.length - 1] && dd > last)) continue;
        unpriced.add(f.slice(5));
      }
    });
    return { days: days.map((d) => dayOfMonthHash(byMonth.get(d.slice(0, 7))!, d)), unique, unpriced: [...unpriced] };
  }

  /** Totals, every day of [from, to] (zeros included) and unpriced models, over the given workspaces. */
  async usage(workspaces: string[], from: string, to: string): Promise<PeriodUsage> {
    const days = daysBetween(from, to);
    const cover = coverPeriod(from, to);
    const perWs = await Promise.all(workspaces.map((ws) => this.readWorkspace(ws, days, cover)));
    const total = zeroSums();
    const byDay = days.map((date, i) => {
      const s = zeroSums();
      let users = 0;
      for (const w of perWs) {
        addSums(s, w.days[i].sums);
        users += w.days[i].users;
      }
      addSums(total, s);
      return { date, ...toUsage(s, users) };
    });
    const uniqueUsers = perWs.reduce((n, w) => n + w.unique, 0);
    const unpriced = new Set(perWs.flatMap((w) => w.unpriced));
    return { totals: toUsage(total, uniqueUsers), byDay, unpricedModels: [...unpriced].sort() };
  }

  /** One totals row per workspace over [from, to]. */
  async usageByWorkspace(
    workspaces: string[],
    from: string,
    to: string,
  ): Promise<Array<Usage & { workspace: string }>> {
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
  async topUsers(
    workspace: string,
    from: string,
    to: string,
    limit: number,
  ): Promise<{ users: UserUsage[]; uniqueUsers: number }> {
    const hashes = await Promise.all(coverPeriod(from, to).map((b) => this.redis.hgetall(R.perUser(workspace, b))));
    const byUser = new Map<string, Sums & { last: number }>();
    for (const h of hashes) {
      for (const [userId, packed] of Object.entries(h)) {
        const [messages, tokensIn, tokensOut, costMicros, latencyMs, last] = unpackInts(packed);
        let u = byUser.get(userId);
        if (!u) byUser.set(userId, (u = { ...zeroSums(), last: 0 }));
        addSums(u, { messages, errors: 0, tokensIn, tokensOut, costMicros, latencyMs });
        u.last = Math.max(u.last, last);
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
