/**
 * Messages: send (whole answer, or 202 with "async": true), stream (SSE), read a message's status
 * and result, resume its stream. Every message is a job on the `messages` queue; these routes
 * only submit through ctx.messages and follow the message's event stream.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteOptions } from './options';
import { coversWorkspace, keyOf, requireWorkspace } from '../auth/permissions';
import { ApiError, badRequest, forbidden, invalidField, notFound } from '../errors';
import { CLIENT_ID_PATTERN, newId } from '../ids';
import { isTimeZone } from '../schedules/cron';
import { fingerprint, type IdempotencyClaim } from '../store/idempotency';
import type { MessageRecord } from '../messages/store';
import { isStreamId } from '../messages/follower';
import { errors } from './schemas';
import { reportUpstreamTime } from '../metrics/overhead';
import { relayEvents } from './sse';
import { checkUrl, MAX_URL_LENGTH } from '../webhooks/validate';
import { policyFromConfig } from '../webhooks/network-policy';
import { generateSecret } from '../webhooks/signing';
import { callbackIdFor } from '../webhooks/callbacks';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
/** How much longer than messages.timeoutMs a synchronous request waits (queueing time). */
const QUEUE_ALLOWANCE_MS = 30_000;

const ResultFields = {
  messageId: Type.String({ description: '`msg_…`' }),
  response: Type.String(),
  tokensUsed: Type.Integer({ description: 'tokensIn + tokensOut' }),
  latencyMs: Type.Integer({ description: 'From receipt to the last token, queueing included' }),
  sessionId: Type.String(),
  toolsInvoked: Type.Array(Type.String()),
  finishReason: Type.String({ description: 'stop | length | tool_limit | content_filter' }),
  model: Type.String(),
  tokensIn: Type.Integer(),
  tokensOut: Type.Integer(),
  costUSD: Type.Union([Type.Number(), Type.Null()], { description: 'null when the model has no known price' }),
};
const ResultSchema = Type.Object(ResultFields);
const Status = Type.Union(['queued', 'running', 'done', 'error'].map((s) => Type.Literal(s)));
const AcceptedSchema = Type.Object({
  messageId: Type.String(),
  sessionId: Type.String(),
  status: Status,
  callbackId: Type.Optional(
    Type.String({
      description:
        'With callbackUrl: the callback target, readable as GET /webhooks/{callbackId} with its delivery log',
    }),
  ),
  callbackSecret: Type.Optional(
    Type.String({
      description: 'With callbackUrl and no callbackSecret: the generated secret that signs the callback',
    }),
  ),
});
const MessageSchema = Type.Object(
  {
    messageId: Type.String(),
    sessionId: Type.String(),
    workspace: Type.String(),
    userId: Type.String(),
    channel: Type.String(),
    status: Status,
    createdAt: Type.String({ format: 'date-time' }),
    startedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    ...Object.fromEntries(
      Object.entries(ResultFields)
        .filter(([k]) => k !== 'messageId' && k !== 'sessionId')
        .map(([k, v]) => [k, Type.Optional(v)]),
    ),
    error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
  },
  { description: 'status queued|running|done|error; when done, every field of the synchronous reply' },
);

const IdParams = Type.Object({ messageId: Type.String({ pattern: '^msg_[A-Za-z0-9]{1,64}$' }) });
const StreamQuery = Type.Object({
  after: Type.Optional(Type.String({ description: 'Resume after this event id (or send Last-Event-ID)' })),
});
const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      description: 'Same key from the same API key within 24 h: the first message’s result, never a second run',
    }),
  ),
});

/** The stream endpoints answer with Server-Sent Events (written directly, never serialized); errors stay JSON. */
const SSE_RESPONSE = {
  description:
    'Server-Sent Events: `id: <event id>` + `data: {"type":"token"|"tool_use"|"tool_result"|"restart"|"done"|"error",…}` per event (`restart`: the worker died and another starts the answer again; drop what came before), `: heartbeat` comments',
  content: { 'text/event-stream': { schema: Type.String() } },
};

function sendBody(maxChars: number) {
  return Type.Object(
    {
      workspace: Type.String({ minLength: 1, maxLength: 63 }),
      userId: Type.String({ minLength: 1, maxLength: 256 }),
      message: Type.String({
        minLength: 1,
        maxLength: maxChars,
        description: `At most messages.maxChars (${maxChars}) characters`,
      }),
      sessionId: Type.Optional(
        Type.String({
          pattern: CLIENT_ID_PATTERN,
          description: 'Continue (or create) this session; omitted: the user’s current api session',
        }),
      ),
      context: Type.Optional(
        Type.Object(
          {
            timezone: Type.Optional(
              Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. America/New_York' }),
            ),
            language: Type.Optional(
              Type.String({ minLength: 1, maxLength: 64, description: 'BCP 47 tag, e.g. en, pt-BR' }),
            ),
          },
          { additionalProperties: false },
        ),
      ),
      async: Type.Optional(
        Type.Boolean({
          description: 'true: answer 202 {messageId, sessionId, status} at once; poll GET /messages/{id}',
        }),
      ),
      callbackUrl: Type.Optional(
        Type.String({
          minLength: 1,
          maxLength: MAX_URL_LENGTH,
          description:
            'With "async": true: when the message finishes, its message.sent / error.agent payload is POSTed here, signed and retried like a webhook delivery (same SSRF policy)',
        }),
      ),
      callbackSecret: Type.Optional(
        Type.String({
          minLength: 16,
          maxLength: 256,
          description:
            'Signs the callback (X-OpenClaw-Signature, webhook-signature); generated and returned once in the 202 as callbackSecret when omitted',
        }),
      ),
    },
    { additionalProperties: false },
  );
}
type SendBody = Static<ReturnType<typeof sendBody>>;

function isLanguageTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

/** Checks a schema cannot express; 403 before 404 so ids outside the key's scope do not leak. */
function checkSend(request: FastifyRequest, body: SendBody): void {
  requireWorkspace(keyOf(request), body.workspace);
  if (!body.message.trim()) throw invalidField('message', 'must not be blank');
  const tz = body.context?.timezone;
  if (tz !== undefined && !isTimeZone(tz))
    throw invalidField('context.timezone', `unknown time zone '${tz}'; use an IANA name such as America/New_York`);
  const lang = body.context?.language;
  if (lang !== undefined && !isLanguageTag(lang))
    throw invalidField('context.language', `'${lang}' is not a BCP 47 language tag (e.g. en, pt-BR)`);
  if (body.callbackSecret !== undefined && body.callbackUrl === undefined)
    throw invalidField('callbackSecret', 'needs a callbackUrl');
}

function idempotencyOf(request: FastifyRequest, body: SendBody, endpoint: string): IdempotencyClaim | undefined {
  const header = request.headers['idempotency-key'];
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !IDEMPOTENCY_KEY.test(header)) {
    throw badRequest('Idempotency-Key: must be 1–255 printable ASCII characters', 'invalid_idempotency_key');
  }
  return { scope: keyOf(request).id, key: header, fingerprint: fingerprint({ endpoint, body }) };
}

/** A key reads messages with messages:read, and the sender (messages:write) may poll its own. */
function requireReadable(request: FastifyRequest, rec: MessageRecord | null, id: string): MessageRecord {
  const key = keyOf(request);
  if (!key.permissions.includes('messages:read') && !key.permissions.includes('messages:write')) {
    throw forbidden("this API key lacks the 'messages:read' permission", 'missing_permission');
  }
  if (!rec || !coversWorkspace(key, rec.workspace)) throw notFound('message', id);
  return rec;
}

interface StreamSlot {
  keyId: string;
  id: string;
}

export default function messageRoutes(app: FastifyInstance, { ctx }: RouteOptions, done: () => void) {
  const tags = ['messages'];
  const body = sendBody(ctx.config.messages.maxChars);
  const waitMs = () => ctx.config.messages.timeoutMs + QUEUE_ALLOWANCE_MS;
  const callbackPolicy = policyFromConfig(ctx.config.webhooks);

  /** A stream slot's lifetime without a refresh: a few heartbeats (a dead process frees its slots). */
  const slotTtlMs = () => Math.max(3 * ctx.config.messages.heartbeatMs, 30_000);

  /** Takes one of the key's `limits.streamsPerKey` stream slots, or 429 too_many_streams. */
  async function claimStream(request: FastifyRequest): Promise<StreamSlot | null> {
    const cap = ctx.config.limits.streamsPerKey;
    if (cap === 0) return null;
    const slot = { keyId: keyOf(request).id, id: newId('str', 16) };
    if (!(await ctx.stores.streams.claim(slot.keyId, slot.id, cap, slotTtlMs()))) {
      throw new ApiError(
        'too_many_streams',
        `this API key already holds ${cap} open streams (limits.streamsPerKey); close one or retry later`,
        { 'Retry-After': '5' },
      );
    }
    return slot;
  }

  /** Relays a message's events as SSE from `afterId` until its final event, holding one of the key's stream slots. */
  const relay = (
    request: FastifyRequest,
    reply: FastifyReply,
    messageId: string,
    afterId: string,
    slot: StreamSlot | null,
    fresh = false,
  ) =>
    relayEvents(ctx, request, reply, {
      messageId,
      afterId,
      fresh,
      waitMs: waitMs(),
      ...(slot && {
        onHeartbeat: () => void ctx.stores.streams.refresh(slot.keyId, slot.id, slotTtlMs()).catch(() => undefined),
        onClose: () => void ctx.stores.streams.release(slot.keyId, slot.id).catch(() => undefined),
      }),
    });

  /** A valid callbackUrl for this key (400 otherwise), and how to register it and answer about it. */
  function checkCallback(
    request: FastifyRequest,
    url: string,
    secret: string | undefined,
    isAsync: boolean | undefined,
  ) {
    if (isAsync !== true)
      throw invalidField('callbackUrl', 'needs "async": true (the answer goes to the callback, not this response)');
    const key = keyOf(request);
    checkUrl(url, callbackPolicy, key.workspaces.includes('*'), 'callbackUrl');
    const generated = secret === undefined ? generateSecret() : null;
    return {
      register: async (messageId: string) => {
        await ctx.callbacks.register({
          messageId,
          url,
          secret: secret ?? generated!,
          scope: key.workspaces,
          createdBy: key.id,
        });
      },
      /** An idempotent replay answers with the first request's callback (and its secret). */
      reply: async (messageId: string) => {
        const target = await ctx.stores.webhooks.get(callbackIdFor(messageId));
        return {
          callbackId: callbackIdFor(messageId),
          ...(secret === undefined && target ? { callbackSecret: target.secret } : {}),
        };
      },
    };
  }

  app.post<{ Body: SendBody }>(
    '/messages',
    {
      config: { permission: 'messages:write' },
      schema: {
        tags,
        operationId: 'sendMessage',
        summary: 'Send a message and get the whole answer (or 202 with "async": true)',
        headers: IdempotencyHeaders,
        body,
        response: {
          200: ResultSchema,
          202: AcceptedSchema,
          ...errors(400, 403, 404, 409, 413, 422, 500, 502, 503, 504),
        },
      },
    },
    async (request, reply) => {
      const { callbackUrl, callbackSecret, ...b } = request.body;
      checkSend(request, request.body);
      const callback = callbackUrl === undefined ? null : checkCallback(request, callbackUrl, callbackSecret, b.async);
      const idempotency = idempotencyOf(request, request.body, 'messages');
      const sent = await ctx.messages.submit({
        ...b,
        idempotency,
        callback: !!callback,
        onAccepted: callback ? (messageId) => callback.register(messageId) : undefined,
      });
      if (sent.replayed) reply.header('Idempotent-Replayed', 'true');
      if (b.async) {
        reply.status(202);
        return {
          messageId: sent.messageId,
          sessionId: sent.sessionId,
          status: sent.status,
          ...(callback && (await callback.reply(sent.messageId))),
        };
      }
      const waitStarted = performance.now();
      // A stop lets this wait run through the grace period, then answers 503 with the message id.
      let cutShort: () => void = () => undefined;
      const stopping = new Promise<void>((r) => (cutShort = r));
      const outcome = await ctx.shutdown.track(
        ctx.messages.outcome(sent.messageId, waitMs(), stopping, !sent.replayed),
        cutShort,
      );
      reportUpstreamTime(request, performance.now() - waitStarted); // the worker's time, not gateway overhead
      if (!outcome && ctx.shutdown.over) {
        throw new ApiError(
          'shutting_down',
          `this gateway stopped before the answer was ready; the message goes on: GET ${ctx.config.api.prefix}/messages/${sent.messageId}`,
          { 'Retry-After': '2', Connection: 'close' },
          { messageId: sent.messageId },
        );
      }
      if (!outcome) {
        throw new ApiError(
          'timeout',
          `no answer within ${waitMs()} ms; the message may still finish: GET ${ctx.config.api.prefix}/messages/${sent.messageId}`,
          {},
          { messageId: sent.messageId },
        );
      }
      if (outcome.status === 'error')
        throw new ApiError(outcome.error.code, outcome.error.message, {}, { messageId: sent.messageId });
      return outcome.result;
    },
  );

  app.post<{ Body: SendBody }>(
    '/messages/stream',
    {
      config: { permission: 'messages:write' },
      schema: {
        tags,
        operationId: 'streamMessage',
        summary: 'Send a message and stream the answer (Server-Sent Events)',
        headers: IdempotencyHeaders,
        body,
        response: { 200: SSE_RESPONSE, ...errors(400, 403, 404, 409, 413, 422, 429) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      checkSend(request, b);
      if (b.async) throw invalidField('async', 'is not supported on the stream endpoint');
      if (b.callbackUrl !== undefined)
        throw invalidField(
          'callbackUrl',
          'is not supported on the stream endpoint; use POST /messages with "async": true',
        );
      const idempotency = idempotencyOf(request, b, 'messages');
      // The slot is claimed alongside the submit's first round trip; a refused stream stores nothing.
      const claiming = claimStream(request);
      let sent;
      try {
        sent = await ctx.messages.submit({ ...b, idempotency, admission: claiming });
      } catch (err) {
        const slot = await claiming.catch(() => null);
        if (slot) await ctx.stores.streams.release(slot.keyId, slot.id).catch(() => undefined);
        throw err;
      }
      const slot = await claiming;
      if (sent.replayed) reply.header('Idempotent-Replayed', 'true');
      reply.header('X-Message-Id', sent.messageId);
      relay(request, reply, sent.messageId, '0', slot, !sent.replayed);
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/messages/:messageId',
    {
      schema: {
        tags,
        operationId: 'getMessage',
        summary: 'A message: its status, and its result when done',
        params: IdParams,
        response: { 200: MessageSchema, ...errors(400, 403, 404) },
      },
    },
    async (request) => {
      const { messageId } = request.params;
      const rec = requireReadable(request, await ctx.messages.get(messageId), messageId);
      const { messageId: _m, sessionId: _s, ...result } = rec.result ?? ({} as Record<string, unknown>);
      return {
        messageId: rec.id,
        sessionId: rec.sessionId,
        workspace: rec.workspace,
        userId: rec.userId,
        channel: rec.channel,
        status: rec.status,
        createdAt: rec.createdAt,
        startedAt: rec.startedAt,
        finishedAt: rec.finishedAt,
        ...result,
        ...(rec.error ? { error: { code: rec.error.code, message: rec.error.message } } : {}),
      };
    },
  );

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof StreamQuery> }>(
    '/messages/:messageId/stream',
    {
      schema: {
        tags,
        operationId: 'followMessage',
        summary: "Follow a message's events; resume with Last-Event-ID (or ?after=)",
        params: IdParams,
        querystring: StreamQuery,
        response: { 200: SSE_RESPONSE, ...errors(400, 403, 404) },
      },
    },
    async (request, reply) => {
      const { messageId } = request.params;
      const header = request.headers['last-event-id'];
      const after = request.query.after ?? (typeof header === 'string' && header !== '' ? header : '0');
      if (!isStreamId(after))
        throw invalidField(
          request.query.after !== undefined ? 'after' : 'Last-Event-ID',
          `'${after}' is not an event id (e.g. 1714471200000-0)`,
        );
      requireReadable(request, await ctx.messages.get(messageId), messageId);
      relay(request, reply, messageId, after, await claimStream(request));
    },
  );
  done();
}
