/**
 * Webhook signatures. One subscription secret signs two headers:
 * - `X-OpenClaw-Signature: sha256=<hex>` over the exact raw body, keyed with the secret's UTF-8
 *   bytes (the contract's verifyWebhook; unchanged for every secret).
 * - Standard Webhooks: `webhook-signature: v1,<base64>` over `<webhook-id>.<webhook-timestamp>.<body>`,
 *   keyed as the Standard Webhooks libraries (and Svix) read the secret: a `whsec_<base64>`
 *   secret is its base64-decoded bytes, so those libraries take it unchanged. Any other secret
 *   (chosen by the user, or generated earlier as `oclaw_whsec_…`) keeps its UTF-8 bytes as the
 *   key, which a library receives as `whsec_` + base64(UTF-8 bytes): {@link standardWebhooksSecret}.
 */
import { createHmac, randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';

/** `whsec_` + canonical base64 of 24 to 64 bytes: Svix makes 24, the gateway 32. */
const STANDARD_SECRET = /^whsec_((?:[A-Za-z0-9+/]{4}){8,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?)$/;

/** A new random secret, `whsec_<base64 of 32 random bytes>`, shown to its owner once. */
export const generateSecret = () => SECRET_PREFIX + randomBytes(32).toString('base64');

/** The HMAC key of the Standard Webhooks signature (see the file header). */
export function standardSigningKey(secret: string): Buffer {
  const m = STANDARD_SECRET.exec(secret);
  const decoded = m ? Buffer.from(m[1], 'base64') : null;
  return decoded && decoded.length >= 24 && decoded.length <= 64 ? decoded : Buffer.from(secret, 'utf8');
}

/** The secret to give a Standard Webhooks library (or Svix) for this subscription secret. */
export const standardWebhooksSecret = (secret: string) => SECRET_PREFIX + standardSigningKey(secret).toString('base64');

export const signBody = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export const signStandard = (secret: string, id: string, timestampSec: number, body: string) =>
  `v1,${createHmac('sha256', standardSigningKey(secret)).update(`${id}.${timestampSec}.${body}`).digest('base64')}`;

export interface SignedHeadersInput {
  secret: string;
  deliveryId: string;
  event: string;
  attempt: number;
  timestampSec: number;
  body: string;
  userAgent: string;
}

/** Every header of one delivery attempt. */
export function deliveryHeaders(i: SignedHeadersInput): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': i.userAgent,
    'x-openclaw-event': i.event,
    'x-openclaw-delivery': i.deliveryId,
    'x-openclaw-attempt': String(i.attempt),
    'x-openclaw-signature': signBody(i.secret, i.body),
    'webhook-id': i.deliveryId,
    'webhook-timestamp': String(i.timestampSec),
    'webhook-signature': signStandard(i.secret, i.deliveryId, i.timestampSec, i.body),
  };
}
