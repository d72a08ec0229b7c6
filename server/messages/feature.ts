/**
 * The messaging feature: the `messages` queue and ctx.messages (init), the worker and the idle
 * session sweep (start, where workers run), and ending a deleted workspace's sessions.
 */
import type { Worker } from 'bullmq';
import type { Feature } from '../context';
import { createAgent } from '../agent';
import { closeWithConnection } from '../../queues/factory';
import { MessageProcessor } from './processor';
import { createMessagesQueue, startMessagesWorker, MESSAGES_QUEUE } from './queue';
import { MessageService } from './service';
import { LocalEvents } from './local-events';
import { MessageRepair, SWEEP_MS } from './repair';
import { migrateLegacySessions } from '../store/sessions-migration';

/** How often a worker process looks for idle sessions to end (session.ended, reason idle). */
const SWEEP_EVERY_MS = 30_000;

export const messagesFeature: Feature = {
  name: 'messages',
  init(ctx) {
    const queue = createMessagesQueue(ctx.redisUrl);
    ctx.queues.set(MESSAGES_QUEUE, queue);
    ctx.messages = new MessageService(ctx, queue);
    ctx.onWorkspaceDeleted.push(async (workspace) => {
      await ctx.messages.deleteWorkspaceSessions(workspace, 'workspace_deleted');
    });
  },
  async start(ctx, { workers }) {
    // Sessions stored before ids were per workspace move to their workspace's keys first.
    const moved = await migrateLegacySessions(ctx.redis, () => ctx.stores.workspaces.ids());
    if (moved) ctx.log.info({ sessions: moved }, 'moved sessions to per-workspace keys');
    const queue = ctx.queues.get(MESSAGES_QUEUE)!;
    let worker: Worker | null = null;
    const timers: NodeJS.Timeout[] = [];
    if (workers) {
      ctx.localEvents = new LocalEvents();
      const processor = new MessageProcessor(ctx, createAgent(ctx), queue as never);
      worker = startMessagesWorker(processor, ctx);
      ctx.metrics.trackWorker(MESSAGES_QUEUE, worker); // job durations in /metrics
      await worker.waitUntilReady();
      const w = worker;
      ctx.shutdown.onDrain(() => {
        // Stop taking jobs; running ones get the grace period, then go back to the queue for another worker.
        void ctx.shutdown.track(w.close(), () => w.cancelAllJobs('shutting_down')); // shutdown awaits what it tracks
      });
      const repair = new MessageRepair(ctx, queue as never, processor);
      timers.push(
        setInterval(() => {
          ctx.messages.sweepIdle().catch((err: unknown) => ctx.log.warn({ err }, 'idle session sweep failed'));
        }, SWEEP_EVERY_MS),
        setInterval(() => {
          repair.sweep().catch((err: unknown) => ctx.log.warn({ err }, 'message repair sweep failed'));
        }, SWEEP_MS),
      );
      for (const t of timers) t.unref();
    }
    return async () => {
      for (const t of timers) clearInterval(t);
      await closeWithConnection(worker);
      await ctx.messages.close();
      await closeWithConnection(queue);
    };
  },
};
