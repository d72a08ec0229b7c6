/** `client.webhooks`: subscriptions (CRUD), their deliveries, redeliver, test ping. */
import type { RequestOptions, Transport } from '../http.js';
import type {
  CreateWebhookParams,
  ListDeliveriesParams,
  RedeliverSinceParams,
  RedeliverSinceResult,
  UpdateWebhookParams,
  WebhookDelivery,
  WebhookDeliveryDetail,
  WebhookDeliveryList,
  WebhookList,
  WebhookSubscription,
  WebhookWithSecret,
} from '../types.js';

const path = (id: string) => `/webhooks/${encodeURIComponent(id)}`;

/** `client.webhooks`: outbound webhook subscriptions, their delivery log, redelivery and test pings. */
export class Webhooks {
  /** @internal */
  constructor(private readonly http: Transport) {}

  /** Subscribes a URL to events (`POST /webhooks`); the reply carries the secret once if the gateway generated it. */
  create(params: CreateWebhookParams, opts: RequestOptions = {}): Promise<WebhookWithSecret> {
    return this.http.json('POST', '/webhooks', { ...opts, body: params });
  }

  /** Subscriptions this key can see, config ones included (`GET /webhooks`). */
  list(opts: RequestOptions = {}): Promise<WebhookList> {
    return this.http.json('GET', '/webhooks', opts);
  }

  /** One subscription (`GET /webhooks/{id}`). */
  get(webhookId: string, opts: RequestOptions = {}): Promise<WebhookSubscription> {
    return this.http.json('GET', path(webhookId), opts);
  }

  /** Changes url, events, enabled, or rotates the secret (`PATCH /webhooks/{id}`). */
  update(webhookId: string, params: UpdateWebhookParams, opts: RequestOptions = {}): Promise<WebhookWithSecret> {
    return this.http.json('PATCH', path(webhookId), { ...opts, body: params });
  }

  /** Removes a subscription (`DELETE /webhooks/{id}`). */
  async delete(webhookId: string, opts: RequestOptions = {}): Promise<void> {
    await this.http.json('DELETE', path(webhookId), opts);
  }

  /** Recent deliveries with their attempts (`GET /webhooks/{id}/deliveries`). */
  deliveries(webhookId: string, params: ListDeliveriesParams = {}, opts: RequestOptions = {}): Promise<WebhookDeliveryList> {
    return this.http.json('GET', `${path(webhookId)}/deliveries`, { ...opts, query: { ...params } });
  }

  /** One delivery with its payload and every attempt (`GET /webhooks/{id}/deliveries/{deliveryId}`). */
  delivery(webhookId: string, deliveryId: string, opts: RequestOptions = {}): Promise<WebhookDeliveryDetail> {
    return this.http.json('GET', `${path(webhookId)}/deliveries/${encodeURIComponent(deliveryId)}`, opts);
  }

  /** Sends a logged delivery again: same payload and event id, new delivery id (`POST …/deliveries/{deliveryId}/redeliver`, 202). */
  redeliver(webhookId: string, deliveryId: string, opts: RequestOptions = {}): Promise<WebhookDelivery> {
    return this.http.json('POST', `${path(webhookId)}/deliveries/${encodeURIComponent(deliveryId)}/redeliver`, opts);
  }

  /** Replays every failed delivery created since a time, oldest first (`POST /webhooks/{id}/redeliver`, 202); page with `nextSince`. */
  redeliverSince(webhookId: string, params: RedeliverSinceParams, opts: RequestOptions = {}): Promise<RedeliverSinceResult> {
    return this.http.json('POST', `${path(webhookId)}/redeliver`, { ...opts, body: params });
  }

  /** Sends a `ping` event to the subscription (`POST /webhooks/{id}/test`, 202): the queued delivery. */
  test(webhookId: string, opts: RequestOptions = {}): Promise<WebhookDelivery> {
    return this.http.json('POST', `${path(webhookId)}/test`, opts);
  }
}
