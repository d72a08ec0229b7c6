/**
 * Message callbacks (`callbackUrl` on POST /messages with "async": true): when the message
 * finishes, its message.sent / error.agent payload goes to that URL through the webhooks queue,
 * exactly like a subscription's delivery (same signature headers, retries, backoff, circuit
 * breaker, SSRF policy at connect time, delivery log). The target is stored as a subscription
 * of source `callback` with an id derived from the message id, outside the subscription list,
 * so the finishing event finds it with one read and nothing else ever matches it.
 */
import type { Config } from '../config-schema';
import type { DomainEvent } from '../events';
import type { StoredSubscription, WebhookStore } from './store';
import type { WebhookService } from './service';

/**
 * Finishing events of messages known to have no callback (sent without callbackUrl): the sink
 * skips their lookup. Only the event object the worker built is marked; an event re-published
 * from the outbox is looked up as before.
 */
export const WITHOUT_CALLBACK = new WeakSet<DomainEvent>();

/** The events that finish a message; each is sent to its callback. */
export const CALLBACK_EVENTS = ['message.sent', 'error.agent'];

/** `wh_cb_<message id without msg_>`: readable with GET /webhooks/{id} (and its delivery log). */
export const callbackIdFor = (messageId: string) => `wh_cb_${messageId.replace(/^msg_/, '')}`;

export interface NewCallback {
  messageId: string;
  url: string;
  secret: string;
  /** The sending key's workspaces and id: the callback belongs to them like a subscription. */
  scope: string[];
  createdBy: string;
}

export class CallbackService {
  constructor(
    private readonly store: WebhookStore,
    private readonly webhooks: WebhookService,
    private readonly config: Config['webhooks'],
  ) {}

  /** Stores the target before the message is queued, so even an instant answer finds it. Kept as long as the delivery log. */
  register(c: NewCallback): Promise<StoredSubscription> {
    return this.store.createCallback(
      {
        id: callbackIdFor(c.messageId),
        url: c.url,
        events: CALLBACK_EVENTS,
        workspaces: null,
        scope: c.scope,
        description: `callback of ${c.messageId}`,
        secret: c.secret,
        retries: this.config.retries,
        timeoutMs: this.config.timeoutMs,
        source: 'callback',
        createdBy: c.createdBy,
      },
      this.config.retentionDays * 86400,
    );
  }

  /** The event sink: a finishing event of a message with a callback gets one delivery to it (idempotent per event id). */
  readonly sink = async (e: DomainEvent): Promise<void> => {
    if (!CALLBACK_EVENTS.includes(e.event) || typeof e.data.messageId !== 'string' || WITHOUT_CALLBACK.has(e)) return;
    const target = await this.store.get(callbackIdFor(e.data.messageId));
    if (target?.source === 'callback') await this.webhooks.deliverTo(e, [target]);
  };
}
