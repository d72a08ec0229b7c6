/**
 * The channels service (ctx.channels): the configured platforms' adapters, the inbox (allowlist,
 * de-duplication, submit), the outbox and each channel's health. The feature that builds it and
 * runs its workers is feature.ts.
 */
import { Counter } from 'prom-client';
import type { Queue } from 'bullmq';
import type { GatewayCore } from '../core';
import type { MessageService } from '../messages/service';
import { CHANNEL_NAMES, type ChannelName, type Deliver, type RunDelivery } from './schema';
import { ChannelStatus } from './status';
import { Inbox } from './inbound';
import { Outbox, type ChannelJob } from './outbound';
import type { TelegramChannel } from './telegram';
import type { SlackChannel } from './slack';
import type { WhatsAppChannel } from './whatsapp';
import { PollerLease } from './lease';
import type { ChannelAdapter, InboundMessage } from './types';
import { ConfigError } from '../errors';

/** What the channels service is built on: the core and the message service it submits to. */
export type ChannelsDeps = GatewayCore & { messages: MessageService };

export class Channels {
  telegram?: TelegramChannel;
  slack?: SlackChannel;
  whatsapp?: WhatsAppChannel;
  readonly adapters = new Map<ChannelName, ChannelAdapter>();
  readonly status: ChannelStatus;
  readonly inbox: Inbox;
  readonly outbox: Outbox;
  /** Configured channel → its workspace. */
  readonly bindings: Partial<Record<ChannelName, string>> = {};

  constructor(
    private readonly ctx: ChannelsDeps,
    readonly queue: Queue<ChannelJob>,
  ) {
    const conf = ctx.config.channels;
    for (const name of CHANNEL_NAMES) if (conf[name]) this.bindings[name] = conf[name].workspace;
    this.status = new ChannelStatus(ctx.redis, ctx.events, ctx.log, this.bindings, () => ctx.clock.now());
    this.outbox = new Outbox(queue);
    const inbound = new Counter({
      name: 'openclaw_channel_messages_total',
      help: 'Chat messages received, by channel and outcome: accepted, refused (sender not on the allowlist), too_long (over messages.maxChars), duplicate (a platform retry)',
      labelNames: ['channel', 'outcome'],
      registers: [ctx.metrics.registry],
    });
    this.inbox = new Inbox(ctx, this.bindings, this.outbox, inbound);
  }

  /**
   * Builds the configured platforms' adapters. Their clients (grammY, @slack/web-api) are loaded
   * only when configured: every `openclaw` command would otherwise pay for loading them.
   */
  load(): void {
    const { ctx } = this;
    const conf = ctx.config.channels;
    /* eslint-disable @typescript-eslint/no-require-imports -- loaded on demand (CommonJS build) */
    if (conf.telegram && !this.telegram) {
      const { TelegramChannel } = require('./telegram') as typeof import('./telegram');
      this.telegram = new TelegramChannel(
        conf.telegram,
        this.status,
        ctx.log,
        (m: InboundMessage) => this.inbox.receive(m),
        new PollerLease(ctx.redis, 'telegram'),
      );
    }
    if (conf.slack && !this.slack)
      this.slack = new (require('./slack') as typeof import('./slack')).SlackChannel(conf.slack, ctx.log);
    if (conf.whatsapp && !this.whatsapp)
      this.whatsapp = new (require('./whatsapp') as typeof import('./whatsapp')).WhatsAppChannel(conf.whatsapp);
    /* eslint-enable @typescript-eslint/no-require-imports */
    for (const a of [this.telegram, this.slack, this.whatsapp]) if (a) this.adapters.set(a.name, a);
  }

  /** `{telegram: 'connected', …}` for /health. */
  health() {
    return this.status.snapshot();
  }

  /** Checks one channel's credentials and records the outcome. */
  async probe(adapter: ChannelAdapter): Promise<void> {
    try {
      await adapter.probe();
      this.status.up(adapter.name);
    } catch (err) {
      this.status.down(adapter.name, (err as Error).message);
    }
  }

  /**
   * What a schedule run shows about posting its answer where `deliver` says, before the post is
   * queued (outbox.deliver, after the run is recorded): pending, or failed at once when this
   * gateway has no such channel.
   */
  plan(deliver: Deliver): RunDelivery {
    const base = { channel: deliver.channel, to: deliver.to, attempts: 0, deliveredAt: null };
    if (this.adapters.has(deliver.channel)) return { ...base, status: 'pending', error: null };
    return {
      ...base,
      status: 'failed',
      error: {
        code: 'channel_not_configured',
        message: `channels.${deliver.channel} is not configured on this gateway`,
      },
    };
  }

  /** Start-up checks: bound workspaces exist, webhook mode has its secret; says who the allowlists admit. */
  async check(): Promise<void> {
    const tg = this.ctx.config.channels.telegram;
    if (tg?.mode === 'webhook' && !tg.webhookSecret)
      throw new ConfigError(
        'invalid configuration: channels.telegram.webhookSecret: is required in webhook mode (Telegram sends it in X-Telegram-Bot-Api-Secret-Token)',
      );
    for (const [name, workspace] of Object.entries(this.bindings)) {
      const ws = await this.ctx.stores.workspaces.get(workspace);
      if (!ws)
        throw new ConfigError(`invalid configuration: channels.${name}.workspace: unknown workspace '${workspace}'`);
      const admitted = ws.allowlist.filter((e) => e.startsWith(`${name}:`)).length;
      if (admitted)
        this.ctx.log.info(
          { channel: name, workspace, admitted },
          `channel ${name}: ${admitted} sender(s) on workspace '${workspace}' allowlist may reach the agent`,
        );
      else
        this.ctx.log.warn(
          { channel: name, workspace },
          `channel ${name}: workspace '${workspace}' allowlist has no ${name}: entries, so every ${name} sender is refused (default deny); add them with PATCH /workspaces/${workspace}/allowlist`,
        );
    }
  }
}
