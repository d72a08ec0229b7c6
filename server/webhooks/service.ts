/**
 * The webhooks service the routes and the event sink use: turns an event into one delivery
 * (log entry + BullMQ job) per matching subscription, and queues test pings and redeliveries.
 * Never sends HTTP itself: the `webhooks` queue's workers do (server/webhooks/deliver.ts).
 */
import type { JobsOptions, Queue } from 'bullmq';
import type { Config } from '../config-schema';
import type { Clock } from '../clock';
import { eventTimestamp, type DomainEvent } from '../events';
import { newId } from '../ids';
import type { Delivery, DeliveryWithBody, WebhookStore, WebhookSubscription } from '../store/webhooks';
import { SubscriptionCache } from './matching';

/** What a delivery job carries: ids only; the worker reads the rest from Redis. */
export interface DeliveryJobData {
  webhookId: string;
  deliveryId: string;
}

export const BACKOFF_TYPE = 'webhook';

/** The bytes a receiver gets: the chapter's payload plus the event id. */
export const payloadOf = (e: Pick<DomainEvent, 'id' | 'event' | 'timestamp' | 'data'>) =>
  JSON.stringify({ id: e.id, event: e.event, timestamp: e.timestamp, data: e.data });

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
      // The delivery log is the record: BullMQ drops completed jobs and keeps recent failures for dashboards.
      removeOnComplete: true,
      removeOnFail: { count: 1000 },
    };
  }

  /** The event sink: one delivery per matching subscription. Resolves once all are queued. */
  readonly fanOut = async (e: DomainEvent): Promise<void> => {
    const subs = await this.cache.matching(e);
    if (!subs.length) return;
    const body = payloadOf(e);
    const deliveries = await Promise.all(
      subs.map((sub) =>
        this.store.createDelivery({ id: newId('dlv'), webhookId: sub.id, eventId: e.id, event: e.event, body, manual: false, redeliveryOf: null }, this.retentionSec),
      ),
    );
    const jobs = deliveries.map((d, i) => ({ name: e.event, data: { webhookId: d.webhookId, deliveryId: d.id }, opts: this.jobOptions(subs[i], d.id) }));
    // One subscription (the common case): a single script call; addBulk wraps its jobs in MULTI.
    if (jobs.length === 1) await this.queue.add(jobs[0].name, jobs[0].data, jobs[0].opts);
    else await this.queue.addBulk(jobs);
  };

  private async enqueueManual(sub: WebhookSubscription, eventId: string, event: string, body: string, redeliveryOf: string | null): Promise<Delivery> {
    const d = await this.store.createDelivery({ id: newId('dlv'), webhookId: sub.id, eventId, event, body, manual: true, redeliveryOf }, this.retentionSec);
    await this.queue.add(event, { webhookId: sub.id, deliveryId: d.id }, this.jobOptions(sub, d.id));
    return d;
  }

  /** POST /webhooks/{id}/test: a `ping` event to this subscription only (even when disabled). */
  ping(sub: WebhookSubscription): Promise<Delivery> {
    const e = {
      id: newId('evt'),
      event: 'ping' as const,
      timestamp: eventTimestamp(this.clock.now()),
      data: { webhookId: sub.id, url: sub.url, events: sub.events, message: 'Test delivery from OpenClaw: your endpoint is reachable.' },
    };
    return this.enqueueManual(sub, e.id, e.event, payloadOf(e), null);
  }

  /** Sends a logged delivery's exact body again, as a new delivery (new delivery id, same event id). */
  redeliver(sub: WebhookSubscription, original: DeliveryWithBody): Promise<Delivery> {
    return this.enqueueManual(sub, original.eventId, original.event, original.body, original.id);
  }
}
