/**
 * The platforms' webhooks, outside the API prefix and without an API key: each delivery proves
 * itself with the platform's signature or secret, checked against the raw body before anything
 * is parsed or stored. A bad one is 401 and never reaches the agent.
 *
 *   POST /channels/telegram/webhook   X-Telegram-Bot-Api-Secret-Token (mode "webhook")
 *   POST /channels/slack/events       X-Slack-Signature + X-Slack-Request-Timestamp (Events API)
 *   GET  /channels/whatsapp/webhook   hub.verify_token → hub.challenge
 *   POST /channels/whatsapp/webhook   X-Hub-Signature-256
 *
 * Each answers 200 as soon as the message is queued (Slack wants an answer within 3 s); the
 * agent's answer goes back through the platform's send API (outbound.ts).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Update } from 'grammy/types';
import type { GatewayContext } from '../context';
import { unavailable, ApiError } from '../errors';
import type { Channels } from './channels';
import type { SlackEnvelope } from './slack';
import type { WhatsAppDelivery } from './whatsapp';

const hidden = { schema: { hide: true } };
const header = (req: FastifyRequest, name: string) => {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
};
const badSignature = (what: string) => new ApiError('invalid_signature', `${what}; the delivery was ignored`);

function parseJson<T>(raw: Buffer): T {
  try {
    return JSON.parse(raw.toString('utf8')) as T;
  } catch (err) {
    throw new ApiError('malformed_request', `the body is not valid JSON: ${(err as Error).message}`);
  }
}

export function channelRoutes(
  app: FastifyInstance,
  { ctx, channels }: { ctx: GatewayContext; channels: Channels },
  done: () => void,
) {
  // The raw bytes are what the platforms sign: keep them, parse after the check.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.addHook('onRequest', (_req, _reply, next) => {
    // Not ready: 503 makes the platforms deliver again later.
    next(
      ctx.readiness.ready ? undefined : unavailable('the gateway is starting; deliver again shortly', 'starting', 2),
    );
  });
  const raw = (req: FastifyRequest) => (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));

  // Adapters are built when the feature starts (after the routes): looked up per request, which
  // only comes once the gateway is ready (503 before).
  if (ctx.config.channels.telegram?.mode === 'webhook') {
    const secret = Buffer.from(ctx.config.channels.telegram.webhookSecret ?? '');
    app.post('/channels/telegram/webhook', hidden, async (req, reply) => {
      const given = Buffer.from(header(req, 'x-telegram-bot-api-secret-token') ?? '');
      if (!secret.length || given.length !== secret.length || !timingSafeEqual(given, secret))
        throw badSignature('X-Telegram-Bot-Api-Secret-Token does not match channels.telegram.webhookSecret');
      await channels.telegram!.handleUpdate(parseJson<Update>(raw(req)));
      return ok(reply);
    });
  }

  if (ctx.config.channels.slack) {
    app.post('/channels/slack/events', hidden, async (req, reply) => {
      const slack = channels.slack!;
      const body = raw(req);
      if (
        !slack.verify(body, header(req, 'x-slack-request-timestamp'), header(req, 'x-slack-signature'), ctx.clock.now())
      ) {
        throw badSignature(
          'X-Slack-Signature does not match the body signed with the signing secret, or X-Slack-Request-Timestamp is more than 5 minutes away',
        );
      }
      const envelope = parseJson<SlackEnvelope>(body);
      if (envelope.type === 'url_verification') return reply.send({ challenge: envelope.challenge });
      const message = envelope.type === 'event_callback' ? slack.inbound(envelope) : null;
      if (message) await channels.inbox.receive(message);
      return ok(reply);
    });
  }

  if (ctx.config.channels.whatsapp) {
    app.get('/channels/whatsapp/webhook', hidden, async (req, reply) => {
      const whatsapp = channels.whatsapp!;
      const challenge = whatsapp.verifyChallenge(req.query as Record<string, string | undefined>);
      if (challenge === null)
        throw new ApiError(
          'verification_failed',
          'hub.mode must be subscribe and hub.verify_token must match channels.whatsapp.verifyToken',
        );
      return reply.type('text/plain').send(challenge);
    });
    app.post('/channels/whatsapp/webhook', hidden, async (req, reply) => {
      const whatsapp = channels.whatsapp!;
      const body = raw(req);
      if (!whatsapp.verify(body, header(req, 'x-hub-signature-256')))
        throw badSignature('X-Hub-Signature-256 does not match the body signed with channels.whatsapp.appSecret');
      for (const message of whatsapp.inbound(parseJson<WhatsAppDelivery>(body))) await channels.inbox.receive(message);
      return ok(reply);
    });
  }
  done();
}

const ok = (reply: FastifyReply) => reply.send({ ok: true });
