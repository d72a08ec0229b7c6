/**
 * Slack: answers go out through @slack/web-api (chat.postMessage, in the thread of the message
 * they answer); messages come in through the Events API route (routes.ts), whose deliveries are
 * checked here: `X-Slack-Signature` is `v0=` + HMAC-SHA256 of `v0:<timestamp>:<raw body>` with
 * the app's signing secret, and a timestamp more than 5 minutes away is refused (replays).
 * Health: auth.test at start and every probeIntervalMs, plus every send.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebClient, LogLevel, type Logger } from '@slack/web-api';
import type { FastifyBaseLogger } from 'fastify';
import type { SlackConfig } from './schema';
import { ChannelSendError, type ChannelAdapter, type InboundMessage, type ReplyTarget } from './types';
import { scrubber } from './text';

/** Slack's own advice: refuse deliveries signed more than five minutes away from now. */
export const SLACK_TOLERANCE_S = 5 * 60;
/** Slack advises at most 4,000 characters per message (it truncates at 40,000). */
const SLACK_MAX_CHARS = 4000;
/** Errors of a token Slack no longer accepts. */
const AUTH_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
  'no_permission',
  'missing_scope',
  'org_login_required',
]);

/** True when the signature header matches the raw body (timing-safe) and the timestamp is fresh. */
export function verifySlackSignature(
  secret: string,
  rawBody: Buffer,
  timestamp: string | undefined,
  signature: string | undefined,
  nowMs: number,
): boolean {
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > SLACK_TOLERANCE_S) return false;
  const expected = Buffer.from(
    `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(rawBody).digest('hex')}`,
  );
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The parts of an Events API delivery the gateway reads. */
export interface SlackEnvelope {
  type: string;
  challenge?: string;
  event_id?: string;
  event?: {
    type: string;
    subtype?: string;
    user?: string;
    bot_id?: string;
    text?: string;
    channel?: string;
    ts?: string;
    thread_ts?: string;
    channel_type?: string;
  };
}

export class SlackChannel implements ChannelAdapter {
  readonly name = 'slack' as const;
  readonly maxChars = SLACK_MAX_CHARS;
  private readonly client: WebClient;
  private readonly scrub: (t: string) => string;
  /** The bot's own user id (auth.test): its mention is taken out of the text, its own messages ignored. */
  private botUserId: string | null = null;

  constructor(
    private readonly config: SlackConfig,
    log: FastifyBaseLogger,
  ) {
    this.scrub = scrubber([config.botToken, config.signingSecret]);
    const quiet: Logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: (...m: unknown[]) => log.debug({ channel: 'slack' }, this.scrub(m.map(String).join(' '))),
      error: (...m: unknown[]) => log.debug({ channel: 'slack' }, this.scrub(m.map(String).join(' '))),
      setLevel: () => undefined,
      getLevel: () => LogLevel.WARN,
      setName: () => undefined,
    };
    const slackApiUrl = config.apiUrl.endsWith('/') ? config.apiUrl : `${config.apiUrl}/`;
    // Retries are the channels queue's (one policy, visible in the schedule's run), not the client's.
    this.client = new WebClient(config.botToken, {
      slackApiUrl,
      logger: quiet,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: 15000,
    });
  }

  verify(rawBody: Buffer, timestamp: string | undefined, signature: string | undefined, nowMs: number): boolean {
    return verifySlackSignature(this.config.signingSecret, rawBody, timestamp, signature, nowMs);
  }

  /** The message an event_callback carries, or null (bots, edits, joins, other event types). */
  inbound(envelope: SlackEnvelope): InboundMessage | null {
    const e = envelope.event;
    if (!e || !envelope.event_id || (e.type !== 'message' && e.type !== 'app_mention')) return null;
    if (e.subtype || e.bot_id || !e.user || !e.channel || !e.ts || (this.botUserId && e.user === this.botUserId))
      return null;
    // In a channel the bot hears app_mention; a message event there would answer twice.
    if (e.type === 'message' && e.channel_type !== 'im') return null;
    const text = (e.text ?? '')
      .replace(/<@[A-Z0-9]+>/g, (m) => (this.botUserId && m === `<@${this.botUserId}>` ? '' : m))
      .trim();
    if (!text) return null;
    return {
      channel: 'slack',
      senderId: e.user,
      text,
      to: { chatId: e.channel, threadTs: e.thread_ts ?? e.ts },
      deliveryId: envelope.event_id,
    };
  }

  async probe(): Promise<void> {
    try {
      const res = await this.client.auth.test();
      this.botUserId = res.user_id ?? null;
    } catch (err) {
      throw this.sendError(err);
    }
  }

  async sendPart(to: ReplyTarget, text: string): Promise<void> {
    try {
      await this.client.chat.postMessage({
        channel: to.chatId,
        text,
        ...(to.threadTs ? { thread_ts: to.threadTs } : {}),
      });
    } catch (err) {
      throw this.sendError(err);
    }
  }

  private sendError(err: unknown): ChannelSendError {
    const e = err as { code?: string; data?: { error?: string }; statusCode?: number; message?: string };
    if (e.code === 'slack_webapi_platform_error') {
      const code = e.data?.error ?? 'unknown_error';
      return new ChannelSendError(
        `Slack refused the call: ${code}`,
        AUTH_ERRORS.has(code)
          ? 'auth'
          : code === 'ratelimited' || code === 'fatal_error' || code === 'internal_error'
            ? 'busy'
            : 'rejected',
      );
    }
    if (e.code === 'slack_webapi_rate_limited_error')
      return new ChannelSendError('Slack rate-limited the call', 'busy');
    if (e.code === 'slack_webapi_http_error') {
      const status = e.statusCode ?? 0;
      return new ChannelSendError(
        `Slack answered HTTP ${status}`,
        status === 401 || status === 403 ? 'auth' : status === 429 || status >= 500 ? 'busy' : 'rejected',
      );
    }
    return new ChannelSendError(this.scrub(`cannot reach the Slack Web API: ${e.message ?? String(err)}`), 'network');
  }
}
