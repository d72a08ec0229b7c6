/**
 * Which subscriptions receive an event: enabled, subscribed to its name (or `*`), and the
 * event's workspace inside both the creating key's scope and the subscription's own filter.
 * Gateway-wide events (workspace null) go only to subscriptions of an all-workspaces key
 * without a workspace filter.
 */
import { EVENT_NAMES, type DomainEvent } from '../events';
import type { WebhookSubscription, WebhookStore } from './store';

/** Names a subscription may list; `*` = every event, including ones added later (not `ping`). */
export const SUBSCRIBABLE_EVENTS: readonly string[] = [...EVENT_NAMES, '*'];

export function matches(
  sub: Pick<WebhookSubscription, 'enabled' | 'events' | 'scope' | 'workspaces'>,
  e: Pick<DomainEvent, 'event' | 'workspace'>,
): boolean {
  if (!sub.enabled || e.event === 'ping') return false;
  if (!sub.events.includes('*') && !sub.events.includes(e.event)) return false;
  if (e.workspace === null) return sub.scope.includes('*') && sub.workspaces === null;
  const inScope = sub.scope.includes('*') || sub.scope.includes(e.workspace);
  return inScope && (sub.workspaces === null || sub.workspaces.includes(e.workspace));
}

/**
 * The subscription list, cached per process and reloaded when the store's version counter
 * moves (one GET per event instead of reading every subscription).
 */
export class SubscriptionCache {
  private version: string | null = null;
  private subs: WebhookSubscription[] = [];
  private loading: Promise<void> | null = null;

  constructor(private readonly store: WebhookStore) {}

  async matching(e: DomainEvent): Promise<WebhookSubscription[]> {
    const v = await this.store.version();
    if (v !== this.version) await this.reload(v);
    return this.subs.filter((s) => matches(s, e));
  }

  private reload(v: string): Promise<void> {
    // Concurrent events share one reload.
    this.loading ??= this.store
      .list()
      .then((all) => {
        this.subs = all.map(({ secret: _secret, ...s }) => s);
        this.version = v;
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }
}
