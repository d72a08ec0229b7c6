/**
 * Prometheus metrics of one gateway (or worker) process, in its own Registry (never prom-client's
 * global one, so several gateways in one process — tests — do not collide). Exposed at GET /metrics
 * (key with stats:read) and, when `metrics.port` is set, open on that port.
 *
 * What other features call (ctx.metrics):
 *   trackWorker(queueName, worker)      job durations and wait times of a BullMQ Worker's jobs
 *   webhookDelivery(outcome, durationMs) one webhook delivery attempt: delivered | failed | retrying | disabled …
 *   trackStream(response)               an open SSE response, until it closes (what slow readers hold)
 * Fed by the gateway itself: observeHttp (HTTP plugin), messageFinished (the stats hook, once per message).
 */
import type { ServerResponse } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Job, Queue, Worker } from 'bullmq';
import type { FinishedMessage } from '../messages/store';

const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed', 'completed'] as const;
/** Queue connections wait for Redis forever; a scrape must not. */
const QUEUE_COUNTS_TIMEOUT_MS = 2000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
  });
  return Promise.race([p, expired]).finally(() => clearTimeout(timer));
}

export class Metrics {
  readonly registry = new Registry();
  /** Base URL of the open metrics port when `metrics.port` is set (after start). */
  openUrl: string | null = null;
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly messages: Counter<'workspace' | 'provider' | 'status'>;
  private readonly tokens: Counter<'workspace' | 'provider' | 'direction'>;
  private readonly cost: Counter<'workspace' | 'provider'>;
  private readonly messageLatency: Histogram<'provider'>;
  private readonly jobDuration: Histogram<'queue' | 'outcome'>;
  private readonly jobWait: Histogram<'queue'>;
  private readonly webhookDeliveries: Counter<'outcome'>;
  private readonly webhookDuration: Histogram<'outcome'>;
  private readonly openStreams = new Set<ServerResponse>();

  /** `queues` is read at every scrape, so queues registered after construction are included. */
  constructor(queues: () => Map<string, Queue>, onCollectError: (err: unknown) => void = () => undefined) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.httpRequests = new Counter({
      name: 'openclaw_http_requests_total',
      help: 'HTTP requests answered, by route template and status code',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'openclaw_http_request_duration_seconds',
      help: 'Time from receiving a request to answering it',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.messages = new Counter({
      name: 'openclaw_messages_total',
      help: 'Finished messages (counted once each), by workspace, provider and status (done|error)',
      labelNames: ['workspace', 'provider', 'status'],
      registers,
    });
    this.tokens = new Counter({
      name: 'openclaw_tokens_total',
      help: 'Tokens of finished messages, by workspace, provider and direction (in|out)',
      labelNames: ['workspace', 'provider', 'direction'],
      registers,
    });
    this.cost = new Counter({
      name: 'openclaw_cost_usd_total',
      help: 'Cost of finished messages in USD (unpriced models count 0)',
      labelNames: ['workspace', 'provider'],
      registers,
    });
    this.messageLatency = new Histogram({
      name: 'openclaw_message_latency_seconds',
      help: 'Latency of finished messages as reported by the agent',
      labelNames: ['provider'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
      registers,
    });
    new Gauge({
      name: 'openclaw_queue_jobs',
      help: 'Jobs in each BullMQ queue, by state (read from Redis at scrape time)',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        this.reset();
        await Promise.all(
          [...queues()].map(async ([name, queue]) => {
            try {
              const counts = await withTimeout(
                queue.getJobCounts(...JOB_STATES),
                QUEUE_COUNTS_TIMEOUT_MS,
                `counting jobs of queue ${name}`,
              );
              for (const state of JOB_STATES) this.set({ queue: name, state }, counts[state] ?? 0);
            } catch (err) {
              onCollectError(err);
            }
          }),
        );
      },
    });
    const streams = this.openStreams;
    new Gauge({
      name: 'openclaw_sse_streams',
      help: 'SSE responses open in this process',
      registers,
      collect() {
        this.set(streams.size);
      },
    });
    new Gauge({
      name: 'openclaw_sse_unsent_bytes',
      help: 'Bytes written to open SSE responses that their sockets have not taken yet: what slow readers hold (each at most messages.streamBufferBytes plus one read)',
      registers,
      collect() {
        let bytes = 0;
        for (const res of streams) bytes += res.writableLength;
        this.set(bytes);
      },
    });
    this.jobDuration = new Histogram({
      name: 'openclaw_queue_job_duration_seconds',
      help: 'Processing time of jobs run by this process, by queue and outcome (completed|failed)',
      labelNames: ['queue', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    });
    this.jobWait = new Histogram({
      name: 'openclaw_queue_job_wait_seconds',
      help: 'Time jobs waited in the queue (after any delay) before this process started them',
      labelNames: ['queue'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
      registers,
    });
    this.webhookDeliveries = new Counter({
      name: 'openclaw_webhook_deliveries_total',
      help: 'Webhook delivery attempts, by outcome',
      labelNames: ['outcome'],
      registers,
    });
    this.webhookDuration = new Histogram({
      name: 'openclaw_webhook_delivery_duration_seconds',
      help: "Time of webhook delivery attempts (the user's URL answering), by outcome",
      labelNames: ['outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120],
      registers,
    });
  }

  observeHttp(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }

  /** Once per message: the stats hook calls it only when the message was counted for the first time. */
  messageFinished(m: FinishedMessage): void {
    const { workspace } = m;
    const provider = m.provider || 'none'; // failures before any provider answered
    this.messages.inc({ workspace, provider, status: m.status });
    this.tokens.inc({ workspace, provider, direction: 'in' }, m.tokensIn);
    this.tokens.inc({ workspace, provider, direction: 'out' }, m.tokensOut);
    this.cost.inc({ workspace, provider }, m.costUSD ?? 0);
    this.messageLatency.observe({ provider }, m.latencyMs / 1000);
  }

  /** Observes every job a Worker of this process completes or fails. Call once per Worker. */
  trackWorker(queue: string, worker: Worker): void {
    const observe = (job: Job | undefined, outcome: 'completed' | 'failed') => {
      if (!job?.processedOn) return;
      if (job.finishedOn)
        this.jobDuration.observe({ queue, outcome }, Math.max(0, job.finishedOn - job.processedOn) / 1000);
      const readyAt = job.timestamp + (job.opts.delay ?? 0);
      this.jobWait.observe({ queue }, Math.max(0, job.processedOn - readyAt) / 1000);
    };
    worker.on('completed', (job) => observe(job, 'completed'));
    worker.on('failed', (job) => observe(job, 'failed'));
  }

  /** Counts an open SSE response in the stream gauges until it closes. */
  trackStream(res: ServerResponse): void {
    this.openStreams.add(res);
    res.once('close', () => this.openStreams.delete(res));
  }

  /** One webhook delivery attempt and how it ended (e.g. delivered, failed, retrying, disabled). */
  webhookDelivery(outcome: string, durationMs?: number): void {
    this.webhookDeliveries.inc({ outcome });
    if (durationMs !== undefined) this.webhookDuration.observe({ outcome }, durationMs / 1000);
  }

  /** The exposition text and its content type. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
