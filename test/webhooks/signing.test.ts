/**
 * Which key signs `webhook-signature`: a `whsec_<base64>` secret (what the gateway generates now, or a Svix
 * secret a user brings) is used as the Standard Webhooks libraries read it, so `standardwebhooks`
 * verifies with the secret unchanged; every other secret (user-chosen, or `oclaw_whsec_…` from
 * before) keeps the UTF-8 key it always had, so receivers set up earlier keep verifying.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { deliveryHeaders, generateSecret, standardWebhooksSecret } from '../../server/webhooks/signing';

const body = JSON.stringify({
  id: 'evt_1',
  event: 'message.sent',
  timestamp: new Date().toISOString(),
  data: { messageId: 'msg_1' },
});
const headersFor = (secret: string) =>
  deliveryHeaders({
    secret,
    deliveryId: 'dlv_1',
    event: 'message.sent',
    attempt: 1,
    timestampSec: Math.floor(Date.now() / 1000),
    body,
    userAgent: 'test',
  });

describe('webhook signing keys', () => {
  it('generates whsec_ + base64 of 32 random bytes, which standardwebhooks takes unchanged', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(generateSecret()).not.toBe(secret);
    expect(new Webhook(secret).verify(body, headersFor(secret))).toEqual(JSON.parse(body));
    expect(standardWebhooksSecret(secret)).toBe(secret);
  });

  it('accepts a Svix-style secret (24 bytes) unchanged too', () => {
    const svix = `whsec_${randomBytes(24).toString('base64')}`;
    expect(new Webhook(svix).verify(body, headersFor(svix))).toEqual(JSON.parse(body));
  });

  it('keeps the UTF-8 key for every other secret, as before', () => {
    for (const secret of [
      'oclaw_whsec_0123456789abcdefghijABCDEFGHIJ0123456789',
      'my-own-secret-1234567890',
      'whsec_not base64 at all!',
      'whsec_c2hvcnQ=',
    ]) {
      const h = headersFor(secret);
      const legacy = `v1,${createHmac('sha256', Buffer.from(secret, 'utf8')).update(`dlv_1.${h['webhook-timestamp']}.${body}`).digest('base64')}`;
      expect(h['webhook-signature']).toBe(legacy);
      expect(standardWebhooksSecret(secret)).toBe(`whsec_${Buffer.from(secret, 'utf8').toString('base64')}`);
      expect(new Webhook(standardWebhooksSecret(secret)).verify(body, h)).toEqual(JSON.parse(body));
    }
  });

  it('signs X-OpenClaw-Signature with the whole secret string, whatever its form', () => {
    for (const secret of [generateSecret(), 'my-own-secret-1234567890']) {
      expect(headersFor(secret)['x-openclaw-signature']).toBe(
        `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      );
    }
  });
});
