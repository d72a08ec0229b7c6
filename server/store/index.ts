/** Every store, built on the one data client. Each store owns its Redis key names. */
import type Redis from 'ioredis';
import type { Clock } from '../clock';
import { KeyStore } from './keys';
import { WorkspaceStore } from './workspaces';
import { StatsStore } from './stats';
import { ScheduleStore } from './schedules';
import { MemoryStore } from './memory';
import { SessionStore } from './sessions';
import { MessageStore } from './messages';
import { IdempotencyStore } from './idempotency';
import { WebhookStore } from './webhooks';
import { StreamSlotStore } from './streams';
import { EventLogStore } from './events';

export function createStores(redis: Redis, clock: Clock) {
  const date = () => new Date(clock.now());
  return {
    keys: new KeyStore(redis, date),
    workspaces: new WorkspaceStore(redis, date),
    stats: new StatsStore(redis),
    schedules: new ScheduleStore(redis, date),
    memory: new MemoryStore(redis, () => clock.now()),
    webhooks: new WebhookStore(redis, date),
    sessions: new SessionStore(redis, () => clock.now()),
    messages: new MessageStore(redis, () => clock.now()),
    idempotency: new IdempotencyStore(redis),
    streams: new StreamSlotStore(redis, () => clock.now()),
    events: new EventLogStore(redis, () => clock.now()),
  };
}

export type Stores = ReturnType<typeof createStores>;
