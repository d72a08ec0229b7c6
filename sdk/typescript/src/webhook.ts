/**
 * Webhook verification, two ways:
 * - {@link unwrapWebhook} (`client.webhooks.unwrap`), recommended: checks the Standard Webhooks
 *   headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`), whose signature covers the id
 *   and the timestamp, refuses timestamps outside a tolerance (replays), and returns the typed event.
 * - {@link verifyWebhook}: the contract's boolean check of `X-OpenClaw-Signature`
 *   (`sha256=<hex HMAC-SHA256 of the raw body>`). Synchronous on purpose: the contract's handler
 *   calls `if (!verifyWebhook(…))`, and a Promise there is always truthy. It signs the body only,
 *   so a captured delivery verifies forever: prefer `unwrap`.
 * HMAC comes from node:crypto (./crypto.ts); a browser build has no webhook verification.
 */
import { equalBytes, hmacSha256 } from './crypto.js';
import { WebhookVerificationError } from './errors.js';
import type { WebhookEvent } from './webhook-events.js';

/** The raw request body exactly as received: a string, a Buffer / Uint8Array or an ArrayBuffer. */
export type RawBody = string | Uint8Array | ArrayBuffer;

/** Request headers: a plain object (any case; Node's `req.headers`) or a fetch `Headers`. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

/** Options of {@link unwrapWebhook}. */
export interface UnwrapOptions {
  /** Refuse a `webhook-timestamp` further than this from the local clock (default 300 s). */
  toleranceSeconds?: number;
}

const PREFIX = 'sha256=';
const HEX_MAC = /^[0-9a-f]{64}$/i;
const STANDARD_SECRET = /^whsec_((?:[A-Za-z0-9+/]{4}){8,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?)$/;
const utf8 = (s: string) => new TextEncoder().encode(s);

/** The body's bytes (strings as UTF-8), or null for anything that is not a raw body (e.g. parsed JSON). */
function toBytes(body: unknown): Uint8Array | null {
  if (typeof body === 'string') return utf8(body);
  // isView and the tag check also accept Buffers and ArrayBuffers from another realm (iframe, vm).
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (Object.prototype.toString.call(body) === '[object ArrayBuffer]') return new Uint8Array(body as ArrayBuffer);
  return null;
}

const fromBase64 = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

/**
 * The HMAC key of `webhook-signature`, as the gateway derives it: a `whsec_<base64>` secret is
 * its decoded bytes (the Standard Webhooks form, which the gateway generates); any other secret
 * is its UTF-8 bytes.
 */
function standardKey(secret: string): Uint8Array {
  const m = STANDARD_SECRET.exec(secret);
  const decoded = m ? fromBase64(m[1]) : null;
  return decoded && decoded.length >= 24 && decoded.length <= 64 ? decoded : utf8(secret);
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value.join(' ') : value;
  }
  return undefined;
}

/**
 * Verifies a delivery's Standard Webhooks headers and returns its typed event. Throws
 * {@link WebhookVerificationError} (`missing_header`, `timestamp_out_of_tolerance`,
 * `invalid_signature`, `invalid_payload`): answer it with 400/401 and do not process the body.
 * Any of several space-separated `v1,` signatures may match (secret rotation on the sender side).
 * Still de-duplicate on `webhook-id` / `event.id`: a delivery may legitimately arrive twice.
 *
 * @example
 * ```ts
 * app.post('/openclaw-events', express.raw({ type: 'application/json' }), (req, res) => {
 *   let event;
 *   try {
 *     event = client.webhooks.unwrap(req.body, req.headers, process.env.WEBHOOK_SECRET!);
 *   } catch (error) {
 *     return res.status(401).send('Invalid webhook');
 *   }
 *   if (event.event === 'message.sent') console.log(event.data.response);
 *   res.sendStatus(200);
 * });
 * ```
 */
export function unwrapWebhook(
  rawBody: RawBody,
  headers: WebhookHeaders,
  secret: string,
  options: UnwrapOptions = {},
): WebhookEvent {
  const body = toBytes(rawBody);
  if (body === null)
    throw new WebhookVerificationError(
      'invalid_payload',
      'pass the raw body (string, Buffer, Uint8Array or ArrayBuffer), not parsed JSON',
    );
  if (typeof secret !== 'string' || secret === '') throw new TypeError('unwrap: the webhook secret is required');
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures)
    throw new WebhookVerificationError(
      'missing_header',
      'missing webhook-id, webhook-timestamp or webhook-signature header',
    );

  const tolerance = options.toleranceSeconds ?? 300;
  const seconds = Number(timestamp);
  if (!/^\d+$/.test(timestamp.trim()) || Math.abs(Date.now() / 1000 - seconds) > tolerance) {
    throw new WebhookVerificationError(
      'timestamp_out_of_tolerance',
      `webhook-timestamp is more than ${tolerance} s from this clock (a stale or replayed delivery)`,
    );
  }
  const expected = hmacSha256(standardKey(secret), utf8(`${id}.${timestamp.trim()}.`), body);
  const matches = signatures
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .some((s) => {
      try {
        return equalBytes(fromBase64(s.slice(3)), expected);
      } catch {
        return false; // not base64
      }
    });
  if (!matches)
    throw new WebhookVerificationError(
      'invalid_signature',
      'no webhook-signature matches this body, id and timestamp with this secret',
    );

  let event: unknown;
  try {
    event = JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new WebhookVerificationError('invalid_payload', 'the body is not JSON');
  }
  if (!event || typeof event !== 'object' || typeof (event as { event?: unknown }).event !== 'string') {
    throw new WebhookVerificationError('invalid_payload', 'the body is not an OpenClaw event');
  }
  return event as WebhookEvent;
}

/**
 * The `webhook-signature` value for a delivery: for tests of your own receiver. `timestampSec`
 * defaults to now.
 */
export function signStandardWebhook(
  rawBody: RawBody,
  id: string,
  secret: string,
  timestampSec = Math.floor(Date.now() / 1000),
): string {
  const body = toBytes(rawBody);
  if (body === null)
    throw new TypeError('signStandardWebhook: rawBody must be a string, a Uint8Array/Buffer or an ArrayBuffer');
  return `v1,${toBase64(hmacSha256(standardKey(secret), utf8(`${id}.${timestampSec}.`), body))}`;
}

/**
 * True when `signature` (the `X-OpenClaw-Signature` header) is the signature of `rawBody` with
 * `secret`. Returns a boolean, not a Promise, so `if (!verifyWebhook(…))` is a safe check. Pass
 * the raw body bytes, not re-serialized JSON. Returns false (never throws) for a missing or
 * malformed signature, a missing or empty secret, or a body that is not a string/bytes. The
 * MAC is compared in constant time. It does not see the timestamp: {@link unwrapWebhook} also
 * refuses replays.
 *
 * @example
 * ```ts
 * app.post('/openclaw-events', express.raw({ type: 'application/json' }), (req, res) => {
 *   if (!verifyWebhook(req.body, req.headers['x-openclaw-signature'], process.env.WEBHOOK_SECRET)) {
 *     return res.status(401).send('Invalid signature');
 *   }
 *   const event = JSON.parse(req.body);
 *   res.status(200).send('OK');
 * });
 * ```
 */
export function verifyWebhook(
  rawBody: RawBody,
  signature: string | string[] | null | undefined,
  secret: string | null | undefined,
): boolean {
  const given = Array.isArray(signature) ? signature[0] : signature;
  if (typeof given !== 'string' || !given.startsWith(PREFIX)) return false;
  const hex = given.slice(PREFIX.length).trim();
  const body = toBytes(rawBody);
  if (!HEX_MAC.test(hex) || typeof secret !== 'string' || secret === '' || body === null) return false;
  const mac = Uint8Array.from(hex.match(/../g)!, (byte) => parseInt(byte, 16));
  return equalBytes(hmacSha256(utf8(secret), body), mac);
}

/**
 * Computes the `X-OpenClaw-Signature` value for a body (`sha256=<hex>`): for tests of your own
 * receiver, or to sign payloads you replay. Synchronous, like {@link verifyWebhook}.
 */
export function signWebhook(rawBody: RawBody, secret: string): string {
  const body = toBytes(rawBody);
  if (body === null)
    throw new TypeError('signWebhook: rawBody must be a string, a Uint8Array/Buffer or an ArrayBuffer');
  return PREFIX + Array.from(hmacSha256(utf8(secret), body), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
