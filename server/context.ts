/**
 * What the HTTP side and the workers share: config, the data client, stores, queues, the event
 * bus and the clock. Built once by main.ts (or by tests), passed to buildApp and to the workers.
 * Holds no per-request state, so any number of gateway and worker processes can share one Redis.
 */
import type Redis from 'ioredis';
import type { RedisTarget } from './redis';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config-schema';
import type { Clock } from './clock';
import type { Stores } from './store';
import type { Queue } from 'bullmq';
import type { EventBus } from './events';
import type { MessageService } from './messages/service';
import type { ModelRegistry } from './agent/providers/registry';
import type { Metrics } from './metrics';
import type { ScheduleService } from './schedules/service';
import type { WebhookService } from './webhooks/service';
import type { CallbackService } from './webhooks/callbacks';
import type { Shutdown } from './shutdown';
import type { Channels } from './channels/feature';
import type { LocalEvents } from './messages/local-events';
import type { FinishedMessage } from './messages/store';

export type { FinishedMessage };

export interface Readiness {
  /** False until Redis, the stores and the workers are ready: API routes answer 503 `starting`. */
  ready: boolean;
}

export interface GatewayContext {
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
  /** Messages: submit (enqueue), wait, get, follow a message's events (server/messages/service.ts). */
  messages: MessageService;
  /** Set when this process runs message workers: their events handed to local readers in memory (server/messages/local-events.ts). */
  localEvents?: LocalEvents;
  /** Model providers and the default model (config, env, Ollama probe at start): server/agent/feature.ts. */
  models: ModelRegistry;
  /** Prometheus metrics of this process (server/metrics): trackWorker(queue, worker), webhookDelivery(outcome, ms). */
  metrics: Metrics;
  /** Schedules: CRUD + run now, kept in step with their BullMQ job schedulers (schedules/feature.ts, schedules/runner.ts). */
  schedules: ScheduleService;
  /** Outbound webhooks: fan-out of events, test pings, redeliveries (webhooks/feature.ts). */
  webhooks: WebhookService;
  /** Message callbacks (callbackUrl on POST /messages), delivered by the webhooks queue (server/webhooks/callbacks.ts). */
  callbacks: CallbackService;
  /** Telegram, Slack, WhatsApp: adapters, inbox, outbound queue, health (server/channels/feature.ts). */
  channels: Channels;
}

/**
 * How a feature plugs its queues, workers and event sinks into the gateway, so gateway.ts (HTTP +
 * workers) and `openclaw worker` (workers only) start the same things. The list is server/features.ts.
 */
export interface Feature {
  name: string;
  /** Synchronous wiring when the context is built, before Redis is ready: create queue
   * objects, attach services to ctx, add event sinks. No Redis round trips here. */
  init?(ctx: GatewayContext): void;
  /** After Redis is ready: sync config, start workers (when `workers` is true). Returns stop. */
  start?(ctx: GatewayContext, opts: { workers: boolean }): Promise<() => Promise<void>>;
}
