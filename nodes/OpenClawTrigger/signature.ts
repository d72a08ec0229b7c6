/** The chapter's verifyWebhook, in constant time: `sha256=<hex HMAC-SHA256 of the raw body>`. */
import { createHmac, timingSafeEqual } from 'crypto';

export function signatureOf(rawBody: Buffer | string, secret: string): string {
	return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

export function verifySignature(rawBody: Buffer | string, signature: unknown, secret: string): boolean {
	if (typeof signature !== 'string' || !secret) return false;
	const expected = Buffer.from(signatureOf(rawBody, secret));
	const given = Buffer.from(signature);
	return expected.length === given.length && timingSafeEqual(expected, given);
}
