/**
 * Webhook signatures. Both use the subscription secret's UTF-8 bytes as the HMAC-SHA256 key:
 * - `X-OpenClaw-Signature: sha256=<hex>` over the exact raw body (the chapter's verifyWebhook);
 * - Standard Webhooks: `webhook-signature: v1,<base64>` over `<webhook-id>.<webhook-timestamp>.<body>`.
 *   A Standard Webhooks library takes the key as base64 (optionally `whsec_`-prefixed), so the
 *   matching secret there is `whsec_` + base64(UTF-8 bytes of the OpenClaw secret).
 */
import { createHmac } from 'node:crypto';
import { randomBase62 } from '../store/keys';

export const SECRET_PREFIX = 'oclaw_whsec_';

/** A new random secret (238 bits of base62), shown to its owner once. */
export const generateSecret = () => SECRET_PREFIX + randomBase62(40);

export const signBody = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export const signStandard = (secret: string, id: string, timestampSec: number, body: string) =>
  `v1,${createHmac('sha256', secret).update(`${id}.${timestampSec}.${body}`).digest('base64')}`;

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
