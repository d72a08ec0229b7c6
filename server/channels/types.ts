/** What every platform adapter (telegram.ts, slack.ts, whatsapp.ts) offers the shared pieces. */
import type { ChannelName } from './schema';

/** Where an answer goes: a chat (Telegram chat id, Slack channel, WhatsApp number) and, on Slack, the thread. */
export interface ReplyTarget {
  chatId: string;
  threadTs?: string;
}

/** A sender's message after the platform's checks (signature, format), before the allowlist. */
export interface InboundMessage {
  channel: ChannelName;
  /** The platform's user id; the gateway's userId is `<channel>:<senderId>`. */
  senderId: string;
  text: string;
  to: ReplyTarget;
  /** The platform's id of this delivery (update_id, event_id, wamid): a retried delivery is answered once. */
  deliveryId: string;
  /** The platform message id a typing indicator refers to (WhatsApp marks it read). */
  platformMessageId?: string;
}

/**
 * A call the platform refused or that never reached it:
 *   auth      the credentials were refused (the channel is disconnected; retried)
 *   network   the platform could not be reached (disconnected; retried)
 *   busy      429 or 5xx: retried later, the channel's state unchanged
 *   rejected  this request will never work (unknown chat, bad argument): not retried
 */
export class ChannelSendError extends Error {
  constructor(
    message: string,
    readonly kind: 'auth' | 'network' | 'busy' | 'rejected',
  ) {
    super(message);
    this.name = 'ChannelSendError';
  }
}

export interface ChannelAdapter {
  readonly name: ChannelName;
  /** Max characters of one message on the platform: longer answers go out in several parts. */
  readonly maxChars: number;
  /** Sends one part. Throws ChannelSendError (scrubbed of secrets). */
  sendPart(to: ReplyTarget, text: string): Promise<void>;
  /** Shows "typing…" where the platform has it; best effort. */
  typing?(to: ReplyTarget, platformMessageId?: string): Promise<void>;
  /** Checks the credentials (getMe, auth.test, the phone number): throws ChannelSendError. */
  probe(): Promise<void>;
  /** Starts receiving where the adapter pulls (Telegram polling); webhook platforms receive through routes.ts. */
  start?(): Promise<void>;
  stop?(): Promise<void>;
}
