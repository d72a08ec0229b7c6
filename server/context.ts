/**
 * What the HTTP side and the workers share: config, the data client, stores, queues, the event
 * bus and the clock. Built once by main.ts (or by tests), passed to buildApp and to the workers.
 * Holds no per-request state, so any number of gateway and worker processes can share one Redis.
 */
import type { GatewayCore } from './core';
import type { MessageService } from './messages/service';
import type { ScheduleService } from './schedules/service';
import type { Channels } from './channels/channels';

export type { FinishedMessage } from './messages/store';
export type { GatewayCore, Readiness } from './core';

/** The core plus the services built on it (each takes the core and what it calls, see core.ts). */
export interface GatewayContext extends GatewayCore {
  /** Messages: submit (enqueue), wait, get, follow a message's events (server/messages/service.ts). */
  messages: MessageService;
  /** Schedules: CRUD + run now, kept in step with their BullMQ job schedulers (schedules/feature.ts, schedules/runner.ts). */
  schedules: ScheduleService;
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
