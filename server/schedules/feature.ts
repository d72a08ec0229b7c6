/**
 * The `schedules` feature: the queue and ctx.schedules (init); config sync, and where workers run,
 * the worker that runs each tick through ScheduleRunner (start).
 */
import type { Queue, Worker } from 'bullmq';
import { closeWithConnection, createQueue, createWorker } from '../../queues/factory';
import type { Feature } from '../context';
import { ScheduleRunner, SCHEDULES_QUEUE } from './runner';
import { ScheduleService, type ScheduleJobData } from './service';

export const schedulesFeature: Feature = {
  name: 'schedules',
  init(ctx) {
    const queue = createQueue<ScheduleJobData>(SCHEDULES_QUEUE, ctx.redisUrl);
    ctx.queues.set(SCHEDULES_QUEUE, queue);
    ctx.schedules = new ScheduleService(ctx, queue);
    ctx.onWorkspaceDeleted.push((ws) => ctx.schedules.deleteWorkspace(ws));
  },
  async start(ctx, { workers }) {
    const queue = ctx.queues.get(SCHEDULES_QUEUE) as Queue<ScheduleJobData>;
    const setUp = async () => {
      // Schedules stored before ids were per workspace move to their workspace's keys first.
      const moved = await ctx.schedules.migrateLegacy();
      if (moved) ctx.log.info({ schedules: moved }, 'moved schedules to per-workspace keys');
      await ctx.schedules.syncConfig(ctx.config.schedules);
    };
    await setUp().catch(async (err: unknown) => {
      await closeWithConnection(queue);
      throw err;
    });
    let worker: Worker<ScheduleJobData> | null = null;
    const runner = new ScheduleRunner(ctx, queue);
    if (workers) {
      worker = createWorker<ScheduleJobData>(SCHEDULES_QUEUE, ctx.redisUrl, (job) => runner.process(job), {
        // A run mostly waits for its message; many can wait at once.
        concurrency: ctx.config.workers.concurrency,
        onError: (err) => ctx.log.warn({ err: { message: err.message } }, 'schedules worker error'),
      });
      worker.on('failed', (job, err) => ctx.log.error({ err, jobId: job?.id }, 'schedule run crashed'));
      ctx.metrics.trackWorker(SCHEDULES_QUEUE, worker);
      await worker.waitUntilReady();
    }
    return async () => {
      // Runs mostly wait for their message (up to messages.timeoutMs): do not hold shutdown for them.
      runner.closing = true;
      await closeWithConnection(worker, true);
      await closeWithConnection(queue);
    };
  },
};
