/**
 * Schedules: cron-driven messages. List/get (schedules:read), create/update/delete/run now
 * (schedules:write). A key sees only schedules of its workspaces; config-declared schedules
 * are read-only through the API (409 `read_only`) but can be run now.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { RouteOptions } from './options';
import { keyOf, requireWorkspace, visibleWorkspaces } from '../auth/permissions';
import { notFound } from '../errors';
import { CLIENT_ID_PATTERN } from '../ids';
import { Pagination, WorkspaceIdParam, errors } from './schemas';
import { workspaceOfId } from './id-scope';
import type { Schedule } from '../schedules/store';
import { DeliverSchema } from '../channels/schema';

const ScheduleIdParam = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$',
  description: 'Schedule id: letters, digits, - and _ (generated `sch_…` when not given)',
});
const Cron = Type.String({
  minLength: 1,
  maxLength: 200,
  description:
    '5 fields `minute hour day-of-month month day-of-week`, or 6 with a leading seconds field; e.g. `0 9 * * 1-5`',
});
const TimeZone = Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. `America/New_York`' });
const UserId = Type.String({ minLength: 1, maxLength: 256 });
const Message = Type.String({
  minLength: 1,
  description: 'What the agent is asked at every run (at most messages.maxChars)',
});
const SessionId = Type.String({
  pattern: CLIENT_ID_PATTERN,
  description: 'Every run continues this session; omitted: the user’s current session',
});

const RunSchema = Type.Object({
  runId: Type.String(),
  trigger: Type.Union([Type.Literal('schedule'), Type.Literal('manual')]),
  scheduledFor: Type.String({ format: 'date-time', description: 'The cron tick (or when a manual run was asked for)' }),
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  status: Type.Union([Type.Literal('running'), Type.Literal('completed'), Type.Literal('failed')]),
  messageId: Type.Union([Type.String(), Type.Null()]),
  sessionId: Type.Union([Type.String(), Type.Null()]),
  responseExcerpt: Type.Union([Type.String(), Type.Null()], { description: 'The first 500 characters of the answer' }),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
  delivery: Type.Optional(
    Type.Object(
      {
        channel: Type.String(),
        to: Type.String(),
        status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
        attempts: Type.Integer(),
        deliveredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
        error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
      },
      { description: 'Schedules with `deliver`: posting the answer to the chat (pending while retried)' },
    ),
  ),
});

const ScheduleFields = {
  id: Type.String(),
  workspace: Type.String(),
  userId: Type.String(),
  message: Type.String(),
  cron: Type.String(),
  timezone: Type.String(),
  sessionId: Type.Union([Type.String(), Type.Null()]),
  enabled: Type.Boolean(),
  deliver: Type.Union([DeliverSchema, Type.Null()], {
    description: 'Where each answer is also posted (docs/channels.md); null: nowhere',
  }),
  source: Type.Union([Type.Literal('config'), Type.Literal('api')], {
    description: 'config: declared in openclaw.json, read-only here',
  }),
  createdBy: Type.Union([Type.String(), Type.Null()], {
    description:
      'Id of the API key that created it; revoking that key pauses the schedule, rotating it carries the schedule over',
  }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  nextRunAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'The next tick; null when disabled',
  }),
  nextRuns: Type.Array(Type.String({ format: 'date-time' }), { description: 'The next 5 ticks' }),
  runCount: Type.Integer({ description: 'Runs so far (scheduled and manual)' }),
  lastRun: Type.Union([RunSchema, Type.Null()]),
};
const ScheduleSchema = Type.Object(ScheduleFields);
const ScheduleDetailSchema = Type.Object({
  ...ScheduleFields,
  recentRuns: Type.Array(RunSchema, { description: 'The newest runs first (up to 20)' }),
});

const CreateBody = Type.Object(
  {
    id: Type.Optional(ScheduleIdParam),
    workspace: WorkspaceIdParam,
    userId: UserId,
    message: Message,
    cron: Cron,
    timezone: TimeZone,
    sessionId: Type.Optional(SessionId),
    enabled: Type.Optional(Type.Boolean({ default: true })),
    deliver: Type.Optional(DeliverSchema),
  },
  { additionalProperties: false },
);
const PatchBody = Type.Object(
  {
    workspace: Type.Optional(WorkspaceIdParam),
    userId: Type.Optional(UserId),
    message: Type.Optional(Message),
    cron: Type.Optional(Cron),
    timezone: Type.Optional(TimeZone),
    sessionId: Type.Optional(
      Type.Union([SessionId, Type.Null()], { description: 'null: back to the user’s current session' }),
    ),
    enabled: Type.Optional(Type.Boolean()),
    deliver: Type.Optional(
      Type.Union([DeliverSchema, Type.Null()], { description: 'null: stop posting answers to a chat' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
const IdParams = Type.Object({ scheduleId: ScheduleIdParam });
/** Which workspace's schedule, when the key covers several that use the id (docs/schedules.md). */
const ItemQuery = Type.Object({ workspace: Type.Optional(WorkspaceIdParam) }, { additionalProperties: false });
const ListQuery = Type.Object(
  { workspace: Type.Optional(WorkspaceIdParam), ...Pagination },
  { additionalProperties: false },
);
const RunAccepted = Type.Object({
  scheduleId: Type.String(),
  runId: Type.String(),
  messageId: Type.String({ description: 'Follow it with GET /messages/{messageId} or wait for schedule.completed' }),
  sessionId: Type.String(),
  status: Type.Literal('running'),
});

export default function scheduleRoutes(app: FastifyInstance, { ctx, prefix }: RouteOptions, done: () => void) {
  const service = ctx.schedules;
  const tags = ['schedules'];
  const base = '/schedules'; // register() adds the API prefix

  /** A schedule in a workspace the key covers (?workspace= or the one holding the id); else 404. */
  async function visible(
    request: Parameters<typeof keyOf>[0],
    id: string,
    workspace: string | undefined,
  ): Promise<Schedule> {
    const { schedules } = ctx.stores;
    const ws = await workspaceOfId(ctx, keyOf(request), 'schedule', id, workspace, (i, list) =>
      schedules.findIn(i, list),
    );
    const s = await service.get({ workspace: ws, id });
    if (!s) throw notFound('schedule', id);
    return s;
  }

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    base,
    {
      config: { permission: 'schedules:read' },
      schema: {
        tags,
        operationId: 'listSchedules',
        summary: 'List the schedules of the workspaces this key can see, by id (paginated)',
        querystring: ListQuery,
        response: {
          200: Type.Object({
            data: Type.Array(ScheduleSchema),
            total: Type.Integer(),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
          ...errors(400, 403, 404),
        },
      },
    },
    async (request) => {
      const key = keyOf(request);
      const { workspace, limit, offset } = request.query;
      if (workspace !== undefined) {
        // As for sessions: a workspace outside the key's scope is 403, an unknown one 404.
        requireWorkspace(key, workspace);
        if (!(await ctx.stores.workspaces.exists(workspace))) throw notFound('workspace', workspace);
      }
      const all = (await service.list()).filter((s) => !workspace || s.workspace === workspace);
      const shown = new Set(visibleWorkspaces(key, [...new Set(all.map((s) => s.workspace))]));
      const visible = all.filter((s) => shown.has(s.workspace));
      return {
        data: visible.slice(offset, offset + limit).map((s) => service.view(s)),
        total: visible.length,
        limit,
        offset,
      };
    },
  );

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof ItemQuery> }>(
    `${base}/:scheduleId`,
    {
      config: { permission: 'schedules:read' },
      schema: {
        tags,
        operationId: 'getSchedule',
        summary: 'Get a schedule: last run, recent runs and the next ticks',
        params: IdParams,
        querystring: ItemQuery,
        response: { 200: ScheduleDetailSchema, ...errors(400, 403, 404) },
      },
    },
    async (request) => {
      const s = await visible(request, request.params.scheduleId, request.query.workspace);
      return { ...service.view(s), recentRuns: await ctx.stores.schedules.runs(s) };
    },
  );

  app.post<{ Body: Static<typeof CreateBody> }>(
    base,
    {
      config: { permission: 'schedules:write' },
      schema: {
        tags,
        operationId: 'createSchedule',
        summary: 'Create a schedule',
        body: CreateBody,
        response: { 201: ScheduleSchema, ...errors(400, 403, 409, 413) },
      },
    },
    async (request, reply) => {
      requireWorkspace(keyOf(request), request.body.workspace);
      const created = await service.create(request.body, keyOf(request).id);
      // With its workspace: ids are per workspace, and the key may cover another with the same id.
      const where = `${prefix}${base}/${encodeURIComponent(created.id)}?workspace=${encodeURIComponent(created.workspace)}`;
      reply.status(201).header('Location', where);
      return service.view(created);
    },
  );

  app.patch<{ Params: Static<typeof IdParams>; Querystring: Static<typeof ItemQuery>; Body: Static<typeof PatchBody> }>(
    `${base}/:scheduleId`,
    {
      config: { permission: 'schedules:write' },
      schema: {
        tags,
        operationId: 'updateSchedule',
        summary: 'Change a schedule (only the fields given)',
        params: IdParams,
        querystring: ItemQuery,
        body: PatchBody,
        response: { 200: ScheduleSchema, ...errors(400, 403, 404, 409) },
      },
    },
    async (request) => {
      const key = keyOf(request);
      const current = service.writable(await visible(request, request.params.scheduleId, request.query.workspace));
      if (request.body.workspace) requireWorkspace(key, request.body.workspace);
      return service.view(await service.update(current, request.body));
    },
  );

  app.delete<{ Params: Static<typeof IdParams>; Querystring: Static<typeof ItemQuery> }>(
    `${base}/:scheduleId`,
    {
      config: { permission: 'schedules:write' },
      schema: {
        tags,
        operationId: 'deleteSchedule',
        summary: 'Delete a schedule (and stop its ticks)',
        params: IdParams,
        querystring: ItemQuery,
        response: { 204: Type.Null(), ...errors(400, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { scheduleId } = request.params;
      const s = service.writable(await visible(request, scheduleId, request.query.workspace));
      if (!(await service.delete(s))) throw notFound('schedule', scheduleId);
      reply.status(204);
    },
  );

  app.post<{ Params: Static<typeof IdParams>; Querystring: Static<typeof ItemQuery> }>(
    `${base}/:scheduleId/run`,
    {
      config: { permission: 'schedules:write' },
      schema: {
        tags,
        operationId: 'runSchedule',
        summary:
          'Run a schedule now (also when disabled); 202 with the messageId, the outcome comes as schedule.completed / schedule.failed',
        params: IdParams,
        querystring: ItemQuery,
        response: { 202: RunAccepted, ...errors(400, 403, 404) },
      },
    },
    async (request, reply) => {
      const s = await visible(request, request.params.scheduleId, request.query.workspace);
      const run = await service.runNow(s);
      reply.status(202);
      return {
        scheduleId: s.id,
        runId: run.runId,
        messageId: run.messageId!,
        sessionId: run.sessionId!,
        status: 'running' as const,
      };
    },
  );
  done();
}
