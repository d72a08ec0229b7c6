/**
 * Domain events: every side effect a user can subscribe to. `emit` builds the envelope
 * `{id, event, timestamp, data}` (the contract's webhook payload plus an id) and hands it to
 * each registered sink (the webhooks fan-out, metrics…). Emitting never throws and never
 * makes the caller wait for a user's URL: sinks only enqueue.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from './clock';
import { newId } from './ids';

export const EVENT_NAMES = [
  'message.received',
  'message.sent',
  'session.started',
  'session.ended',
  'error.agent',
  'channel.disconnected',
  'channel.connected',
  'schedule.completed',
  'schedule.failed',
] as const;
export type EventName = (typeof EVENT_NAMES)[number] | 'ping';

export interface DomainEvent<D extends Record<string, unknown> = Record<string, unknown>> {
  id: string;
  event: EventName;
  timestamp: string;
  /** The workspace the event belongs to; null for gateway-wide events. Used for subscription scoping. */
  workspace: string | null;
  data: D;
}

export type EventSink = (event: DomainEvent) => Promise<void>;

/** An event's `timestamp`: UTC ISO 8601 in whole seconds, as in the contract's payload. */
export const eventTimestamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class EventBus {
  private readonly sinks: EventSink[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly log: Pick<FastifyBaseLogger, 'error'>,
  ) {}

  addSink(sink: EventSink): void {
    this.sinks.push(sink);
  }

  /** Builds and dispatches an event; resolves when every sink has enqueued it (errors are logged, not thrown). */
  async emit(event: EventName, workspace: string | null, data: Record<string, unknown>): Promise<DomainEvent> {
    const e: DomainEvent = { id: newId('evt'), event, timestamp: eventTimestamp(this.clock.now()), workspace, data };
    await this.publish(e).catch(() => undefined); // publish logged it
    return e;
  }

  /**
   * Dispatches an event recorded earlier (an outbox entry): rejects when a sink failed, so the
   * caller keeps the entry and publishes it again. Sinks treat a repeated id as the same event.
   */
  async publish(e: DomainEvent): Promise<void> {
    const results = await Promise.allSettled(this.sinks.map((sink) => sink(e)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (!failed) return;
    this.log.error({ err: failed.reason, event: e.event, eventId: e.id }, 'event sink failed');
    throw failed.reason;
  }
}
