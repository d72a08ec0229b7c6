/**
 * Verifies the `X-OpenClaw-Signature` header of a webhook delivery:
 * `sha256=<hex HMAC-SHA256 of the exact raw body, keyed with the subscription's secret>`.
 * Synchronous on purpose: the chapter's handler calls `if (!verifyWebhook(…))`, and a Promise
 * there is always truthy, which would accept every forged request. The HMAC is computed in plain
 * TypeScript (./hmac-sha256.ts), so it works the same in Node 18+, browsers, Deno, Bun and edge
 * runtimes, with no Web Crypto or Node module.
 */
import { hmacSha256 } from './hmac-sha256.js';

/** The raw request body exactly as received: a string, a Buffer / Uint8Array or an ArrayBuffer. */
export type RawBody = string | Uint8Array | ArrayBuffer;

const PREFIX = 'sha256=';
const HEX_MAC = /^[0-9a-f]{64}$/i;

/** The body's bytes (strings as UTF-8), or null for anything that is not a raw body (e.g. parsed JSON). */
function toBytes(body: unknown): Uint8Array | null {
  if (typeof body === 'string') return new TextEncoder().encode(body);
  // isView and the tag check also accept Buffers and ArrayBuffers from another realm (iframe, vm).
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (Object.prototype.toString.call(body) === '[object ArrayBuffer]') return new Uint8Array(body as ArrayBuffer);
  return null;
}

/**
 * True when `signature` (the `X-OpenClaw-Signature` header) is the signature of `rawBody` with
 * `secret`. Returns a boolean, not a Promise, so `if (!verifyWebhook(…))` is a safe check. Pass
 * the raw body bytes, not re-serialized JSON. Returns false (never throws) for a missing or
 * malformed signature, a missing or empty secret, or a body that is not a string/bytes. The
 * MAC is compared in constant time (every byte, no early exit).
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
  const header = Array.isArray(signature) ? signature[0] : signature;
  if (typeof header !== 'string' || !header.startsWith(PREFIX)) return false;
  const hex = header.slice(PREFIX.length).trim();
  const body = toBytes(rawBody);
  if (!HEX_MAC.test(hex) || typeof secret !== 'string' || secret === '' || body === null) return false;
  const expected = hmacSha256(new TextEncoder().encode(secret), body);
  let difference = 0;
  for (let i = 0; i < expected.length; i++) difference |= expected[i] ^ parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return difference === 0;
}

/**
 * Computes the `X-OpenClaw-Signature` value for a body (`sha256=<hex>`): for tests of your own
 * receiver, or to sign payloads you replay. Synchronous, like {@link verifyWebhook}.
 */
export function signWebhook(rawBody: RawBody, secret: string): string {
  const body = toBytes(rawBody);
  if (body === null) throw new TypeError('signWebhook: rawBody must be a string, a Uint8Array/Buffer or an ArrayBuffer');
  const mac = hmacSha256(new TextEncoder().encode(secret), body);
  return PREFIX + Array.from(mac, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
