/**
 * Sessions: list (workspace/userId filters, limit/offset, total), get (the contract's object),
 * history (messages:read; chronological; offset counts back from the newest), delete one, delete
 * a workspace's. A key sees only sessions of its workspaces (others read as 404).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RouteOptions } from './options';
import { keyOf, requireWorkspace, visibleWorkspaces } from '../auth/permissions';
import { notFound } from '../errors';
import { CLIENT_ID_PATTERN } from '../ids';
import { publicSession, type SessionRecord } from '../store/sessions';
import { Pagination, WorkspaceIdParam, errors } from './schemas';
import { workspaceOfId } from './id-scope';
import type { GatewayContext } from '../context';

const SessionSchema = Type.Object({
  id: Type.String(),
  workspace: Type.String(),
  userId: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  lastActiveAt: Type.String({ format: 'date-time' }),
  messageCount: Type.Integer({ description: 'Turns in the history: messages sent plus answers' }),
  tokensUsed: Type.Integer(),
  channel: Type.String({ description: 'api, schedule, telegram, …' }),
});
const TurnSchema = Type.Object({
  role: Type.Union([Type.Literal('user'), Type.Literal('assistant')]),
  content: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  tokens: Type.Integer({
    description: 'user: input tokens of that message (history and prompt included); assistant: output tokens',
  }),
  tools: Type.Array(Type.String()),
  messageId: Type.String(),
});

const IdParams = Type.Object({ sessionId: Type.String({ pattern: CLIENT_ID_PATTERN }) });
const ListQuery = Type.Object({
  workspace: Type.Optional(WorkspaceIdParam),
  userId: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  ...Pagination,
});
/** Which workspace's session, when the key covers several that use the id (docs/sessions.md). */
const ItemQuery = Type.Object({ workspace: Type.Optional(WorkspaceIdParam) });
const HistoryQuery = Type.Object({ workspace: Type.Optional(WorkspaceIdParam), ...Pagination });
const DeleteAllQuery = Type.Object({ workspace: WorkspaceIdParam });

/** The session, when it exists in a workspace the key covers (else 404: ids do not leak). */
async function visibleSession(
  ctx: GatewayContext,
  request: FastifyRequest,
  id: string,
  workspace: string | undefined,
): Promise<SessionRecord> {
  const { sessions } = ctx.stores;
  const ws = await workspaceOfId(ctx, keyOf(request), 'session', id, workspace, (i, list) => sessions.findIn(i, list));
  const s = await sessions.get({ workspace: ws, id });
  if (!s) throw notFound('session', id);
  return s;
}

export default function sessionRoutes(app: FastifyInstance, { ctx }: RouteOptions, done: () => void) {
  const tags = ['sessions'];

  async function existingWorkspace(request: FastifyRequest, workspace: string): Promise<void> {
    requireWorkspace(keyOf(request), workspace);
    if (!(await ctx.stores.workspaces.exists(workspace))) throw notFound('workspace', workspace);
  }

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/sessions',
    {
      config: { permission: 'sessions:read' },
      schema: {
        tags,
        operationId: 'listSessions',
        summary: 'List sessions, most recently active first',
        querystring: ListQuery,
        response: {
          200: Type.Object({
            data: Type.Array(SessionSchema),
            total: Type.Integer(),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
          ...errors(400, 403, 404),
        },
      },
    },
    async (request) => {
      const { workspace, userId, limit, offset } = request.query;
      let workspaces: string[];
      if (workspace !== undefined) {
        await existingWorkspace(request, workspace);
        workspaces = [workspace];
      } else {
        workspaces = visibleWorkspaces(keyOf(request), await ctx.stores.workspaces.ids());
      }
      const { data, total } = await ctx.stores.sessions.list({ workspaces, userId, limit, offset });
      return { data: data.map(publicSession), total, limit, offset };
    },
  );

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof ItemQuery> }>(
    '/sessions/:sessionId',
    {
      config: { permission: 'sessions:read' },
      schema: {
        tags,
        operationId: 'getSession',
        summary: 'Get a session',
        params: IdParams,
        querystring: ItemQuery,
        response: { 200: SessionSchema, ...errors(400, 403, 404) },
      },
    },
    async (request) =>
      publicSession(await visibleSession(ctx, request, request.params.sessionId, request.query.workspace)),
  );

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof HistoryQuery> }>(
    '/sessions/:sessionId/history',
    {
      config: { permission: 'messages:read' },
      schema: {
        tags,
        operationId: 'getSessionHistory',
        summary: "A page of a session's history, oldest first; offset counts back from the newest turn",
        params: IdParams,
        querystring: HistoryQuery,
        response: {
          200: Type.Object({
            sessionId: Type.String(),
            data: Type.Array(TurnSchema),
            total: Type.Integer(),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
          ...errors(400, 403, 404),
        },
      },
    },
    async (request) => {
      const s = await visibleSession(ctx, request, request.params.sessionId, request.query.workspace);
      const { limit, offset } = request.query;
      const { data, total } = await ctx.stores.sessions.history(s, limit, offset);
      return { sessionId: s.id, data, total, limit, offset };
    },
  );

  app.delete<{ Params: Static<typeof IdParams>; Querystring: Static<typeof ItemQuery> }>(
    '/sessions/:sessionId',
    {
      config: { permission: 'sessions:delete' },
      schema: {
        tags,
        operationId: 'clearSession',
        summary: 'Clear a session (its history and counters)',
        params: IdParams,
        querystring: ItemQuery,
        response: { 204: Type.Null(), ...errors(400, 403, 404) },
      },
    },
    async (request, reply) => {
      const s = await visibleSession(ctx, request, request.params.sessionId, request.query.workspace);
      if (!(await ctx.messages.deleteSession(s))) throw notFound('session', s.id);
      reply.status(204);
    },
  );

  app.delete<{ Querystring: Static<typeof DeleteAllQuery> }>(
    '/sessions',
    {
      config: { permission: 'sessions:delete' },
      schema: {
        tags,
        operationId: 'clearWorkspaceSessions',
        summary: 'Clear every session of a workspace',
        querystring: DeleteAllQuery,
        response: { 200: Type.Object({ workspace: Type.String(), deleted: Type.Integer() }), ...errors(400, 403, 404) },
      },
    },
    async (request) => {
      const { workspace } = request.query;
      await existingWorkspace(request, workspace);
      return { workspace, deleted: await ctx.messages.deleteWorkspaceSessions(workspace, 'deleted') };
    },
  );
  done();
}
