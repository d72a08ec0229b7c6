/** `client.stats`: totals and daily usage, per workspace, per user. */
import type { RequestOptions, Transport } from '../http.js';
import type {
  StatsPeriodParams,
  StatsReport,
  UserStatsParams,
  UserStatsReport,
  WorkspaceStatsReport,
} from '../types.js';

/** `client.stats`: usage totals, by day, per workspace and per user. */
export class Stats {
  /** @internal */
  constructor(private readonly http: Transport) {}

  /**
   * Usage of a period (`GET /stats?from&to`, dates `YYYY-MM-DD`, UTC; default the last 30 days).
   *
   * @example
   * ```ts
   * const stats = await client.stats.get({ from: '2026-04-01', to: '2026-04-30' });
   * console.log('Total messages this month:', stats.totals.messages);
   * ```
   */
  get(params: StatsPeriodParams = {}, opts: RequestOptions = {}): Promise<StatsReport> {
    return this.http.json('GET', '/stats', { ...opts, query: { ...params } });
  }

  /** One totals row per workspace (`GET /stats/workspaces`). */
  workspaces(params: StatsPeriodParams = {}, opts: RequestOptions = {}): Promise<WorkspaceStatsReport> {
    return this.http.json('GET', '/stats/workspaces', { ...opts, query: { ...params } });
  }

  /** Top users of a workspace by messages (`GET /stats/users?workspace&limit`). */
  users(params: UserStatsParams, opts: RequestOptions = {}): Promise<UserStatsReport> {
    return this.http.json('GET', '/stats/users', { ...opts, query: { ...params } });
  }
}
