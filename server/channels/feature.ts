/**
 * The channels feature (docs/channels.md): Telegram, Slack and WhatsApp adapters for the
 * configured platforms, the inbox (allowlist, de-duplication, submit), the outbound queue, the
 * health tracker and the webhook routes. Where workers run, this process also polls Telegram,
 * sends answers and checks each platform's credentials every probeIntervalMs.
 */
import { Counter } from 'prom-client';
import type { Queue, Worker } from 'bullmq';
import { closeWithConnection } from '../../queues/factory';
import type { Feature } from '../context';
import type { GatewayContext } from '../context';
import { CHANNEL_NAMES, type ChannelName, type Deliver, type RunDelivery } from './schema';
import { ChannelStatus } from './status';
import { Inbox } from './inbound';
import {
  CHANNELS_QUEUE,
  ChannelSender,
  Outbox,
  createChannelsQueue,
  startChannelsWorker,
  type ChannelJob,
} from './outbound';
import type { TelegramChannel } from './telegram';
import type { SlackChannel } from './slack';
import type { WhatsAppChannel } from './whatsapp';
import { PollerLease } from './lease';
import type { ChannelAdapter, InboundMessage } from './types';

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
    private readonly ctx: GatewayContext,
    readonly queue: Queue<ChannelJob>,
  ) {
    const conf = ctx.config.channels;
    for (const name of CHANNEL_NAMES) if (conf[name]) this.bindings[name] = conf[name].workspace;
    this.status = new ChannelStatus(ctx.redis, ctx.events, ctx.log, this.bindings, () => ctx.clock.now());
    this.outbox = new Outbox(queue);
    const inbound = new Counter({
      name: 'openclaw_channel_messages_total',
      help: 'Chat messages received, by channel and outcome: accepted, refused (sender not on the allowlist), duplicate (a platform retry)',
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
      throw new Error(
        'invalid configuration: channels.telegram.webhookSecret: is required in webhook mode (Telegram sends it in X-Telegram-Bot-Api-Secret-Token)',
      );
    for (const [name, workspace] of Object.entries(this.bindings)) {
      const ws = await this.ctx.stores.workspaces.get(workspace);
      if (!ws) throw new Error(`invalid configuration: channels.${name}.workspace: unknown workspace '${workspace}'`);
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

export const channelsFeature: Feature = {
  name: 'channels',
  init(ctx) {
    const queue = createChannelsQueue(ctx.redisUrl);
    ctx.queues.set(CHANNELS_QUEUE, queue);
    ctx.channels = new Channels(ctx, queue);
  },
  async start(ctx, { workers }) {
    const channels = ctx.channels;
    const timers: NodeJS.Timeout[] = [];
    let worker: Worker<ChannelJob> | null = null;
    try {
      channels.load();
      await channels.check();
      // Every process learns the bots' identities (Slack's own user id) before it takes deliveries.
      await Promise.all([...channels.adapters.values()].map((a) => channels.probe(a)));
    } catch (err) {
      await closeWithConnection(channels.queue);
      throw err;
    }
    if (workers) {
      worker = startChannelsWorker(ctx, new ChannelSender(ctx, channels.adapters, channels.status));
      ctx.metrics.trackWorker(CHANNELS_QUEUE, worker);
      await worker.waitUntilReady();
      for (const a of channels.adapters.values()) {
        // Polling says how Telegram is every few seconds; the others are asked.
        if (a.name === 'telegram' && ctx.config.channels.telegram?.mode === 'polling') continue;
        const t = setInterval(() => void channels.probe(a), ctx.config.channels[a.name]!.probeIntervalMs);
        t.unref();
        timers.push(t);
      }
      await channels.telegram?.start();
    }
    return async () => {
      for (const t of timers) clearInterval(t);
      await channels.telegram?.stop();
      await closeWithConnection(worker, true);
      await closeWithConnection(channels.queue);
      await channels.status.settled();
    };
  },
};
