/**
 * The channels feature (docs/channels.md): Telegram, Slack and WhatsApp adapters for the
 * configured platforms, the inbox (allowlist, de-duplication, submit), the outbound queue, the
 * health tracker and the webhook routes. Where workers run, this process also polls Telegram,
 * sends answers and checks each platform's credentials every probeIntervalMs.
 */
import type { Worker } from 'bullmq';
import { closeWithConnection } from '../../queues/factory';
import type { Feature } from '../context';
import { Channels } from './channels';
import { CHANNELS_QUEUE, ChannelSender, createChannelsQueue, startChannelsWorker, type ChannelJob } from './outbound';

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
