/**
 * The `webhooks` feature: the BullMQ queue of deliveries, its workers, and the event sink that
 * fans each domain event out to the matching subscriptions. The queue has a connection of its
 * own that fails fast while Redis is away (so emitting never hangs a request); workers get a
 * blocking connection and read everything they need from Redis, so they run in the gateway or
 * in `openclaw worker` processes alike.
 */
import { createHash } from 'node:crypto';
import { DelayedError, type Job, type Queue } from 'bullmq';
import type { Feature } from '../context';
import type { GatewayContext } from '../context';
import { ConfigError } from '../config';
import { closeWithConnection, createQueue, createWorker } from '../../queues/factory';
import type { NewSubscription } from './store';
import { WebhookService, payloadOf, type DeliveryJobData } from './service';
import { deliverAttempt, RetryLater } from './deliver';
import { retryDelayMs } from './backoff';
import { WebhookHttpClient } from './http';
import { policyFromConfig } from './network-policy';
import { SUBSCRIBABLE_EVENTS } from './matching';
import { CallbackService } from './callbacks';

export const WEBHOOKS_QUEUE = 'webhooks';

/** `webhooks.outbound` → subscriptions with stable ids (from the URL; repeated URLs get a suffix). */
export function configSubscriptions(ctx: GatewayContext): NewSubscription[] {
  const seen = new Map<string, number>();
  return ctx.config.webhooks.outbound.map((w, i) => {
    const unknown = w.events.find((e) => !SUBSCRIBABLE_EVENTS.includes(e));
    if (unknown)
      throw new ConfigError(
        `webhooks.outbound[${i}].events: unknown event '${unknown}'; valid: ${SUBSCRIBABLE_EVENTS.join(', ')}`,
      );
    const base = `wh_cfg_${createHash('sha256').update(w.url).digest('hex').slice(0, 16)}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return {
      id: n === 1 ? base : `${base}_${n}`,
      url: w.url,
      events: [...new Set(w.events)],
      workspaces: w.workspaces?.length ? w.workspaces : null,
      scope: ['*'],
      description: w.description ?? null,
      secret: w.secret,
      retries: w.retries ?? ctx.config.webhooks.retries,
      timeoutMs: w.timeoutMs,
      source: 'config' as const,
      createdBy: null,
    };
  });
}

/** Promotes held jobs that are still waiting (a job already running or gone is left alone). */
async function releaseHeld(queue: Queue<DeliveryJobData>, ids: string[]): Promise<void> {
  for (const id of ids) {
    const job = await queue.getJob(id);
    if (job && (await job.isDelayed())) await job.promote().catch(() => undefined); // raced: it woke up meanwhile
  }
}

function startWorker(ctx: GatewayContext): () => Promise<void> {
  const config = ctx.config.webhooks;
  const queue = ctx.queues.get(WEBHOOKS_QUEUE) as Queue<DeliveryJobData>;
  const http = new WebhookHttpClient({ policy: policyFromConfig(config) });
  const deps = {
    store: ctx.stores.webhooks,
    http,
    config,
    clock: ctx.clock,
    log: ctx.log,
    metrics: ctx.metrics,
    userAgent: `OpenClaw-Webhooks/${ctx.version}`,
    release: (_webhookId: string, ids: string[]) => releaseHeld(queue, ids),
  };
  const worker = createWorker<DeliveryJobData>(
    WEBHOOKS_QUEUE,
    ctx.redisUrl,
    async (job: Job<DeliveryJobData>, token?: string) => {
      const held = await deliverAttempt(deps, {
        ...job.data,
        attempt: job.attemptsMade + 1,
        maxAttempts: job.opts.attempts ?? 1,
      });
      if (held) {
        // Back to the delayed set without using an attempt (BullMQ's "manually delayed job").
        await job.moveToDelayed(held.holdUntilMs, token);
        throw new DelayedError();
      }
    },
    {
      concurrency: config.concurrency,
      onError: (err) => ctx.log.warn({ err: { message: err.message } }, 'webhooks worker error'),
      settings: {
        // RetryLater carries the delay deliverAttempt logged; anything else (a crash) follows the schedule.
        backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) =>
          err instanceof RetryLater ? err.delayMs : retryDelayMs(attemptsMade, config.retrySchedule, config.maxDelayMs),
      },
    },
  );
  ctx.metrics.trackWorker(WEBHOOKS_QUEUE, worker);

  // The repair: deliveries recorded without a job (a crash or a Redis error in between) get one.
  // Every worker process runs it; re-queueing is idempotent (job id = delivery id).
  let repairing: Promise<void> = Promise.resolve();
  const repair = setInterval(() => {
    repairing = ctx.webhooks
      .repairPending(config.repairIntervalMs)
      .then((n) => {
        if (n) ctx.log.warn({ requeued: n }, 'webhook deliveries recorded without a job were queued again');
      })
      .catch((err: Error) => ctx.log.warn({ err: { message: err.message } }, 'webhook delivery repair failed'));
  }, config.repairIntervalMs);
  repair.unref();

  return async () => {
    clearInterval(repair);
    await repairing;
    await closeWithConnection(worker);
    await http.close();
  };
}

export const webhooksFeature: Feature = {
  name: 'webhooks',
  init(ctx) {
    // Its own connection (BullMQ defines ~50 scripts on a connection, which every pipeline on it
    // then copies, so sharing the data client would slow every store), failing fast so an emit
    // never hangs while Redis is away. A short events stream: nothing here reads it, and each
    // delivery writes a few entries.
    const queue = createQueue<DeliveryJobData>(WEBHOOKS_QUEUE, ctx.redisUrl, {
      failFast: true,
      streams: { events: { maxLen: 1000 } },
      onError: (err) => ctx.log.warn({ err: { message: err.message } }, 'webhooks queue error'),
    });
    ctx.queues.set(WEBHOOKS_QUEUE, queue as Queue);
    ctx.webhooks = new WebhookService(queue, ctx.stores.webhooks, ctx.config.webhooks, ctx.clock);
    ctx.events.addSink(ctx.webhooks.fanOut);
    ctx.callbacks = new CallbackService(ctx.stores.webhooks, ctx.webhooks, ctx.config.webhooks);
    ctx.events.addSink(ctx.callbacks.sink);
    // GET /events: every event as a subscription receives it, kept as long as the delivery log.
    ctx.events.addSink((e) =>
      ctx.stores.events.record(e.workspace, e.event, payloadOf(e), ctx.config.webhooks.retentionDays * 86400),
    );
  },
  async start(ctx, { workers }) {
    await ctx.stores.webhooks.syncConfig(configSubscriptions(ctx));
    const stopWorker = workers ? startWorker(ctx) : null;
    return async () => {
      await stopWorker?.();
      await closeWithConnection(ctx.queues.get(WEBHOOKS_QUEUE));
    };
  },
};
