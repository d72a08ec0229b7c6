/**
 * The part of the gateway context that services are built on: config, the data client, stores,
 * queues, the event bus, the clock, hooks. The services that live on the context and take it
 * in (messages, schedules, channels) see this, plus the one service they call, so no module
 * they import needs them back. The whole context is server/context.ts.
 */
import type Redis from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';
import type { Queue } from 'bullmq';
import type { RedisTarget } from './redis';
import type { Config } from './config-schema';
import type { Clock } from './clock';
import type { Stores } from './store';
import type { EventBus } from './events';
import type { ModelRegistry } from './agent/providers/registry';
import type { Metrics } from './metrics';
import type { WebhookService } from './webhooks/service';
import type { CallbackService } from './webhooks/callbacks';
import type { Shutdown } from './shutdown';
import type { LocalEvents } from './messages/local-events';
import type { FinishedMessage } from './messages/store';

export interface Readiness {
  /** False until Redis, the stores and the workers are ready: API routes answer 503 `starting`. */
  ready: boolean;
}

export interface GatewayCore {
  config: Config;
  /** Where Redis is: a URL or a cluster (server/redis.ts); every connection a feature opens uses it. */
  redisUrl: RedisTarget;
  redis: Redis;
  stores: Stores;
  events: EventBus;
  clock: Clock;
  log: FastifyBaseLogger;
  version: string;
  startedAt: number;
  readiness: Readiness;
  /** Graceful stop: draining flag, track() for in-flight work, the signal that ends the grace period. */
  shutdown: Shutdown;
  /** Name of the model answering when no preset names one (e.g. "offline"). */
  defaultModel: string;
  /**
   * Features add their own typed fields below (queues, providers, …), each created in
   * server/gateway.ts; keep this list short and documented.
   */
  /** Every BullMQ queue, by name (messages, webhooks, schedules): metrics and the dashboard read it. */
  queues: Map<string, Queue>;
  /** Run once per message when it finishes (done or error), from the worker: stats, metrics. Must be idempotent per messageId. */
  onMessageFinished: Array<(m: FinishedMessage) => Promise<void>>;
  /** Run after a workspace is deleted (end its sessions, drop its schedules…). */
  onWorkspaceDeleted: Array<(workspaceId: string) => Promise<void>>;
  /** Set when this process runs message workers: their events handed to local readers in memory (server/messages/local-events.ts). */
  localEvents?: LocalEvents;
  /** Model providers and the default model (config, env, Ollama probe at start): server/agent/feature.ts. */
  models: ModelRegistry;
  /** Prometheus metrics of this process (server/metrics): trackWorker(queue, worker), webhookDelivery(outcome, ms). */
  metrics: Metrics;
  /** Outbound webhooks: fan-out of events, test pings, redeliveries (webhooks/feature.ts). */
  webhooks: WebhookService;
  /** Message callbacks (callbackUrl on POST /messages), delivered by the webhooks queue (server/webhooks/callbacks.ts). */
  callbacks: CallbackService;
}
