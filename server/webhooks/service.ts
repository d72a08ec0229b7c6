/**
 * The webhooks service the routes and the event sink use: turns an event into one delivery
 * (log entry + BullMQ job) per matching subscription, and queues test pings and redeliveries.
 * Never sends HTTP itself: the `webhooks` queue's workers do (server/webhooks/deliver.ts).
 *
 * Fan-out is idempotent per event id: a delivery's id derives from the event id and the
 * subscription id, and its job id is the delivery id, so emitting the same event again (an
 * outbox replay) adds nothing that exists. The event's body is stored once for all its deliveries.
 */
import { createHash } from 'node:crypto';
import type { JobsOptions, Queue } from 'bullmq';
import type { Config } from '../config-schema';
import type { Clock } from '../clock';
import { conflict } from '../errors';
import { eventTimestamp, type DomainEvent } from '../events';
import { newId } from '../ids';
import type { Delivery, WebhookStore, WebhookSubscription } from './store';
import { SubscriptionCache } from './matching';

/** What a delivery job carries: ids only; the worker reads the rest from Redis. */
export interface DeliveryJobData {
  webhookId: string;
  deliveryId: string;
}

const BACKOFF_TYPE = 'webhook';

/** The bytes a receiver gets: the contract's payload plus the event id. */
export const payloadOf = (e: Pick<DomainEvent, 'id' | 'event' | 'timestamp' | 'data'>) =>
  JSON.stringify({ id: e.id, event: e.event, timestamp: e.timestamp, data: e.data });

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The delivery of an event to a subscription: the same id however often the event is emitted (20 base62 characters of a SHA-256, like every other id). */
export function deliveryIdFor(eventId: string, webhookId: string): string {
  let n = BigInt(`0x${createHash('sha256').update(`${eventId}\n${webhookId}`).digest('hex')}`);
  let out = '';
  for (let i = 0; i < 20; i++, n /= 62n) out += BASE62[Number(n % 62n)];
  return `dlv_${out}`;
}

/** Most deliveries one redeliver-since call replays. */
export const MAX_REPLAY = 1000;

export class WebhookService {
  private readonly cache: SubscriptionCache;

  constructor(
    private readonly queue: Queue<DeliveryJobData>,
    private readonly store: WebhookStore,
    private readonly config: Config['webhooks'],
    private readonly clock: Clock,
  ) {
    this.cache = new SubscriptionCache(store);
  }

  private get retentionSec(): number {
    return this.config.retentionDays * 86400;
  }

  private jobOptions(sub: Pick<WebhookSubscription, 'retries'>, deliveryId: string): JobsOptions {
    return {
      jobId: deliveryId,
      attempts: sub.retries + 1,
      backoff: { type: BACKOFF_TYPE },
      // The delivery log is the record; BullMQ keeps recent jobs only for the dashboard (/admin/queues).
      removeOnComplete: { count: 1000, age: 3600 },
      removeOnFail: { count: 1000 },
    };
  }

  /** The event sink: one delivery per matching subscription. Resolves once all are queued. */
  readonly fanOut = async (e: DomainEvent): Promise<void> => {
    await this.deliverTo(e, await this.cache.matching(e));
  };

  /** One delivery of the event per subscription (idempotent per event id and subscription). Also used for message callbacks. */
  async deliverTo(e: DomainEvent, subs: WebhookSubscription[]): Promise<void> {
    if (!subs.length) return;
    await this.store.putBody(e.id, payloadOf(e), this.retentionSec);
    const deliveries = await Promise.all(
      subs.map((sub) =>
        this.store.createDelivery(
          {
            id: deliveryIdFor(e.id, sub.id),
            webhookId: sub.id,
            eventId: e.id,
            event: e.event,
            manual: false,
            redeliveryOf: null,
          },
          this.retentionSec,
        ),
      ),
    );
    // A re-emitted event: deliveries already attempted need nothing; pending ones get their job
    // again (a no-op when it exists: the job id is the delivery id).
    const jobs = deliveries
      .map((d, i) => ({ d, sub: subs[i] }))
      .filter(({ d }) => d.status === 'pending')
      .map(({ d, sub }) => ({
        name: e.event,
        data: { webhookId: d.webhookId, deliveryId: d.id },
        opts: this.jobOptions(sub, d.id),
      }));
    // One subscription (the common case): a single script call; addBulk wraps its jobs in MULTI.
    if (jobs.length === 1) await this.queue.add(jobs[0].name, jobs[0].data, jobs[0].opts);
    else if (jobs.length) await this.queue.addBulk(jobs);
  }

  private async enqueueManual(
    sub: WebhookSubscription,
    eventId: string,
    event: string,
    redeliveryOf: string | null,
  ): Promise<Delivery> {
    const d = await this.store.createDelivery(
      { id: newId('dlv'), webhookId: sub.id, eventId, event, manual: true, redeliveryOf },
      this.retentionSec,
    );
    await this.queue.add(event, { webhookId: sub.id, deliveryId: d.id }, this.jobOptions(sub, d.id));
    return d;
  }

  /** POST /webhooks/{id}/test: a `ping` event to this subscription only (even when disabled). */
  async ping(sub: WebhookSubscription): Promise<Delivery> {
    const e = {
      id: newId('evt'),
      event: 'ping' as const,
      timestamp: eventTimestamp(this.clock.now()),
      data: {
        webhookId: sub.id,
        url: sub.url,
        events: sub.events,
        message: 'Test delivery from OpenClaw: your endpoint is reachable.',
      },
    };
    await this.store.putBody(e.id, payloadOf(e), this.retentionSec);
    return this.enqueueManual(sub, e.id, e.event, null);
  }

  /** Sends a logged delivery's exact body again, as a new delivery (new delivery id, same event id). */
  async redeliver(sub: WebhookSubscription, original: Delivery): Promise<Delivery> {
    const body = await this.store.getBody(original.eventId);
    if (body === null)
      throw conflict(`the body of delivery '${original.id}' has expired (webhooks.retentionDays)`, 'expired');
    await this.store.putBody(original.eventId, body, this.retentionSec); // kept as long as the new delivery
    return this.enqueueManual(sub, original.eventId, original.event, original.id);
  }

  /** Replays every failed delivery (not pings or redeliveries) created since `sinceMs`, oldest first, at most `limit`. */
  async redeliverSince(
    sub: WebhookSubscription,
    sinceMs: number,
    limit = MAX_REPLAY,
  ): Promise<{ replayed: Delivery[]; originals: Delivery[] }> {
    const originals = await this.store.failedSince(sub.id, sinceMs, limit, this.retentionSec);
    const replayed: Delivery[] = [];
    for (const d of originals) replayed.push(await this.redeliver(sub, d));
    return { replayed, originals };
  }

  /**
   * The repair: a delivery still pending after its first attempt should have started (its job
   * was never added: a crash or a Redis error in between) gets its job, idempotently. Returns
   * how many jobs it (re)queued.
   */
  async repairPending(olderThanMs: number, limit = 500): Promise<number> {
    const candidates = await this.store.pendingBefore(this.clock.now() - olderThanMs, limit);
    let requeued = 0;
    for (const { webhookId, deliveryId } of candidates) {
      const [sub, d] = await Promise.all([this.store.get(webhookId), this.store.getDelivery(webhookId, deliveryId)]);
      if (!sub || !d || d.status !== 'pending') {
        await this.store.clearPending(webhookId, deliveryId);
        continue;
      }
      const job = await this.queue.getJob(deliveryId);
      if (!job) {
        await this.queue.add(d.event, { webhookId, deliveryId }, this.jobOptions(sub, deliveryId));
        requeued++;
      } else if (await job.isFailed()) {
        await job.retry();
        requeued++;
      }
    }
    return requeued;
  }
}
