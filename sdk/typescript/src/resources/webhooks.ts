/** `client.webhooks`: subscriptions (CRUD), their deliveries, redeliver, test ping. */
import type { RequestOptions, Transport } from '../http.js';
import { PagePromise } from '../pagination.js';
import { unwrapWebhook, type RawBody, type UnwrapOptions, type WebhookHeaders } from '../webhook.js';
import type { WebhookEvent } from '../webhook-events.js';
import type {
  CreateWebhookParams,
  ListDeliveriesParams,
  ListWebhooksParams,
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

  /** Subscriptions this key can see, config ones included, oldest first (`GET /webhooks`): `await` for one page, `for await` for all. */
  list(params: ListWebhooksParams = {}, opts: RequestOptions = {}): PagePromise<WebhookSubscription, WebhookList> {
    return new PagePromise(params.offset ?? 0, (offset) =>
      this.http.json('GET', '/webhooks', { ...opts, query: { ...params, offset } }),
    );
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

  /** Deliveries, newest first (`GET /webhooks/{id}/deliveries`): `await` for one page, `for await` for all. */
  deliveries(
    webhookId: string,
    params: ListDeliveriesParams = {},
    opts: RequestOptions = {},
  ): PagePromise<WebhookDelivery, WebhookDeliveryList> {
    return new PagePromise(params.offset ?? 0, (offset) =>
      this.http.json('GET', `${path(webhookId)}/deliveries`, { ...opts, query: { ...params, offset } }),
    );
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
  redeliverSince(
    webhookId: string,
    params: RedeliverSinceParams,
    opts: RequestOptions = {},
  ): Promise<RedeliverSinceResult> {
    return this.http.json('POST', `${path(webhookId)}/redeliver`, { ...opts, body: params });
  }

  /**
   * Verifies a delivery you received (Standard Webhooks headers, signature over id, timestamp and
   * body, timestamp within `toleranceSeconds`, default 300) and returns its typed event; throws
   * `WebhookVerificationError`. Needs no request to the gateway. See {@link unwrapWebhook}.
   */
  unwrap(rawBody: RawBody, headers: WebhookHeaders, secret: string, options: UnwrapOptions = {}): WebhookEvent {
    return unwrapWebhook(rawBody, headers, secret, options);
  }

  /** Sends a `ping` event to the subscription (`POST /webhooks/{id}/test`, 202): the queued delivery. */
  test(webhookId: string, opts: RequestOptions = {}): Promise<WebhookDelivery> {
    return this.http.json('POST', `${path(webhookId)}/test`, opts);
  }
}
