/**
 * `@openclaw/api-client`: the official client of the OpenClaw gateway REST API.
 * Zero dependencies; Node 18+, browsers, Deno, Bun and edge runtimes (global `fetch`).
 *
 * @packageDocumentation
 */
export { OpenClaw } from './client.js';
export { OpenClawError, type ClientErrorCode } from './errors.js';
export { MessageStream } from './stream.js';
export { verifyWebhook, signWebhook, type RawBody } from './webhook.js';
export { retryDelayMs, type ClientOptions, type RequestOptions, type FetchLike } from './http.js';
export type { SendOptions, WaitOptions, Messages } from './resources/messages.js';
export type { Sessions } from './resources/sessions.js';
export type { Workspaces } from './resources/workspaces.js';
export type { Stats } from './resources/stats.js';
export type { Webhooks } from './resources/webhooks.js';
export type { Schedules } from './resources/schedules.js';
export { RESPONSE_FIELDS, type ResponseFieldSpec } from './fields.js';
export type * from './types.js';
