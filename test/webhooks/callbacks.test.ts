/**
 * callbackUrl on POST /api/v1/messages ("async": true): 202 at once, then the message.sent /
 * error.agent payload is POSTed to the URL through the webhooks queue: signed (the contract's
 * X-OpenClaw-Signature and Standard Webhooks headers, with callbackSecret or the generated
 * secret the 202 returned), retried on failure, logged like a delivery, and the same payload a
 * subscription gets. Bad inputs: not http(s), without async, on the stream endpoint, a private
 * address for a workspace-scoped key (the subscriptions' SSRF policy), metadata addresses always.
 */
import { Webhook } from 'standardwebhooks';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startFakeOpenAI } from '../fakes/openai';
import type { FakeLlm } from '../fakes/llm-script';
import { startReceiver, poll, type Receiver } from './receiver';

const SECRET = 'callback-secret-0123456789abcdef';

describe('message callbacks (callbackUrl)', () => {
  let gw: TestGateway;
  let rx: Receiver;
  let llm: FakeLlm;
  let tenantKey: string;

  beforeAll(async () => {
    llm = await startFakeOpenAI();
    rx = await startReceiver(SECRET);
    gw = await startTestGateway({
      config: {
        workspaces: [{ id: 'team' }],
        providers: {
          main: { type: 'openai-compatible', baseUrl: `${llm.url}/v1`, apiKey: 'sk-test', retries: 0, timeoutMs: 2000 },
        },
        model: 'm1',
        webhooks: { retrySchedule: [50] },
      },
    });
    tenantKey = await gw.createKey({
      workspaces: ['team'],
      permissions: ['messages:write', 'webhooks:read', 'webhooks:write'],
    });
  }, 120_000); // generous: on a loaded shared machine the gateway and its first messages take a while
  afterAll(async () => {
    await gw.close();
    await rx.close();
    await llm.close();
  });
  beforeEach(() => rx.reset());

  const send = (body: Record<string, unknown>, key?: string, headers?: Record<string, string>) =>
    gw.request('POST', '/api/v1/messages', {
      key,
      headers,
      body: { workspace: 'team', userId: 'zap-user', message: 'Write the standup', async: true, ...body },
    });

  it('202 at once, then message.sent is POSTed to the callback, signed with callbackSecret, the same payload GET /events lists', async () => {
    llm.reply({ text: 'Standup: all green.' });
    const res = await send({ callbackUrl: rx.url, callbackSecret: SECRET });
    expect(res.status).toBe(202);
    const { messageId, sessionId, callbackId } = res.body;
    expect(res.body).toEqual({ messageId, sessionId, status: 'queued', callbackId: expect.stringMatching(/^wh_cb_/) });
    const [got] = await rx.waitFor((a) => a.length >= 1, 60_000);
    expect(got.event).toBe('message.sent');
    expect(got.data).toMatchObject({
      messageId,
      sessionId,
      workspace: 'team',
      userId: 'zap-user',
      response: 'Standup: all green.',
    });
    expect(rx.hits[0].standardOk).toBe(true); // the contract's handler accepted X-OpenClaw-Signature too (else not in accepted)
    expect(got.headers['webhook-id']).toMatch(/^dlv_/);
    const listed = await gw.request('GET', '/api/v1/events?type=message.sent&workspace=team&limit=1');
    expect(JSON.stringify(listed.body.data[0])).toBe(rx.hits[0].raw);
    // The callback's delivery log, read-only, never in the subscription list; hidden from keys that do not cover its scope.
    expect((await gw.request('GET', `/api/v1/webhooks/${callbackId}`, { key: tenantKey })).status).toBe(404);
    const target = await gw.request('GET', `/api/v1/webhooks/${callbackId}`);
    expect(target.body).toMatchObject({
      source: 'callback',
      url: rx.url,
      events: ['message.sent', 'error.agent'],
      scope: ['*'],
    });
    const log = await poll(
      () => gw.request('GET', `/api/v1/webhooks/${callbackId}/deliveries`),
      (r) => r.body.data[0]?.status === 'delivered',
      60_000,
      'delivered',
    );
    expect(log.body.total).toBe(1);
    expect((await gw.request('PATCH', `/api/v1/webhooks/${callbackId}`, { body: { enabled: false } })).status).toBe(
      409,
    );
    expect((await gw.request('GET', '/api/v1/webhooks')).body.data.map((w: any) => w.id)).not.toContain(callbackId);
  });

  it('an agent failure POSTs error.agent; a failed attempt is retried with the same webhook-id', async () => {
    llm.reply({ status: 401, message: 'Incorrect API key provided' });
    rx.fail({ status: 500 });
    const res = await send({ callbackUrl: rx.url, callbackSecret: SECRET });
    expect(res.status).toBe(202);
    const [got] = await rx.waitFor((a) => a.length >= 1, 60_000);
    expect(got.event).toBe('error.agent');
    expect(got.data).toMatchObject({ messageId: res.body.messageId, code: 'upstream_error' });
    expect(rx.hits.map((h) => h.status)).toEqual([500, 200]);
    expect(rx.hits[0].headers['webhook-id']).toBe(rx.hits[1].headers['webhook-id']);
    expect(rx.hits[1].headers['x-openclaw-attempt']).toBe('2');
  });

  it('without callbackSecret the 202 returns a generated one (once per message, the same on an idempotent replay) that verifies the callback', async () => {
    llm.reply({ text: 'ok' });
    const headers = { 'idempotency-key': 'zap-run-1' };
    const res = await send({ callbackUrl: rx.url }, undefined, headers);
    expect(res.status).toBe(202);
    expect(res.body.callbackSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/); // Standard Webhooks: 32 random bytes
    const again = await send({ callbackUrl: rx.url }, undefined, headers);
    expect(again.body).toMatchObject({ messageId: res.body.messageId, callbackSecret: res.body.callbackSecret });
    const [hit] = await rx.waitForHits(1, 60_000);
    expect(hit.status).toBe(401); // the receiver's own secret does not verify it…
    const verifier = new Webhook(res.body.callbackSecret); // the library takes the secret unchanged
    expect(verifier.verify(hit.raw, hit.headers as Record<string, string>)).toMatchObject({
      event: 'message.sent',
      data: { messageId: res.body.messageId },
    }); // …the returned one does
  });

  it.each([
    [
      { callbackUrl: 'ftp://hooks.example.com/x' },
      'callbackUrl',
      'validation_error',
      /must use http or https, not ftp/,
    ],
    [{ callbackUrl: 'not a url' }, 'callbackUrl', 'validation_error', /spaces or control characters/],
    [{ callbackUrl: 'hooks.example.com/x' }, 'callbackUrl', 'validation_error', /absolute http/],
    [{ callbackUrl: 'https://user:pw@hooks.example.com/x' }, 'callbackUrl', 'validation_error', /credentials/],
    [
      { callbackUrl: 'https://hooks.example.com/x', async: false },
      'callbackUrl',
      'validation_error',
      /needs "async": true/,
    ],
    [{ callbackSecret: 'a-long-enough-secret-1234' }, 'callbackSecret', 'validation_error', /needs a callbackUrl/],
    [
      { callbackUrl: 'https://hooks.example.com/x', callbackSecret: 'short' },
      'callbackSecret',
      'validation_error',
      /./,
    ],
    [
      { callbackUrl: 'http://169.254.169.254/latest/meta-data' },
      'callbackUrl',
      'url_not_allowed',
      /link-local or cloud metadata/,
    ],
  ])('%j → 400 %s', async (body, field, code, message) => {
    const res = await send(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code, field });
    expect(res.body.error.message).toMatch(message);
  });

  it('a workspace-scoped key may not call back a private address (the subscriptions policy); nothing is queued', async () => {
    const before = (await gw.request('GET', '/api/v1/events?type=message.received&workspace=team&limit=100')).body.data
      .length;
    for (const url of [rx.url, 'http://10.0.0.5/hook', 'http://[::1]/hook']) {
      const res = await send({ callbackUrl: url }, tenantKey);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'url_not_allowed', field: 'callbackUrl' });
      expect(res.body.error.message).toMatch(/private or loopback address/);
    }
    expect(
      (await gw.request('GET', '/api/v1/events?type=message.received&workspace=team&limit=100')).body.data.length,
    ).toBe(before);
  });

  it('the stream endpoint refuses callbackUrl', async () => {
    const res = await gw.request('POST', '/api/v1/messages/stream', {
      body: { workspace: 'team', userId: 'u', message: 'hi', callbackUrl: rx.url },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_error', field: 'callbackUrl' });
  });
});
