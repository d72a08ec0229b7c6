/**
 * API keys over HTTP: list, create, revoke, rotate. The same store and the same output as
 * `openclaw api-key … --json` (publicKeyView; the plain key only in the create/rotate answer).
 *
 * keys:read / keys:write can only be held by keys over every workspace (`*`); a key can only
 * grant permissions it holds itself, so keys:write never widens what its holder can do.
 * Config keys (`api.keys`) are read-only here (409 read_only): the file is their source of truth.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { RouteOptions } from './options';
import { keyOf } from '../auth/permissions';
import { ApiError, conflict, forbidden, notFound } from '../errors';
import { DEFAULT_PERMISSIONS, PERMISSIONS, WORKSPACE_ID_PATTERN, type Permission } from '../config-schema';
import { keyScopeProblem, publicKeyView, type ApiKeyRecord } from '../store/keys';
import { errors } from './schemas';

const KeyView = Type.Object({
  id: Type.String(),
  key: Type.String({ description: 'Masked: `oclaw_live_AbCd…wxyz` (config keys: `…wxyz`)' }),
  label: Type.String(),
  workspaces: Type.Array(Type.String()),
  permissions: Type.Array(Type.String()),
  rateLimit: Type.Union([Type.Integer(), Type.Null()], {
    description: "Requests per minute; null = the gateway's default; 0 = unlimited",
  }),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  source: Type.Union([Type.Literal('cli'), Type.Literal('config'), Type.Literal('bootstrap')]),
});
const Created = Type.Object({
  apiKey: Type.String({ description: 'The plain key: shown in this answer only, never again' }),
  ...KeyView.properties,
});

const CreateBody = Type.Object(
  {
    label: Type.String({ minLength: 1, maxLength: 200 }),
    workspaces: Type.Optional(
      Type.Array(Type.String({ pattern: `^(\\*|${WORKSPACE_ID_PATTERN.slice(1, -1)})$` }), {
        minItems: 1,
        maxItems: 100,
        uniqueItems: true,
        description: 'Default `["*"]`',
      }),
    ),
    permissions: Type.Optional(
      Type.Array(Type.Unsafe<Permission>({ type: 'string', enum: [...PERMISSIONS] }), {
        minItems: 1,
        uniqueItems: true,
        description: 'Default: the seven message/session/workspace/stats permissions',
      }),
    ),
    rateLimit: Type.Optional(
      Type.Union([Type.Integer({ minimum: 0, maximum: 1_000_000 }), Type.Null()], {
        description: "Requests per minute; null = the gateway's default; 0 = unlimited",
      }),
    ),
  },
  { additionalProperties: false },
);
const IdParams = Type.Object({
  keyId: Type.String({ pattern: '^key_[A-Za-z0-9_]{1,64}$', description: 'Key id (`key_…`)' }),
});

/** keys:* only over `*`: checked on the caller too, so a key narrowed after the fact loses them. */
function requireKeyAdmin(key: ApiKeyRecord, permission: Permission): void {
  if (!key.workspaces.includes('*'))
    throw forbidden(`'${permission}' needs a key over every workspace (*)`, 'missing_permission');
}

export default function keyRoutes(app: FastifyInstance, { ctx }: RouteOptions, done: () => void) {
  const { keys } = ctx.stores;
  const tags = ['keys'];

  async function mutable(id: string): Promise<ApiKeyRecord> {
    const found = await keys.get(id);
    if (!found || found.revokedAt) throw notFound('API key', id);
    if (found.source === 'config') {
      throw conflict(
        `API key ${id} is declared in openclaw.json (api.keys); remove or change it there and restart`,
        'read_only',
      );
    }
    return found;
  }

  // Any valid key: what it may do (the console shows only that). Its own view, masked.
  app.get(
    '/keys/current',
    {
      schema: {
        tags,
        operationId: 'getCurrentKey',
        summary: 'The key making this request: its scope and permissions (no permission needed)',
        response: { 200: KeyView, ...errors() },
      },
    },
    (request) => publicKeyView(keyOf(request)),
  );

  app.get(
    '/keys',
    {
      config: { permission: 'keys:read' },
      schema: {
        tags,
        operationId: 'listKeys',
        summary: 'List active API keys (masked)',
        response: { 200: Type.Object({ data: Type.Array(KeyView) }), ...errors(403) },
      },
    },
    async (request) => {
      requireKeyAdmin(keyOf(request), 'keys:read');
      return { data: (await keys.list()).map(publicKeyView) };
    },
  );

  app.post<{ Body: Static<typeof CreateBody> }>(
    '/keys',
    {
      config: { permission: 'keys:write' },
      schema: {
        tags,
        operationId: 'createKey',
        summary: 'Create an API key (the plain key is in this answer only)',
        body: CreateBody,
        response: { 201: Created, ...errors(400, 403, 413) },
      },
    },
    async (request, reply) => {
      const caller = keyOf(request);
      requireKeyAdmin(caller, 'keys:write');
      const body = request.body;
      const workspaces = body.workspaces ?? ['*'];
      const permissions = body.permissions;
      const scope = keyScopeProblem(workspaces, permissions);
      if (scope) throw new ApiError('validation_error', `permissions: ${scope}`, {}, { field: 'permissions' });
      const beyond = (permissions ?? DEFAULT_PERMISSIONS).find((p) => !caller.permissions.includes(p));
      if (beyond)
        throw forbidden(`this API key cannot grant '${beyond}', which it does not hold itself`, 'missing_permission');
      const { key, record } = await keys.create({
        label: body.label,
        workspaces,
        permissions,
        rateLimit: body.rateLimit ?? null,
        source: 'cli',
      });
      request.log.info({ keyId: record.id, by: caller.id }, 'API key created');
      reply.status(201);
      return { apiKey: key, ...publicKeyView(record) };
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/keys/:keyId/revoke',
    {
      config: { permission: 'keys:write' },
      schema: {
        tags,
        operationId: 'revokeKey',
        summary: 'Revoke an API key (401 at once, in every gateway process)',
        params: IdParams,
        response: { 200: Type.Object({ revoked: KeyView }), ...errors(400, 403, 404, 409) },
      },
    },
    async (request) => {
      const caller = keyOf(request);
      requireKeyAdmin(caller, 'keys:write');
      const found = await mutable(request.params.keyId);
      if (!(await keys.revoke(found.id))) throw notFound('API key', found.id);
      request.log.info({ keyId: found.id, by: caller.id }, 'API key revoked');
      return { revoked: publicKeyView(found) };
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/keys/:keyId/rotate',
    {
      config: { permission: 'keys:write' },
      schema: {
        tags,
        operationId: 'rotateKey',
        summary: 'Rotate an API key: a new key with the same label and scope; the old one is revoked in the same step',
        params: IdParams,
        response: { 200: Created, ...errors(400, 403, 404, 409) },
      },
    },
    async (request) => {
      const caller = keyOf(request);
      requireKeyAdmin(caller, 'keys:write');
      const found = await mutable(request.params.keyId);
      // The new key is handed to the caller: it may not hold more than the caller does.
      const beyond = found.permissions.find((p) => !caller.permissions.includes(p));
      if (beyond)
        throw forbidden(
          `this API key cannot rotate a key holding '${beyond}', which it does not hold itself`,
          'missing_permission',
        );
      const created = await keys.rotate(found.id);
      if (!created) throw notFound('API key', found.id);
      request.log.info({ keyId: found.id, newKeyId: created.record.id, by: caller.id }, 'API key rotated');
      return { apiKey: created.key, ...publicKeyView(created.record) };
    },
  );
  done();
}
