/**
 * The way in for every chat message, whatever the platform: a delivery seen before is dropped
 * (platforms retry), a sender off the bound workspace's allowlist is refused (logged without the
 * text, counted in /metrics), anyone else's message becomes an ordinary message job and a
 * `reply` job on the channels queue carries the answer back.
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

export type InboundOutcome = 'accepted' | 'duplicate' | 'refused';

type Deps = Pick<GatewayCore, 'redis' | 'stores' | 'log'> & { messages: MessageService };

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
    try {
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
