/** The `messages` queue and its worker (the processor that runs each job is in processor.ts). */
import type { Queue, Worker } from 'bullmq';
import { createQueue, createWorker } from '../../queues/factory';
import type { GatewayContext } from '../context';
import type { RedisTarget } from '../redis';
import type { MessageProcessor } from './processor';
import type { MessageJobData } from './service';

export const MESSAGES_QUEUE = 'messages';
/**
 * A killed worker's jobs restart within LOCK_MS + STALL_CHECK_MS (about 12 s): its lock expires
 * and the next stall check hands the job to another worker. BullMQ renews the lock of a running
 * job every LOCK_MS / 2, so long answers keep theirs.
 */
const LOCK_MS = 8_000;
const STALL_CHECK_MS = 4_000;
const JOB_ATTEMPTS = 3;

/** Completed jobs stay for the queue dashboard (/admin/queues): the last 1,000, at most an hour. */
export const KEEP_COMPLETED = { count: 1000, age: 3600 };

export function createMessagesQueue(redisUrl: RedisTarget): Queue<MessageJobData> {
  return createQueue<MessageJobData>(MESSAGES_QUEUE, redisUrl, {
    // A job that throws outside the agent (Redis gone mid-run) runs again, announced by a
    // `restart` event; after the last attempt it is concluded as worker_failed.
    defaultJobOptions: {
      attempts: JOB_ATTEMPTS,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: KEEP_COMPLETED,
      removeOnFail: { age: 24 * 3600 },
    },
  });
}

export function startMessagesWorker(
  processor: MessageProcessor,
  ctx: Pick<GatewayContext, 'redisUrl' | 'config' | 'log'>,
): Worker<MessageJobData> {
  // Three parameters: BullMQ then hands each job an abort signal (worker.cancelAllJobs at shutdown).
  const worker = createWorker<MessageJobData>(
    MESSAGES_QUEUE,
    ctx.redisUrl,
    (job, token, signal) => processor.process(job, token, signal),
    {
      concurrency: ctx.config.workers.concurrency,
      lockDuration: LOCK_MS,
      stalledInterval: STALL_CHECK_MS,
      onError: (err) => ctx.log.warn({ err: { message: err.message } }, 'messages worker error'),
    },
  );
  // A job that threw outside the agent: conclude it now. (Jobs failed by the stall limit never
  // reach this handler: BullMQ fails them inside a script. The repair sweep concludes those.)
  worker.on('failed', (job, err) => {
    if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    ctx.log.error({ err, messageId: job.id }, 'messages job failed');
    processor
      .abandon(job.data, 'an internal error; the gateway logged it')
      .catch((e: unknown) =>
        ctx.log.warn({ err: e, messageId: job.id }, 'concluding a failed message failed; the repair sweep will'),
      );
  });
  return worker;
}
