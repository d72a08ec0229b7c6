/**
 * The OpenAPI 3.1 `webhooks` section: one entry per event a subscription (or a message's
 * callbackUrl) receives, with its payload schema and the signature headers, so importers
 * (Make, Zapier's and other generators) know every body without reading the docs. An event
 * without a schema here is still listed, with a generic `data` object.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { EVENT_NAMES } from '../events';

const S = Type.String.bind(Type);
const I = Type.Integer.bind(Type);
const nullable = (t: TSchema) => Type.Union([t, Type.Null()]);

const message = {
  messageId: S(),
  workspace: S(),
  userId: S(),
  channel: S({ description: 'api, schedule, …' }),
  sessionId: S(),
};
const session = {
  sessionId: S(),
  workspace: S(),
  userId: S(),
  channel: S(),
  createdAt: S({ format: 'date-time' }),
  lastActiveAt: S({ format: 'date-time' }),
  messageCount: I(),
  tokensUsed: I(),
};
const scheduleBase = {
  scheduleId: S(),
  runId: S(),
  trigger: Type.Union([Type.Literal('schedule'), Type.Literal('manual')]),
  scheduledFor: nullable(S({ format: 'date-time' })),
  workspace: S(),
  userId: S(),
};
const reply = {
  messageId: S(),
  response: S(),
  tokensUsed: I(),
  latencyMs: I(),
  sessionId: S(),
  toolsInvoked: Type.Array(S()),
  finishReason: S(),
  model: S(),
  tokensIn: I(),
  tokensOut: I(),
  costUSD: nullable(Type.Number()),
};

const EVENTS: Record<string, { summary: string; data: TSchema }> = {
  'message.received': {
    summary: 'A message was accepted, before the agent runs',
    data: Type.Object({ ...message, message: S({ description: 'The text sent' }) }),
  },
  'message.sent': {
    summary: 'The agent answered (also the body POSTed to a message callbackUrl)',
    data: Type.Object({ ...message, response: S(), tokensUsed: I(), latencyMs: I() }),
  },
  'session.started': {
    summary: 'A message opened a new session (or reopened an ended one)',
    data: Type.Object(session),
  },
  'session.ended': {
    summary: 'A session was deleted, went idle, or its workspace was deleted',
    data: Type.Object({
      ...session,
      reason: Type.Union(['deleted', 'idle', 'workspace_deleted'].map((r) => Type.Literal(r))),
    }),
  },
  'error.agent': {
    summary: 'A message failed (also the body POSTed to a message callbackUrl)',
    data: Type.Object({
      ...message,
      code: S({ description: 'upstream_error, timeout, agent_error, worker_failed, …' }),
      message: S(),
    }),
  },
  'channel.disconnected': {
    summary: 'A chat channel lost its connection',
    data: Type.Object({ channel: S(), workspace: nullable(S()), reason: S() }),
  },
  'schedule.completed': { summary: 'A scheduled run answered', data: Type.Object({ ...reply, ...scheduleBase }) },
  'schedule.failed': {
    summary: 'A scheduled run failed',
    data: Type.Object({
      ...scheduleBase,
      messageId: nullable(S()),
      sessionId: nullable(S()),
      error: Type.Object({ code: S(), message: S() }),
    }),
  },
  ping: {
    summary: 'POST /webhooks/{id}/test only; cannot be subscribed to',
    data: Type.Object({ webhookId: S(), url: S(), events: Type.Array(S()), message: S() }),
  },
};

const header = (name: string, description: string) => ({
  name,
  in: 'header',
  required: true,
  description,
  schema: { type: 'string' },
});
const HEADERS = [
  header('webhook-id', 'Delivery id (`dlv_…`), the same on every retry: deduplicate on it'),
  header('webhook-timestamp', 'Unix seconds of this attempt'),
  header(
    'webhook-signature',
    'Standard Webhooks: `v1,` + base64 HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<body>`',
  ),
  header('X-OpenClaw-Signature', '`sha256=` + hex HMAC-SHA256 of the raw body'),
  header('X-OpenClaw-Event', 'The event name'),
  header('X-OpenClaw-Delivery', 'Same as webhook-id'),
  header('X-OpenClaw-Attempt', '1 for the first attempt, 2+ for retries'),
];

/** The type @fastify/swagger takes for an OpenAPI 3.1 document's `webhooks`. */
type OpenApiDocument = NonNullable<FastifyDynamicSwaggerOptions['openapi']>;
type WebhooksObject = NonNullable<Extract<OpenApiDocument, { webhooks?: unknown }>['webhooks']>;

const operationIdOf = (event: string) =>
  `on${event.replace(/(^|\.)([a-z])/g, (_m, _dot, c: string) => c.toUpperCase())}`;

/** The `webhooks` object of the OpenAPI document: every event name, ping included. */
export function openApiWebhooks(): WebhooksObject {
  const names = [...EVENT_NAMES, 'ping'];
  const entries = Object.fromEntries(
    names.map((event) => {
      const known = EVENTS[event];
      const body = Type.Object(
        {
          id: S({ description: '`evt_…`: the same for every subscription and retry of this event' }),
          event: Type.Literal(event),
          timestamp: S({ format: 'date-time', description: 'UTC, whole seconds' }),
          data: known?.data ?? Type.Object({}, { additionalProperties: true }),
        },
        { description: `The \`${event}\` event as POSTed to a subscription's url` },
      );
      const post = {
        operationId: operationIdOf(event),
        tags: ['events'],
        summary: known?.summary ?? `The ${event} event`,
        parameters: HEADERS,
        requestBody: {
          required: true,
          content: { 'application/json': { schema: JSON.parse(JSON.stringify(body)) as TSchema } },
        },
        responses: {
          '2XX': { description: 'Delivered' },
          '410': { description: 'Gone: the subscription is disabled at once' },
          default: { description: 'Any other answer (or none within timeoutMs) is retried on webhooks.retrySchedule' },
        },
      };
      return [event, { post }];
    }),
  );
  return entries as WebhooksObject; // plain JSON, checked against the OpenAPI 3.1 schema by test/foundation/openapi.test.ts
}
