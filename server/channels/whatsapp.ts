/**
 * WhatsApp Cloud API over undici. Meta calls the webhook (routes.ts): a GET to verify it
 * (`hub.mode=subscribe`, `hub.verify_token`, echo `hub.challenge`) and POSTs signed with
 * `X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body with the app secret>`. Answers go
 * out as `POST {graphUrl}/{phoneNumberId}/messages`; the typing indicator rides on marking the
 * incoming message read. Health: the phone number is read at start and every probeIntervalMs,
 * plus every send (401 or OAuthException 190: the token is refused).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { request } from 'undici';
import type { WhatsAppConfig } from './schema';
import { ChannelSendError, type ChannelAdapter, type InboundMessage, type ReplyTarget } from './types';
import { scrubber } from './text';

/** WhatsApp's limit for a text message body. */
const WHATSAPP_MAX_CHARS = 4096;
const TIMEOUT_MS = 15000;

export function verifyMetaSignature(appSecret: string, rawBody: Buffer, header: string | undefined): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The parts of a webhook delivery the gateway reads (object whatsapp_business_account). */
export interface WhatsAppDelivery {
  object?: string;
  entry?: Array<{
    changes?: Array<{
      field?: string;
      value?: {
        metadata?: { phone_number_id?: string };
        messages?: Array<{ from?: string; id?: string; type?: string; text?: { body?: string } }>;
      };
    }>;
  }>;
}

export class WhatsAppChannel implements ChannelAdapter {
  readonly name = 'whatsapp' as const;
  readonly maxChars = WHATSAPP_MAX_CHARS;
  private readonly scrub: (t: string) => string;
  private readonly base: string;

  constructor(private readonly config: WhatsAppConfig) {
    this.scrub = scrubber([config.accessToken, config.appSecret, config.verifyToken]);
    this.base = config.graphUrl.replace(/\/+$/, '');
  }

  /** The webhook verification GET: the challenge to echo, or null (403). */
  verifyChallenge(query: Record<string, string | undefined>): string | null {
    const given = Buffer.from(query['hub.verify_token'] ?? '');
    const expected = Buffer.from(this.config.verifyToken);
    const match = given.length === expected.length && timingSafeEqual(given, expected);
    return query['hub.mode'] === 'subscribe' && match && query['hub.challenge'] ? query['hub.challenge'] : null;
  }

  verify(rawBody: Buffer, header: string | undefined): boolean {
    return verifyMetaSignature(this.config.appSecret, rawBody, header);
  }

  /** Text messages to this gateway's number (statuses, media and other numbers' traffic are skipped). */
  inbound(delivery: WhatsAppDelivery): InboundMessage[] {
    const out: InboundMessage[] = [];
    for (const entry of delivery.entry ?? []) {
      for (const change of entry.changes ?? []) {
        const v = change.value;
        if (
          change.field !== 'messages' ||
          !v ||
          (v.metadata?.phone_number_id && v.metadata.phone_number_id !== this.config.phoneNumberId)
        )
          continue;
        for (const m of v.messages ?? []) {
          if (m.type !== 'text' || !m.from || !m.id || !m.text?.body) continue;
          out.push({
            channel: 'whatsapp',
            senderId: m.from,
            text: m.text.body,
            to: { chatId: m.from },
            deliveryId: m.id,
            platformMessageId: m.id,
          });
        }
      }
    }
    return out;
  }

  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    let res;
    try {
      res = await request(`${this.base}/${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.config.accessToken}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        headersTimeout: TIMEOUT_MS,
        bodyTimeout: TIMEOUT_MS,
      });
    } catch (err) {
      throw new ChannelSendError(
        this.scrub(`cannot reach the WhatsApp Cloud API: ${(err as Error).message}`),
        'network',
      );
    }
    const text = await res.body.text();
    if (res.statusCode < 300) return text ? JSON.parse(text) : null;
    let error: { message?: string; code?: number } = {};
    try {
      error = (JSON.parse(text) as { error?: typeof error }).error ?? {};
    } catch {
      /* not JSON: the status says enough */
    }
    const kind =
      res.statusCode === 401 || error.code === 190
        ? 'auth'
        : res.statusCode === 429 || res.statusCode >= 500
          ? 'busy'
          : 'rejected';
    throw new ChannelSendError(
      this.scrub(`WhatsApp Cloud API answered ${res.statusCode}${error.message ? `: ${error.message}` : ''}`),
      kind,
    );
  }

  async probe(): Promise<void> {
    await this.call('GET', `${this.config.phoneNumberId}?fields=id`);
  }

  async sendPart(to: ReplyTarget, text: string): Promise<void> {
    await this.call('POST', `${this.config.phoneNumberId}/messages`, {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: to.chatId,
      type: 'text',
      text: { body: text, preview_url: false },
    });
  }

  async typing(_to: ReplyTarget, platformMessageId?: string): Promise<void> {
    if (!platformMessageId) return;
    await this.call('POST', `${this.config.phoneNumberId}/messages`, {
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: platformMessageId,
      typing_indicator: { type: 'text' },
    });
  }
}
