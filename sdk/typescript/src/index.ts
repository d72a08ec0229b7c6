/**
 * `@openclaw/api-client`: the official client of the OpenClaw gateway REST API.
 * Zero dependencies; Node 18+, Deno, Bun, browsers and edge runtimes (global `fetch`). Webhook
 * verification uses node:crypto, so the browser build (package.json `browser`) has none.
 *
 * @packageDocumentation
 */
export { OpenClaw } from './client.js';
export {
  OpenClawError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  APIConnectionError,
  APITimeoutError,
  WebhookVerificationError,
  type ClientErrorCode,
  type OpenClawErrorInit,
} from './errors.js';
export { MessageStream } from './stream.js';
export { ERROR_CODE_STATUS, type GatewayErrorCode } from './error-codes.js';
export { Page, PagePromise, type PageBody } from './pagination.js';
export {
  verifyWebhook,
  signWebhook,
  unwrapWebhook,
  signStandardWebhook,
  type RawBody,
  type WebhookHeaders,
  type UnwrapOptions,
} from './webhook.js';
export type * from './webhook-events.js';
export { retryDelayMs, type ClientOptions, type RequestOptions, type FetchLike } from './http.js';
export { VERSION } from './version.js';
export type { SendOptions, WaitOptions, Messages } from './resources/messages.js';
export type { Sessions } from './resources/sessions.js';
export type { Workspaces } from './resources/workspaces.js';
export type { Stats } from './resources/stats.js';
export type { Webhooks } from './resources/webhooks.js';
export type { Schedules } from './resources/schedules.js';
export { RESPONSE_FIELDS, type ResponseFieldSpec } from './fields.js';
export type * from './types.js';
