/**
 * Outbound webhook subscriptions (REST hooks, as n8n triggers and Zapier-style integrations use
 * them): create/list/get/update/delete, the delivery log, redeliver, and a test ping.
 * webhooks:read for reading, webhooks:write for the rest. A subscription belongs to the
 * workspaces of the key that made it: a key sees only subscriptions whose whole scope it covers
 * (others read as not found). Config subscriptions (`webhooks.outbound`) are read-only (409).
 * The secret is returned once, at creation or rotation; never by GET.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RouteOptions } from './options';
import { coversWorkspace, keyOf, requireWorkspace } from '../auth/permissions';
import { conflict, invalidField, notFound, ApiError } from '../errors';
import type { ApiKeyRecord } from '../store/keys';
import type { StoredSubscription, WebhookSubscription } from '../webhooks/store';
import { generateSecret } from '../webhooks/signing';
import { newId } from '../ids';
import { checkEvents, checkUrl, MAX_URL_LENGTH } from '../webhooks/validate';
import { isTrustedSubscription, policyFromConfig } from '../webhooks/network-policy';
import { SUBSCRIBABLE_EVENTS } from '../webhooks/matching';
import { MAX_REPLAY } from '../webhooks/service';
import { Offset, WorkspaceIdParam, errors, limitUpTo } from './schemas';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T, description?: string) =>
  Type.Union([t, Type.Null()], description ? { description } : {});

const Url = Type.String({
  minLength: 1,
  maxLength: MAX_URL_LENGTH,
  description: 'Where to POST events: http:// or https://, at most 2,048 characters',
});
const Events = Type.Array(Type.String({ minLength: 1 }), {
  minItems: 1,
  maxItems: 50,
  description: `Event names: ${SUBSCRIBABLE_EVENTS.join(', ')} (\`*\` = every event, including future ones)`,
});
const Workspaces = Type.Array(WorkspaceIdParam, {
  minItems: 1,
  maxItems: 100,
  description: "Only these workspaces' events (each within the key's scope)",
});
const Description = Type.String({ maxLength: 500 });
const Retries = Type.Integer({
  minimum: 0,
  maximum: 20,
  description:
    'Retries after the first attempt, on the first N steps of webhooks.retrySchedule (default webhooks.retries, 7: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h)',
});
const TimeoutMs = Type.Integer({
  minimum: 1,
  maximum: 120000,
  description: 'Bound on each attempt (default webhooks.timeoutMs, 5000)',
});

const WebhookFields = {
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  workspaces: Type.Union([Type.Array(Type.String()), Type.Null()], {
    description: 'Workspace filter; null = every workspace in scope',
  }),
  scope: Type.Array(Type.String(), {
    description: "The creating key's workspaces (`*` = all): events outside them never reach this subscription",
  }),
  description: Nullable(Type.String()),
  enabled: Type.Boolean(),
  disabledReason: Nullable(Type.String(), 'Why it was disabled (410 Gone, too many failed events, or through the API)'),
  disabledAt: Nullable(Type.String({ format: 'date-time' })),
  consecutiveFailures: Type.Integer({
    description: 'Events in a row that could not be delivered; webhooks.disableAfter disables it',
  }),
  circuit: Type.Object(
    {
      state: Type.Union([Type.Literal('closed'), Type.Literal('open')]),
      openedAt: Nullable(Type.String({ format: 'date-time' })),
      nextProbeAt: Nullable(
        Type.String({ format: 'date-time' }),
        'While open: when one held delivery next tries the receiver',
      ),
      failedAttempts: Type.Integer({
        description: 'Failed attempts in a row; webhooks.circuitBreaker.failureThreshold opens the circuit',
      }),
    },
    { description: 'The circuit breaker: while open, deliveries wait (no attempt used) and one probes the receiver' },
  ),
  retries: Type.Integer(),
  timeoutMs: Type.Integer(),
  source: Type.Union([Type.Literal('api'), Type.Literal('config'), Type.Literal('callback')], {
    description:
      "config: declared in openclaw.json, read-only here; callback: a message's callbackUrl (POST /messages), read-only, never listed",
  }),
  createdBy: Nullable(Type.String(), 'Id of the API key that created it'),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
};
const WebhookSchema = Type.Object(WebhookFields);
const WebhookWithSecret = Type.Object({
  ...WebhookFields,
  secret: Type.Optional(Type.String({ description: 'Only when the server generated or rotated it: shown this once' })),
});

const DeliveryFields = {
  id: Type.String({ description: 'Also sent as X-OpenClaw-Delivery and webhook-id, the same on every retry' }),
  webhookId: Type.String(),
  eventId: Type.String({ description: 'The payload `id`' }),
  event: Type.String(),
  status: Type.Union(['pending', 'retrying', 'delivered', 'failed', 'cancelled'].map((s) => Type.Literal(s))),
  attemptCount: Type.Integer(),
  manual: Type.Boolean({ description: 'A test ping or a redelivery' }),
  redeliveryOf: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  deliveredAt: Nullable(Type.String({ format: 'date-time' })),
  nextAttemptAt: Nullable(Type.String({ format: 'date-time' })),
  lastStatus: Type.Union([Type.Integer(), Type.Null()], { description: 'HTTP status of the last attempt' }),
  lastError: Nullable(Type.String()),
};
const DeliverySchema = Type.Object(DeliveryFields);
const AttemptSchema = Type.Object({
  attempt: Type.Integer(),
  startedAt: Type.String({ format: 'date-time' }),
  durationMs: Type.Integer(),
  status: Type.Union([Type.Integer(), Type.Null()], { description: 'HTTP status; null when no response came' }),
  error: Nullable(Type.String()),
  response: Nullable(Type.String(), 'The first 256 bytes of the response body'),
  nextAttemptAt: Nullable(Type.String({ format: 'date-time' })),
});
const DeliveryDetail = Type.Object({
  ...DeliveryFields,
  payload: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()], {
    description: 'The body that was sent (null once expired)',
  }),
  attempts: Type.Array(AttemptSchema),
});

const CreateBody = Type.Object(
  {
    url: Url,
    events: Events,
    secret: Type.Optional(
      Type.String({
        minLength: 16,
        maxLength: 256,
        description: 'HMAC key; generated (and returned once) when omitted',
      }),
    ),
    workspaces: Type.Optional(Workspaces),
    description: Type.Optional(Description),
    retries: Type.Optional(Retries),
    timeoutMs: Type.Optional(TimeoutMs),
  },
  { additionalProperties: false },
);
const PatchBody = Type.Object(
  {
    url: Type.Optional(Url),
    events: Type.Optional(Events),
    workspaces: Type.Optional(Type.Union([Workspaces, Type.Null()])),
    description: Type.Optional(Type.Union([Description, Type.Null()])),
    enabled: Type.Optional(
      Type.Boolean({ description: 'true re-enables a disabled subscription and clears its failure count' }),
    ),
    rotateSecret: Type.Optional(Type.Boolean({ description: 'true: a new secret, returned once in this response' })),
    retries: Type.Optional(Retries),
    timeoutMs: Type.Optional(TimeoutMs),
  },
  { additionalProperties: false, minProperties: 1 },
);
const WebhookIdParam = Type.String({ pattern: '^wh_[A-Za-z0-9_]{1,64}$', description: 'Subscription id (`wh_…`)' });
const IdParams = Type.Object({ webhookId: WebhookIdParam });
const DeliveryParams = Type.Object({
  webhookId: WebhookIdParam,
  deliveryId: Type.String({ pattern: '^dlv_[A-Za-z0-9]{1,64}$' }),
});
const DeliveriesQuery = Type.Object({ limit: limitUpTo(100), offset: Offset }, { additionalProperties: false });

const RedeliverSinceBody = Type.Object(
  {
    since: Type.String({
      format: 'date-time',
      description: 'Replay the failed deliveries created at or after this time (RFC 3339)',
    }),
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_REPLAY,
        default: MAX_REPLAY,
        description: 'At most this many (oldest first)',
      }),
    ),
  },
  { additionalProperties: false },
);
const RedeliverSinceReply = Type.Object({
  data: Type.Array(DeliverySchema, {
    description: 'The new deliveries, one per replayed failed delivery, oldest first',
  }),
  redelivered: Type.Integer(),
  nextSince: Nullable(
    Type.String({ format: 'date-time' }),
    'When `limit` was reached: call again with this `since` for the rest; null when done',
  ),
});
const ListQuery = Type.Object({ limit: limitUpTo(200), offset: Offset }, { additionalProperties: false });

const coversAll = (key: ApiKeyRecord, scope: string[]) =>
  scope.every((w) => (w === '*' ? key.workspaces.includes('*') : coversWorkspace(key, w)));

/** The public view: never the secret. */
const view = ({ secret: _secret, ...s }: StoredSubscription): WebhookSubscription => s;

export default function webhookRoutes(app: FastifyInstance, { ctx }: RouteOptions, done: () => void) {
  const store = ctx.stores.webhooks;
  const cfg = ctx.config.webhooks;
  const policy = policyFromConfig(cfg);
  const tags = ['webhooks'];

  async function visible(request: FastifyRequest, id: string): Promise<StoredSubscription> {
    const sub = await store.get(id);
    if (!sub || !coversAll(keyOf(request), sub.scope)) throw notFound('webhook', id);
    return sub;
  }

  async function writable(request: FastifyRequest, id: string): Promise<StoredSubscription> {
    const sub = await visible(request, id);
    if (sub.source === 'config')
      throw conflict(
        `webhook '${id}' is declared in openclaw.json (webhooks.outbound) and is read-only through the API`,
        'read_only',
      );
    if (sub.source === 'callback')
      throw conflict(`webhook '${id}' is a message's callback and is read-only`, 'read_only');
    return sub;
  }

  /** Each filtered workspace must be in the key's scope (403), in the subscription's scope when it exists (400), and exist (400). */
  async function checkWorkspaces(
    key: ApiKeyRecord,
    list: string[],
    scope: string[] = key.workspaces,
  ): Promise<string[]> {
    const unique = [...new Set(list)];
    for (const w of unique) requireWorkspace(key, w);
    const outside = unique.find((w) => !coversWorkspace({ workspaces: scope }, w));
    if (outside)
      throw invalidField(
        'workspaces',
        `'${outside}' is outside this subscription's scope (${scope.join(', ')}): it would never receive its events`,
      );
    for (const w of unique)
      if (!(await ctx.stores.workspaces.exists(w))) throw invalidField('workspaces', `unknown workspace '${w}'`);
    return unique;
  }

  app.post<{ Body: Static<typeof CreateBody> }>(
    '/webhooks',
    {
      config: { permission: 'webhooks:write' },
      schema: {
        tags,
        operationId: 'createWebhook',
        summary: 'Subscribe a URL to events',
        body: CreateBody,
        response: { 201: WebhookWithSecret, ...errors(400, 403, 409, 413) },
      },
    },
    async (request, reply) => {
      const key = keyOf(request);
      const b = request.body;
      const url = checkUrl(b.url, policy, key.workspaces.includes('*'));
      const events = checkEvents(b.events);
      const workspaces = b.workspaces ? await checkWorkspaces(key, b.workspaces) : null;
      const secret = b.secret ?? generateSecret();
      // 409 when a workspace it covers already holds limits.subscriptionsPerWorkspace (checked with the write).
      const cap = ctx.config.limits.subscriptionsPerWorkspace;
      const sub = await store.createCapped(
        {
          id: newId('wh'),
          url,
          events,
          workspaces,
          scope: key.workspaces,
          description: b.description ?? null,
          secret,
          retries: b.retries ?? cfg.retries,
          timeoutMs: b.timeoutMs ?? cfg.timeoutMs,
          source: 'api',
          createdBy: key.id,
        },
        workspaces ?? key.workspaces,
        cap,
      );
      if ('full' in sub) {
        throw new ApiError(
          'subscription_limit_reached',
          `workspace '${sub.full}' already has ${sub.held} webhook subscriptions (limits.subscriptionsPerWorkspace is ${cap}); delete one first`,
        );
      }
      reply.status(201);
      return b.secret ? view(sub) : { ...view(sub), secret };
    },
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/webhooks',
    {
      config: { permission: 'webhooks:read' },
      schema: {
        tags,
        operationId: 'listWebhooks',
        summary: 'List the subscriptions this key can see, oldest first (paginated)',
        querystring: ListQuery,
        response: {
          200: Type.Object({
            data: Type.Array(WebhookSchema),
            total: Type.Integer(),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
          ...errors(400, 403),
        },
      },
    },
    async (request) => {
      const key = keyOf(request);
      const { limit, offset } = request.query;
      const visible = (await store.list()).filter((s) => coversAll(key, s.scope));
      return { data: visible.slice(offset, offset + limit).map(view), total: visible.length, limit, offset };
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/webhooks/:webhookId',
    {
      config: { permission: 'webhooks:read' },
      schema: {
        tags,
        operationId: 'getWebhook',
        summary: 'Get a subscription',
        params: IdParams,
        response: { 200: WebhookSchema, ...errors(400, 403, 404) },
      },
    },
    async (request) => view(await visible(request, request.params.webhookId)),
  );

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof PatchBody> }>(
    '/webhooks/:webhookId',
    {
      config: { permission: 'webhooks:write' },
      schema: {
        tags,
        operationId: 'updateWebhook',
        summary:
          'Change a subscription (url, events, workspaces, description, enabled, retries, timeoutMs) or rotate its secret',
        params: IdParams,
        body: PatchBody,
        response: { 200: WebhookWithSecret, ...errors(400, 403, 404, 409) },
      },
    },
    async (request) => {
      const id = request.params.webhookId;
      const key = keyOf(request);
      const current = await writable(request, id);
      const { rotateSecret, ...b } = request.body;
      const secret = rotateSecret ? generateSecret() : undefined;
      const updated = await store.update(id, {
        url: b.url === undefined ? undefined : checkUrl(b.url, policy, isTrustedSubscription(current)),
        events: b.events && checkEvents(b.events),
        workspaces:
          b.workspaces === undefined
            ? undefined
            : b.workspaces && (await checkWorkspaces(key, b.workspaces, current.scope)),
        description: b.description,
        enabled: b.enabled,
        retries: b.retries,
        timeoutMs: b.timeoutMs,
        secret,
      });
      if (!updated) throw notFound('webhook', id);
      return secret ? { ...view(updated), secret } : view(updated);
    },
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/webhooks/:webhookId',
    {
      config: { permission: 'webhooks:write' },
      schema: {
        tags,
        operationId: 'deleteWebhook',
        summary: 'Delete a subscription (pending deliveries are cancelled)',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await writable(request, request.params.webhookId);
      if (!(await store.delete(request.params.webhookId))) throw notFound('webhook', request.params.webhookId);
      reply.status(204);
    },
  );

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof DeliveriesQuery> }>(
    '/webhooks/:webhookId/deliveries',
    {
      config: { permission: 'webhooks:read' },
      schema: {
        tags,
        operationId: 'listWebhookDeliveries',
        summary: `The delivery log, newest first (kept webhooks.retentionDays)`,
        params: IdParams,
        querystring: DeliveriesQuery,
        response: {
          200: Type.Object({ data: Type.Array(DeliverySchema), total: Type.Integer() }),
          ...errors(400, 403, 404),
        },
      },
    },
    async (request) => {
      const sub = await visible(request, request.params.webhookId);
      return store.listDeliveries(sub.id, request.query.limit, request.query.offset, cfg.retentionDays * 86400);
    },
  );

  app.get<{ Params: Static<typeof DeliveryParams> }>(
    '/webhooks/:webhookId/deliveries/:deliveryId',
    {
      config: { permission: 'webhooks:read' },
      schema: {
        tags,
        operationId: 'getWebhookDelivery',
        summary: 'One delivery with its payload and every attempt',
        params: DeliveryParams,
        response: { 200: DeliveryDetail, ...errors(400, 403, 404) },
      },
    },
    async (request) => {
      const sub = await visible(request, request.params.webhookId);
      const d = await store.getDeliveryWithBody(sub.id, request.params.deliveryId);
      if (!d) throw notFound('delivery', request.params.deliveryId);
      const { body, ...rest } = d;
      return {
        ...rest,
        payload: body === null ? null : (JSON.parse(body) as unknown), // the event's JSON as it was sent
        attempts: await store.attempts(sub.id, d.id),
      };
    },
  );

  app.post<{ Params: Static<typeof DeliveryParams> }>(
    '/webhooks/:webhookId/deliveries/:deliveryId/redeliver',
    {
      config: { permission: 'webhooks:write' },
      schema: {
        tags,
        operationId: 'redeliverWebhookDelivery',
        summary: 'Send a logged delivery again (same payload and event id, new delivery id)',
        params: DeliveryParams,
        response: { 202: DeliverySchema, ...errors(400, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const sub = await visible(request, request.params.webhookId);
      const original = await store.getDelivery(sub.id, request.params.deliveryId);
      if (!original) throw notFound('delivery', request.params.deliveryId);
      reply.status(202);
      return ctx.webhooks.redeliver(sub, original);
    },
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof RedeliverSinceBody> }>(
    '/webhooks/:webhookId/redeliver',
    {
      config: { permission: 'webhooks:write' },
      schema: {
        tags,
        operationId: 'redeliverWebhookSince',
        summary: 'Replay every failed delivery since a time (each as a new delivery with the same payload)',
        params: IdParams,
        body: RedeliverSinceBody,
        response: { 202: RedeliverSinceReply, ...errors(400, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const sub = await visible(request, request.params.webhookId);
      const sinceMs = Date.parse(request.body.since);
      if (Number.isNaN(sinceMs)) throw invalidField('since', 'must be a date-time such as 2026-12-01T00:00:00Z');
      const limit = request.body.limit ?? MAX_REPLAY;
      const { replayed, originals } = await ctx.webhooks.redeliverSince(sub, sinceMs, limit);
      const last = originals[originals.length - 1];
      reply.status(202);
      return {
        data: replayed,
        redelivered: replayed.length,
        nextSince: originals.length === limit ? new Date(Date.parse(last.createdAt) + 1).toISOString() : null,
      };
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/webhooks/:webhookId/test',
    {
      config: { permission: 'webhooks:write' },
      schema: {
        tags,
        operationId: 'testWebhook',
        summary: 'Send a `ping` event to this subscription',
        params: IdParams,
        response: { 202: DeliverySchema, ...errors(400, 403, 404) },
      },
    },
    async (request, reply) => {
      const sub = await visible(request, request.params.webhookId);
      reply.status(202);
      return ctx.webhooks.ping(sub);
    },
  );
  done();
}
