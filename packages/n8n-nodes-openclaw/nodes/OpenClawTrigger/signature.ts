/**
 * Delivery signatures. The trigger checks the Standard Webhooks headers: `webhook-signature`
 * (`v1,<base64 HMAC-SHA256>`, any of several) covers `<webhook-id>.<webhook-timestamp>.<body>`, so a
 * captured delivery cannot be replayed with a new timestamp, and a timestamp more than 5 minutes
 * from this clock is refused. The key is the secret's UTF-8 bytes: the gateway's rule for secrets
 * that are not `whsec_<base64>`, which this node's hex secrets never are.
 */
import { createHmac, timingSafeEqual } from 'crypto';

export const TOLERANCE_SECONDS = 300;

/** The contract's `X-OpenClaw-Signature` value (body only): `sha256=<hex>`. */
export function signatureOf(rawBody: Buffer | string, secret: string): string {
	return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/** The `webhook-signature` value the gateway sends for this id, timestamp and body. */
export function standardSignatureOf(rawBody: Buffer | string, id: string, timestampSec: number | string, secret: string): string {
	return `v1,${createHmac('sha256', secret).update(`${id}.${timestampSec}.`).update(rawBody).digest('base64')}`;
}

const header = (value: unknown): string | undefined => (typeof value === 'string' ? value : Array.isArray(value) ? value.join(' ') : undefined);

/** True when the Standard Webhooks headers sign this body with `secret` and the timestamp is fresh. */
export function verifyDelivery(rawBody: Buffer, headers: Record<string, unknown>, secret: string, nowMs = Date.now()): boolean {
	const id = header(headers['webhook-id']);
	const timestamp = header(headers['webhook-timestamp'])?.trim();
	const signatures = header(headers['webhook-signature']);
	if (!id || !timestamp || !signatures || !secret || !/^\d+$/.test(timestamp)) return false;
	if (Math.abs(nowMs / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) return false;
	const expected = Buffer.from(standardSignatureOf(rawBody, id, timestamp, secret));
	return signatures.split(' ').some((candidate) => {
		const given = Buffer.from(candidate);
		return given.length === expected.length && timingSafeEqual(given, expected);
	});
}
