/**
 * Workspaces: list, get, create, update allowlist, delete. Config-declared workspaces are
 * read-only through the API (409 `read_only`): the file is their source of truth.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { RouteOptions } from './options';
import { keyOf, requireWorkspace, visibleWorkspaces } from '../auth/permissions';
import { ApiError, conflict, notFound } from '../errors';
import { SKILLS, isSkill } from '../agent/skills';
import { presetNames } from '../agent/presets';
import { WorkspaceIdParam, errors } from './schemas';
import type { Workspace } from '../store/workspaces';

const WorkspaceSchema = Type.Object({
  id: Type.String(),
  label: Type.String(),
  agent: Type.String(),
  skills: Type.Array(Type.String()),
  allowlist: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  source: Type.Union([Type.Literal('config'), Type.Literal('api')], {
    description: 'config: declared in openclaw.json, read-only here',
  }),
});

const CreateBody = Type.Object(
  {
    id: WorkspaceIdParam,
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    agent: Type.Optional(
      Type.String({ minLength: 1, description: 'Agent preset name (config `agents`; `balanced` is built in)' }),
    ),
    skills: Type.Optional(
      Type.Array(Type.String(), { maxItems: 20, description: `Tools the agent may use: ${SKILLS.join(', ')}` }),
    ),
  },
  { additionalProperties: false },
);

const AllowlistEntry = Type.String({
  pattern: '^[a-z][a-z0-9_-]*:.+$',
  maxLength: 256,
  description: '`channel:id`, e.g. `telegram:123456789`',
});
const AllowlistBody = Type.Object(
  {
    add: Type.Optional(Type.Array(AllowlistEntry, { maxItems: 1000 })),
    remove: Type.Optional(Type.Array(AllowlistEntry, { maxItems: 1000 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
const IdParams = Type.Object({ workspaceId: WorkspaceIdParam });

export default function workspaceRoutes(app: FastifyInstance, { ctx }: RouteOptions, done: () => void) {
  const { workspaces } = ctx.stores;
  const tags = ['workspaces'];

  async function writable(id: string): Promise<Workspace> {
    const ws = await workspaces.get(id);
    if (!ws) throw notFound('workspace', id);
    if (ws.source === 'config')
      throw conflict(`workspace '${id}' is declared in openclaw.json and is read-only through the API`, 'read_only');
    return ws;
  }

  app.get(
    '/workspaces',
    {
      config: { permission: 'workspaces:read' },
      schema: {
        tags,
        operationId: 'listWorkspaces',
        summary: 'List the workspaces this key can see',
        response: { 200: Type.Object({ data: Type.Array(WorkspaceSchema) }), ...errors(403) },
      },
    },
    async (request) => {
      const key = keyOf(request);
      const all = await workspaces.list();
      const visible = new Set(
        visibleWorkspaces(
          key,
          all.map((w) => w.id),
        ),
      );
      return { data: all.filter((w) => visible.has(w.id)) };
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/workspaces/:workspaceId',
    {
      config: { permission: 'workspaces:read' },
      schema: {
        tags,
        operationId: 'getWorkspace',
        summary: 'Get a workspace',
        params: IdParams,
        response: { 200: WorkspaceSchema, ...errors(400, 403, 404) },
      },
    },
    async (request) => {
      const { workspaceId } = request.params;
      requireWorkspace(keyOf(request), workspaceId);
      const ws = await workspaces.get(workspaceId);
      if (!ws) throw notFound('workspace', workspaceId);
      return ws;
    },
  );

  app.post<{ Body: Static<typeof CreateBody> }>(
    '/workspaces',
    {
      config: { permission: 'workspaces:write' },
      schema: {
        tags,
        operationId: 'createWorkspace',
        summary: 'Create a workspace',
        body: CreateBody,
        response: { 201: WorkspaceSchema, ...errors(400, 403, 409, 413) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      requireWorkspace(keyOf(request), body.id);
      const agent = body.agent ?? 'balanced';
      const presets = presetNames(ctx.config);
      if (!presets.includes(agent)) {
        throw new ApiError(
          'validation_error',
          `agent: unknown agent preset '${agent}'; known: ${presets.join(', ')}`,
          {},
          { field: 'agent' },
        );
      }
      const skills = [...new Set(body.skills ?? [])];
      const unknown = skills.filter((s) => !isSkill(s));
      if (unknown.length) {
        throw new ApiError(
          'validation_error',
          `skills: unknown skill '${unknown[0]}'; known: ${SKILLS.join(', ')}`,
          {},
          { field: 'skills' },
        );
      }
      const ws = await workspaces.create({ id: body.id, label: body.label ?? body.id, agent, skills, allowlist: [] });
      if (!ws) throw conflict(`workspace '${body.id}' already exists`, 'already_exists');
      reply.status(201);
      return ws;
    },
  );

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof AllowlistBody> }>(
    '/workspaces/:workspaceId/allowlist',
    {
      config: { permission: 'workspaces:write' },
      schema: {
        tags,
        operationId: 'updateWorkspaceAllowlist',
        summary: "Update a workspace's allowlist",
        params: IdParams,
        body: AllowlistBody,
        response: {
          200: Type.Object({ id: Type.String(), allowlist: Type.Array(Type.String()) }),
          ...errors(400, 403, 404, 409),
        },
      },
    },
    async (request) => {
      const { workspaceId } = request.params;
      requireWorkspace(keyOf(request), workspaceId);
      await writable(workspaceId);
      const allowlist = await workspaces.updateAllowlist(
        workspaceId,
        request.body.add ?? [],
        request.body.remove ?? [],
      );
      if (!allowlist) throw notFound('workspace', workspaceId);
      return { id: workspaceId, allowlist };
    },
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/workspaces/:workspaceId',
    {
      config: { permission: 'workspaces:write' },
      schema: {
        tags,
        operationId: 'deleteWorkspace',
        summary: 'Delete a workspace',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { workspaceId } = request.params;
      requireWorkspace(keyOf(request), workspaceId);
      await writable(workspaceId);
      if (!(await workspaces.delete(workspaceId))) throw notFound('workspace', workspaceId);
      for (const hook of ctx.onWorkspaceDeleted) await hook(workspaceId);
      reply.status(204);
    },
  );
  done();
}
