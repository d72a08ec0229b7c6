/**
 * The way in for every chat message, whatever the platform: a delivery seen before is dropped
 * (platforms retry), a sender off the bound workspace's allowlist is refused (logged without the
 * text, counted in /metrics), anyone else's message becomes an ordinary message job and a
 * `reply` job on the channels queue carries the answer back. A message longer than
 * messages.maxChars (the limit of POST /messages) is not run: the sender is told, in a `notice`
 * job, how long it may be.
 *
 * Redis keys:
 *   oc:{chan}:seen:<channel>:<deliveryId> → 1 for DEDUPE_SECONDS: the first delivery wins
 */
import type { Counter } from 'prom-client';
import type { GatewayCore } from '../core';
import type { MessageService } from '../messages/service';
import type { ChannelName } from './schema';
import type { InboundMessage } from './types';
import type { Outbox } from './outbound';

/** Slack retries for up to an hour, Meta for days: a day covers the retries we answer. */
const DEDUPE_SECONDS = 24 * 3600;

export type InboundOutcome = 'accepted' | 'duplicate' | 'refused' | 'too_long';

type Deps = Pick<GatewayCore, 'config' | 'redis' | 'stores' | 'log'> & { messages: MessageService };

/** Characters as POST /messages counts them (its schema's maxLength: code points, not UTF-16 units). */
function charCount(text: string, atMost: number): number {
  return text.length <= atMost ? text.length : [...text].length;
}

export class Inbox {
  constructor(
    private readonly ctx: Deps,
    private readonly bindings: Partial<Record<ChannelName, string>>,
    private readonly outbox: Outbox,
    /** openclaw_channel_messages_total{channel, outcome}. */
    private readonly counted: Counter<'channel' | 'outcome'>,
  ) {}

  async receive(m: InboundMessage): Promise<InboundOutcome> {
    const outcome = await this.admit(m);
    this.counted.inc({ channel: m.channel, outcome });
    return outcome;
  }

  private async admit(m: InboundMessage): Promise<InboundOutcome> {
    const seenKey = `oc:{chan}:seen:${m.channel}:${m.deliveryId}`;
    const first = await this.ctx.redis.set(seenKey, '1', 'EX', DEDUPE_SECONDS, 'NX');
    if (first !== 'OK') return 'duplicate';
    const workspace = this.bindings[m.channel]!;
    const userId = `${m.channel}:${m.senderId}`;
    // Read on every message: an allowlist PATCH counts from the next message on.
    const ws = await this.ctx.stores.workspaces.get(workspace);
    if (!ws || !ws.allowlist.includes(userId)) {
      this.ctx.log.info(
        { channel: m.channel, userId, workspace },
        'channel message refused: sender not on the workspace allowlist',
      );
      return 'refused';
    }
    const max = this.ctx.config.messages.maxChars;
    const length = charCount(m.text, max);
    try {
      if (length > max) {
        // Told in the chat, like an API client gets its 400; the text is not logged.
        this.ctx.log.info({ channel: m.channel, userId, workspace, length, max }, 'channel message refused: too long');
        await this.outbox.notice(m.channel, m.deliveryId, m.to, tooLong(length, max));
        return 'too_long';
      }
      const submitted = await this.ctx.messages.submit({ workspace, userId, message: m.text, channel: m.channel });
      await this.outbox.reply(m.channel, submitted.messageId, m.to, m.platformMessageId);
    } catch (err) {
      // Not taken: the platform's retry of this delivery must not look like a duplicate.
      await this.ctx.redis.del(seenKey).catch(() => undefined);
      throw err;
    }
    return 'accepted';
  }
}

const tooLong = (length: number, max: number) =>
  `Sorry, your message is too long (${length.toLocaleString('en-US')} characters; the limit is ` +
  `${max.toLocaleString('en-US')}). Please send a shorter one.`;
