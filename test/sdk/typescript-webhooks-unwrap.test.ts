/**
 * `client.webhooks.unwrap` against real deliveries from a live gateway: a subscription made
 * through the SDK gets a generated `whsec_` secret; the delivery it receives unwraps to the typed
 * event, and the `standardwebhooks` package verifies it with that secret unchanged. A stale
 * timestamp, a forged signature or body, and a captured delivery replayed with a fresh timestamp
 * are refused with WebhookVerificationError; the contract's verifyWebhook still accepts the body.
 */
import { Webhook } from 'standardwebhooks';
import {
  OpenClaw,
  OpenClawError,
  WebhookVerificationError,
  verifyWebhook,
  type WebhookEvent,
} from '../../sdk/typescript/src/index';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startReceiver, type Hit, type Receiver } from '../webhooks/receiver';

describe('TypeScript SDK: webhooks.unwrap on real deliveries', () => {
  let gw: TestGateway;
  let client: OpenClaw;
  let receiver: Receiver;
  let secret: string;
  let delivery: Hit;
  let sent: { messageId: string; response: string };
  beforeAll(async () => {
    gw = await startTestGateway();
    client = new OpenClaw({ baseUrl: gw.url, apiKey: gw.adminKey });
    const sub = await client.webhooks.create({ url: 'http://127.0.0.1:9/placeholder', events: ['message.sent'] });
    secret = sub.secret!;
    receiver = await startReceiver(secret);
    await client.webhooks.update(sub.id, { url: receiver.url });
    sent = await client.messages.send({ workspace: 'default', userId: 'unwrap-user', message: 'hello hooks' });
    [delivery] = await receiver.waitForHits(1);
  }, 60_000);
  afterAll(async () => {
    await receiver.close();
    await gw.close();
  });

  const headers = (): Record<string, string> => ({ ...(delivery.headers as Record<string, string>) });
  const refusal = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(WebhookVerificationError);
      expect(e).toBeInstanceOf(OpenClawError);
      return e as WebhookVerificationError;
    }
    throw new Error('expected unwrap to refuse the delivery');
  };

  it('gets a generated Standard Webhooks secret: whsec_ + base64 of 32 bytes', () => {
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  });

  it('unwraps a real delivery to its typed event', () => {
    const event: WebhookEvent = client.webhooks.unwrap(delivery.raw, delivery.headers, secret, {
      toleranceSeconds: 300,
    });
    expect(event.event).toBe('message.sent');
    if (event.event !== 'message.sent') throw new Error('narrowing');
    // The union narrows: data is MessageSentData here.
    const answer: string = event.data.response;
    expect(answer).toBe(sent.response);
    expect(event.data).toMatchObject({ messageId: sent.messageId, workspace: 'default', userId: 'unwrap-user' });
    expect(event.id).toMatch(/^evt_/);
    // Raw bytes and a fetch Headers object work the same.
    expect(client.webhooks.unwrap(Buffer.from(delivery.raw), new Headers(headers()), secret)).toEqual(event);
  });

  it('verifies with the standardwebhooks package too, the secret unchanged', () => {
    expect(new Webhook(secret).verify(delivery.raw, headers())).toEqual(JSON.parse(delivery.raw));
    expect(delivery.standardOk).toBe(true);
  });

  it("keeps the contract's verifyWebhook (X-OpenClaw-Signature) working with the same secret", () => {
    expect(verifyWebhook(delivery.raw, delivery.headers['x-openclaw-signature'], secret)).toBe(true);
    expect(receiver.accepted.map((a) => a.event)).toEqual(['message.sent']);
  });

  it('refuses a stale delivery (validly signed, timestamp 10 minutes old), and takes it with a wider tolerance', () => {
    const id = headers()['webhook-id'];
    const old = new Date(Date.now() - 600_000);
    const stale = {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(old.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(id, old, delivery.raw),
    };
    expect(refusal(() => client.webhooks.unwrap(delivery.raw, stale, secret)).code).toBe('timestamp_out_of_tolerance');
    expect(client.webhooks.unwrap(delivery.raw, stale, secret, { toleranceSeconds: 3600 }).event).toBe('message.sent');
  });

  it('refuses forgeries: another body, another secret, a made-up signature, missing headers', () => {
    const tampered = delivery.raw.replace(sent.response, 'something else');
    expect(refusal(() => client.webhooks.unwrap(tampered, delivery.headers, secret)).code).toBe('invalid_signature');
    const otherSecret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    expect(refusal(() => client.webhooks.unwrap(delivery.raw, delivery.headers, otherSecret)).code).toBe(
      'invalid_signature',
    );
    expect(
      refusal(() =>
        client.webhooks.unwrap(
          delivery.raw,
          { ...headers(), 'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')}` },
          secret,
        ),
      ).code,
    ).toBe('invalid_signature');
    expect(
      refusal(() => client.webhooks.unwrap(delivery.raw, { ...headers(), 'webhook-signature': 'v2,abc' }, secret)).code,
    ).toBe('invalid_signature');
    const { 'webhook-signature': _s, ...unsigned } = headers();
    expect(refusal(() => client.webhooks.unwrap(delivery.raw, unsigned, secret)).code).toBe('missing_header');
    expect(refusal(() => client.webhooks.unwrap(JSON.parse(delivery.raw), delivery.headers, secret)).code).toBe(
      'invalid_payload',
    );
  });

  it('refuses a captured delivery replayed with a fresh timestamp (the signature covers it)', () => {
    const replayed: Record<string, string> = {
      ...headers(),
      'webhook-timestamp': String(Math.floor(Date.now() / 1000) + 1),
    };
    expect(refusal(() => client.webhooks.unwrap(delivery.raw, replayed, secret)).code).toBe('invalid_signature');
    // The old scheme alone would have accepted it: the body signature does not see the timestamp.
    expect(verifyWebhook(delivery.raw, replayed['x-openclaw-signature'], secret)).toBe(true);
  });

  it('accepts any of several v1 signatures', () => {
    const h = headers();
    const several = {
      ...h,
      'webhook-signature': `v1,${Buffer.alloc(32, 1).toString('base64')} ${h['webhook-signature']}`,
    };
    expect(client.webhooks.unwrap(delivery.raw, several, secret).event).toBe('message.sent');
  });

  it('unwraps deliveries of a subscription with a secret chosen before whsec_ (its UTF-8 key)', async () => {
    const legacy = await startReceiver('my-own-secret-0123456789');
    try {
      const sub = await client.webhooks.create({
        url: legacy.url,
        events: ['message.sent'],
        secret: 'my-own-secret-0123456789',
      });
      await client.messages.send({ workspace: 'default', userId: 'legacy-user', message: 'hi' });
      const [hit] = await legacy.waitForHits(1);
      expect(client.webhooks.unwrap(hit.raw, hit.headers, 'my-own-secret-0123456789')).toMatchObject({
        event: 'message.sent',
        data: { userId: 'legacy-user' },
      });
      expect(hit.standardOk).toBe(true);
      await client.webhooks.delete(sub.id);
    } finally {
      await legacy.close();
    }
  });
});
