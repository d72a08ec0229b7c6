/**
 * One delivery attempt, as the `webhooks` worker runs it: read the subscription and the logged
 * delivery from Redis, ask the subscription's circuit breaker, sign, POST, log the attempt, and
 * decide what happens next: 2xx delivered; 410 Gone disables the subscription at once; anything
 * else (another status, a timeout, a connection error, a redirect) is retried on the schedule
 * (or after Retry-After) until `retries` are used up, which counts one failed event toward
 * `webhooks.disableAfter`. While the circuit is open, deliveries are held (no attempt used)
 * and one at a time probes the receiver; the first success closes it and releases the rest.
 */
import { UnrecoverableError } from 'bullmq';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config-schema';
import type { Clock } from '../clock';
import type { Metrics } from '../metrics';
import type { DeliveryStatus, StoredSubscription, WebhookStore } from './store';
import { retryDelayMs } from './backoff';
import type { WebhookHttpClient, PostResult } from './http';
import { deliveryHeaders } from './signing';
import { isTrustedSubscription } from './network-policy';

/** Thrown to make BullMQ retry after exactly `delayMs` (read by the custom backoff strategy). */
export class RetryLater extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = 'RetryLater';
  }
}

export interface DeliverDeps {
  store: WebhookStore;
  http: WebhookHttpClient;
  config: Config['webhooks'];
  clock: Clock;
  log: Pick<FastifyBaseLogger, 'warn' | 'info'>;
  /** Puts the deliveries held by a circuit that just closed back in line (promotes their jobs). */
  release(webhookId: string, deliveryIds: string[]): Promise<void>;
  /** Counts every attempt by outcome (Prometheus). */
  metrics: Pick<Metrics, 'webhookDelivery'>;
  userAgent: string;
}

export interface AttemptJob {
  webhookId: string;
  deliveryId: string;
  /** 1-based number of this attempt. */
  attempt: number;
  maxAttempts: number;
}

const outcomeText = (r: PostResult) => (r.status !== null ? `HTTP ${r.status}` : (r.error ?? 'no response'));

function isRedirect(status: number | null): boolean {
  return status !== null && status >= 300 && status < 400;
}

/** What the worker does with the job when no attempt was made: hold it (not counted as an attempt) until then. */
export interface Held {
  holdUntilMs: number;
}

const origin = (url: string) => new URL(url).origin; // never the path: a hook URL's path is often its secret

/** Runs one attempt. Resolves when done (delivered, nothing to do, or held); throws to retry or to fail for good. */
export async function deliverAttempt(deps: DeliverDeps, job: AttemptJob): Promise<Held | void> {
  const { store, clock, config } = deps;
  const retentionSec = config.retentionDays * 86400;
  const breaker = config.circuitBreaker;
  const [sub, delivery] = await Promise.all([
    store.get(job.webhookId),
    store.getDelivery(job.webhookId, job.deliveryId),
  ]);
  if (!delivery) return store.clearPending(job.webhookId, job.deliveryId); // expired from the log: nothing left to send
  const end = async (reason: string) => {
    await store.cancelDelivery(job.webhookId, job.deliveryId, reason);
    await store.clearPending(job.webhookId, job.deliveryId);
  };
  if (!sub || (!sub.enabled && !delivery.manual))
    return end(sub ? `subscription disabled: ${sub.disabledReason ?? 'no reason'}` : 'subscription deleted');
  // Pings and redeliveries someone asked for go through an open circuit (and may close it).
  if (!delivery.manual && breaker.failureThreshold > 0) {
    const gate = await store.gate(sub.id, breaker.probeIntervalMs);
    if (gate.decision === 'hold') {
      await store.hold(sub.id, delivery.id, retentionSec);
      await store.clearPending(sub.id, delivery.id);
      // Spread over one interval, so held deliveries do not all wake at the probe time.
      return { holdUntilMs: gate.untilMs + Math.round(Math.random() * breaker.probeIntervalMs) };
    }
  }
  const body = await store.getBody(delivery.eventId);
  if (body === null) return end('the event body has expired (webhooks.retentionDays)');

  const startedAt = new Date(clock.now());
  const headers = deliveryHeaders({
    secret: sub.secret,
    deliveryId: delivery.id,
    event: delivery.event,
    attempt: job.attempt,
    timestampSec: Math.floor(startedAt.getTime() / 1000),
    body,
    userAgent: deps.userAgent,
  });
  const result = await deps.http.post(
    sub.url,
    headers,
    body,
    sub.timeoutMs,
    () => clock.now(),
    isTrustedSubscription(sub),
  );
  const error = isRedirect(result.status) ? `redirect (HTTP ${result.status}) not followed` : result.error;
  const ok = result.status !== null && result.status >= 200 && result.status < 300;
  const gone = result.status === 410;
  const last = job.attempt >= job.maxAttempts;
  const delayMs =
    ok || gone || last ? null : retryDelayMs(job.attempt, config.retrySchedule, config.maxDelayMs, result.retryAfterMs);
  const status: DeliveryStatus = ok ? 'delivered' : delayMs !== null ? 'retrying' : 'failed';

  await store.recordAttempt(
    job.webhookId,
    job.deliveryId,
    {
      status,
      attempt: {
        attempt: job.attempt,
        startedAt: startedAt.toISOString(),
        durationMs: result.durationMs,
        status: result.status,
        error,
        response: result.response,
        // Counted from the attempt's end as logged (startedAt + durationMs), whatever the event loop's lag since.
        nextAttemptAt:
          delayMs !== null ? new Date(startedAt.getTime() + result.durationMs + delayMs).toISOString() : null,
      },
    },
    retentionSec,
  );
  if (delivery.status === 'pending') await store.clearPending(sub.id, delivery.id);
  deps.metrics.webhookDelivery(gone ? 'gone' : status, result.durationMs);
  if (breaker.failureThreshold > 0) await feedBreaker(deps, sub, ok, result);

  if (ok) {
    if (sub.consecutiveFailures > 0) await store.resetFailures(sub.id);
    return;
  }
  if (gone) {
    await store.disable(sub.id, `the receiver answered 410 Gone (delivery ${delivery.id})`);
    deps.log.warn(
      { webhookId: sub.id, origin: origin(sub.url) },
      'webhook subscription disabled: the receiver answered 410 Gone',
    );
    throw new UnrecoverableError('HTTP 410 Gone: subscription disabled');
  }
  if (delayMs !== null) throw new RetryLater(`attempt ${job.attempt} failed: ${outcomeText(result)}`, delayMs);
  if (!delivery.manual) await countFailure(deps, sub, result);
  throw new UnrecoverableError(`gave up after ${job.attempt} attempts: ${outcomeText(result)}`);
}

async function feedBreaker(deps: DeliverDeps, sub: StoredSubscription, ok: boolean, result: PostResult): Promise<void> {
  const { failureThreshold, probeIntervalMs } = deps.config.circuitBreaker;
  const change = await deps.store.recordCircuit(sub.id, ok, failureThreshold, probeIntervalMs);
  if (change === 'opened') {
    deps.log.warn(
      { webhookId: sub.id, origin: origin(sub.url), failedAttempts: failureThreshold },
      `webhook circuit opened after ${failureThreshold} failed attempts in a row (last: ${outcomeText(result)}): deliveries held, one probe every ${probeIntervalMs} ms`,
    );
  } else if (change === 'closed') {
    const held = await deps.store.takeHeld(sub.id);
    deps.log.info(
      { webhookId: sub.id, origin: origin(sub.url), released: held.length },
      'webhook circuit closed: the receiver answered 2xx; held deliveries released',
    );
    await deps.release(sub.id, held);
  }
}

async function countFailure(deps: DeliverDeps, sub: StoredSubscription, last: PostResult): Promise<void> {
  const reason = `%n consecutive events failed to deliver (last: ${outcomeText(last)})`;
  const { disabledNow } = await deps.store.countFailedEvent(sub.id, deps.config.disableAfter, reason);
  // The origin only: a hook URL's path is often its secret (Zapier, n8n).
  if (disabledNow)
    deps.log.warn(
      { webhookId: sub.id, origin: origin(sub.url) },
      `webhook subscription disabled: ${reason.replace('%n', String(deps.config.disableAfter))}`,
    );
}
