/**
 * Usage statistics (stats:read): gateway totals by day, one row per workspace, top users of a
 * workspace. Periods are UTC dates, `from`/`to` inclusive; default: the last 30 days up to today.
 * A key sees only its workspaces' numbers, totals included.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { RouteOptions } from './options';
import { keyOf, requireWorkspace, visibleWorkspaces } from '../auth/permissions';
import { invalidField, notFound } from '../errors';
import { dayOf } from '../metrics/stats-store';
import { Pagination, WorkspaceIdParam, errors } from './schemas';

export const DEFAULT_PERIOD_DAYS = 30;
export const MAX_PERIOD_DAYS = 366;
const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function parseDate(field: string, value: string): number {
  const t = Date.parse(`${value}T00:00:00Z`);
  // The round trip rejects dates that Date.parse would roll over (2026-02-30 → March 2).
  if (!DATE.test(value) || Number.isNaN(t) || dayOf(t) !== value)
    throw invalidField(field, `must be a calendar date YYYY-MM-DD, got '${value}'`);
  return t;
}

/** from/to → an inclusive UTC period; `to` defaults to today, `from` to 29 days before `to`. */
export function parsePeriod(query: { from?: string; to?: string }, nowMs: number): { from: string; to: string } {
  const to = query.to === undefined ? Date.parse(`${dayOf(nowMs)}T00:00:00Z`) : parseDate('to', query.to);
  const from = query.from === undefined ? to - (DEFAULT_PERIOD_DAYS - 1) * DAY_MS : parseDate('from', query.from);
  if (from > to) throw invalidField('from', `must not be after to (${dayOf(from)} > ${dayOf(to)})`);
  const days = (to - from) / DAY_MS + 1;
  if (days > MAX_PERIOD_DAYS)
    throw invalidField(
      'to',
      `the period from ${dayOf(from)} to ${dayOf(to)} spans ${days} days; at most ${MAX_PERIOD_DAYS}`,
    );
  return { from: dayOf(from), to: dayOf(to) };
}

const DateString = Type.String({ description: 'UTC date YYYY-MM-DD (inclusive)', examples: ['2026-04-01'] });
const PeriodQuery = Type.Object({
  from: Type.Optional({ ...DateString, description: 'First day (UTC, inclusive); default: 29 days before `to`' }),
  to: Type.Optional({ ...DateString, description: 'Last day (UTC, inclusive); default: today' }),
});
const Period = Type.Object({ from: DateString, to: DateString });
const usageFields = {
  messages: Type.Integer({ description: 'Finished messages (answered or failed)' }),
  errors: Type.Integer({ description: 'Of which finished with an error' }),
  tokensIn: Type.Integer(),
  tokensOut: Type.Integer(),
  costUSD: Type.Number({ description: 'USD at the configured/built-in prices; unpriced models count 0' }),
  avgLatencyMs: Type.Integer(),
  uniqueUsers: Type.Integer({ description: 'Distinct userIds of the period (a userId counts once per workspace)' }),
};
const Usage = Type.Object(usageFields);
const StatsResponse = Type.Object({
  period: Period,
  totals: Usage,
  byDay: Type.Array(Type.Object({ date: DateString, ...usageFields }), {
    description: 'Every day of the period, zeros included',
  }),
  unpricedModels: Type.Array(Type.String(), {
    description: 'Models that answered in the period without a known price (counted at 0 USD)',
  }),
  workspaces: Type.Array(Type.String(), { description: 'The workspaces counted (those the key can see)' }),
});
const WorkspacesResponse = Type.Object({
  period: Period,
  data: Type.Array(Type.Object({ workspace: Type.String(), ...usageFields })),
});
const UsersQuery = Type.Object({ ...PeriodQuery.properties, workspace: WorkspaceIdParam, limit: Pagination.limit });
const UsersResponse = Type.Object({
  period: Period,
  workspace: Type.String(),
  uniqueUsers: Type.Integer({ description: 'All users of the period, not only those listed' }),
  data: Type.Array(
    Type.Object({
      userId: Type.String(),
      messages: Type.Integer(),
      tokensIn: Type.Integer(),
      tokensOut: Type.Integer(),
      costUSD: Type.Number(),
      avgLatencyMs: Type.Integer(),
      lastActivity: Type.String({ format: 'date-time', description: "The user's last finished message in the period" }),
    }),
  ),
});

export default function statsRoutes(app: FastifyInstance, { ctx }: RouteOptions, done: () => void) {
  const { stats, workspaces } = ctx.stores;
  const tags = ['stats'];
  const config = { permission: 'stats:read' as const };

  /** Workspaces that exist or ever recorded usage (deleted ones keep their history), within the key's scope. */
  async function countedWorkspaces(request: Parameters<typeof keyOf>[0]): Promise<string[]> {
    const [live, recorded] = await Promise.all([workspaces.ids(), stats.workspaces()]);
    return visibleWorkspaces(keyOf(request), [...new Set([...live, ...recorded])].sort());
  }

  app.get<{ Querystring: Static<typeof PeriodQuery> }>(
    '/stats',
    {
      config,
      schema: {
        tags,
        operationId: 'getStats',
        summary: 'Usage totals and every day of a period',
        querystring: PeriodQuery,
        response: { 200: StatsResponse, ...errors(400, 403) },
      },
    },
    async (request) => {
      const period = parsePeriod(request.query, ctx.clock.now());
      const ids = await countedWorkspaces(request);
      const usage = await stats.usage(ids, period.from, period.to);
      return { period, ...usage, workspaces: ids };
    },
  );

  app.get<{ Querystring: Static<typeof PeriodQuery> }>(
    '/stats/workspaces',
    {
      config,
      schema: {
        tags,
        operationId: 'getWorkspaceStats',
        summary: 'Usage totals per workspace',
        querystring: PeriodQuery,
        response: { 200: WorkspacesResponse, ...errors(400, 403) },
      },
    },
    async (request) => {
      const period = parsePeriod(request.query, ctx.clock.now());
      const data = await stats.usageByWorkspace(await countedWorkspaces(request), period.from, period.to);
      return { period, data };
    },
  );

  app.get<{ Querystring: Static<typeof UsersQuery> }>(
    '/stats/users',
    {
      config,
      schema: {
        tags,
        operationId: 'getUserStats',
        summary: 'Top users of a workspace by messages',
        querystring: UsersQuery,
        response: { 200: UsersResponse, ...errors(400, 403, 404) },
      },
    },
    async (request) => {
      const { workspace, limit } = request.query;
      requireWorkspace(keyOf(request), workspace);
      const period = parsePeriod(request.query, ctx.clock.now());
      if (!(await workspaces.exists(workspace)) && !(await stats.hasWorkspace(workspace)))
        throw notFound('workspace', workspace);
      const { users, uniqueUsers } = await stats.topUsers(workspace, period.from, period.to, limit);
      return { period, workspace, uniqueUsers, data: users };
    },
  );
  done();
}
