/**
 * Verifies the `X-OpenClaw-Signature` header of a webhook delivery:
 * `sha256=<hex HMAC-SHA256 of the exact raw body, keyed with the subscription's secret>`.
 * Uses Web Crypto, so it works in Node (18 with `subtle` passed in, 19+ as is), browsers,
 * Deno, Bun and edge runtimes; the comparison is done by `crypto.subtle.verify`, in constant time.
 */

/** The raw request body exactly as received: a string, a Buffer / Uint8Array or an ArrayBuffer. */
export type RawBody = string | Uint8Array | ArrayBuffer;

/** Options of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /** A SubtleCrypto to use; default `globalThis.crypto.subtle` (on Node 18 pass `require('node:crypto').webcrypto.subtle`). */
  subtle?: SubtleCrypto;
}

const HEX = /^[0-9a-f]{64}$/i;

function hexToBytes(hex: string): BufferSource {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** The SubtleCrypto to use and the secret imported as an HMAC-SHA256 key for `usage`. */
async function hmac(secret: string, usage: 'sign' | 'verify', options: VerifyWebhookOptions): Promise<{ subtle: SubtleCrypto; key: CryptoKey }> {
  const subtle = options.subtle ?? (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!subtle) throw new TypeError('Web Crypto is not available: pass { subtle } (on Node 18, webcrypto.subtle of the crypto module)');
  const key = await subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
  return { subtle, key };
}

function toBytes(body: RawBody): BufferSource {
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body as Uint8Array<ArrayBuffer>;
  return new Uint8Array(body);
}

/**
 * True when `signature` (the `X-OpenClaw-Signature` header) is the signature of `rawBody` with
 * `secret`. Pass the raw body bytes, not re-serialized JSON. Resolves false (never throws) for a
 * missing or malformed signature.
 *
 * @example
 * ```ts
 * app.post('/openclaw-events', express.raw({ type: 'application/json' }), async (req, res) => {
 *   if (!(await verifyWebhook(req.body, req.headers['x-openclaw-signature'], process.env.WEBHOOK_SECRET!))) {
 *     return res.status(401).send('Invalid signature');
 *   }
 *   const event = JSON.parse(req.body);
 *   res.status(200).send('OK');
 * });
 * ```
 */
export async function verifyWebhook(
  rawBody: RawBody,
  signature: string | string[] | null | undefined,
  secret: string,
  options: VerifyWebhookOptions = {},
): Promise<boolean> {
  const header = Array.isArray(signature) ? signature[0] : signature;
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const hex = header.slice('sha256='.length).trim();
  if (!HEX.test(hex) || !secret) return false;
  const { subtle, key } = await hmac(secret, 'verify', options);
  return subtle.verify('HMAC', key, hexToBytes(hex), toBytes(rawBody));
}

/**
 * Computes the `X-OpenClaw-Signature` value for a body (`sha256=<hex>`): for tests of your own
 * receiver, or to sign payloads you replay.
 */
export async function signWebhook(rawBody: RawBody, secret: string, options: VerifyWebhookOptions = {}): Promise<string> {
  const { subtle, key } = await hmac(secret, 'sign', options);
  const mac = new Uint8Array(await subtle.sign('HMAC', key, toBytes(rawBody)));
  return `sha256=${Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
