/** Every store, built on the one data client. Each store owns its Redis key names. */
import type Redis from 'ioredis';
import type { Clock } from '../clock';
import { KeyStore, KEY_TRACKED_PREFIXES } from './keys';
import { WorkspaceStore, WORKSPACE_TRACKED_PREFIXES } from './workspaces';
import { StatsStore } from '../metrics/stats-store';
import { ScheduleStore } from '../schedules/store';
import { MemoryStore } from '../agent/memory-store';
import { SessionStore } from './sessions';
import { MessageStore } from '../messages/store';
import { IdempotencyStore } from './idempotency';
import { WebhookStore, WEBHOOK_TRACKED_PREFIXES } from '../webhooks/store';
import { StreamSlotStore } from './streams';
import { EventLogStore } from './events';
import type { Tracking } from './tracking';

/** `tracking`: client-side caches of hot records, kept exact by Redis (tracking.ts); none in tests that build stores alone. */
export function createStores(redis: Redis, clock: Clock, tracking?: Tracking) {
  const date = () => new Date(clock.now());
  return {
    keys: new KeyStore(redis, date, tracking?.cache(KEY_TRACKED_PREFIXES, true)),
    workspaces: new WorkspaceStore(redis, date, tracking?.cache(WORKSPACE_TRACKED_PREFIXES)),
    stats: new StatsStore(redis),
    schedules: new ScheduleStore(redis, date),
    memory: new MemoryStore(redis, () => clock.now()),
    webhooks: new WebhookStore(redis, date, tracking?.cache(WEBHOOK_TRACKED_PREFIXES)),
    sessions: new SessionStore(redis, () => clock.now()),
    messages: new MessageStore(redis, () => clock.now()),
    idempotency: new IdempotencyStore(redis),
    streams: new StreamSlotStore(redis, () => clock.now()),
    events: new EventLogStore(redis, () => clock.now()),
  };
}

export type Stores = ReturnType<typeof createStores>;

/** Every key prefix the stores cache (CLIENT TRACKING BCAST prefixes). */
export const TRACKED_PREFIXES = [...KEY_TRACKED_PREFIXES, ...WORKSPACE_TRACKED_PREFIXES, ...WEBHOOK_TRACKED_PREFIXES];
