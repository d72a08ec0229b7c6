/**
 * Delivery under failure, against real local receivers: retries on the schedule (same delivery id),
 * timeouts, Retry-After, redirects not followed, 410 Gone, disableAfter, a receiver that is
 * down for a while, and a subscription deleted while a retry is pending.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startReceiver, poll, type Receiver } from './receiver';

const SECRET = 'retry-secret-0123456789abcdef';
const DATA = {
  messageId: 'msg_1',
  workspace: 'team',
  userId: 'u',
  channel: 'api',
  response: 'hi',
  tokensUsed: 1,
  latencyMs: 1,
  sessionId: 'sess_1',
};

describe('webhook retries and failures', () => {
  let gw: TestGateway;
  let rx: Receiver;
  const emit = () => gw.gateway.ctx.events.emit('message.sent', 'team', DATA);
  const subscribe = async (body: Record<string, unknown> = {}) => {
    const res = await gw.request('POST', '/api/v1/webhooks', {
      body: { url: rx.url, events: ['message.sent'], secret: SECRET, ...body },
    });
    expect(res.status).toBe(201);
    return res.body as { id: string };
  };
  const get = async (id: string) => (await gw.request('GET', `/api/v1/webhooks/${id}`)).body;
  const deliveries = async (id: string) =>
    (await gw.request('GET', `/api/v1/webhooks/${id}/deliveries?limit=100`)).body.data as any[];
  const detail = async (id: string, d: string) =>
    (await gw.request('GET', `/api/v1/webhooks/${id}/deliveries/${d}`)).body;
  /** Waits until the subscription's newest delivery reaches a final status. */
  const settled = (id: string, n = 1) =>
    poll(
      () => deliveries(id),
      (l) => l.length >= n && l.slice(0, n).every((d) => ['delivered', 'failed', 'cancelled'].includes(d.status)),
      15000,
      'deliveries to settle',
    );
  const remove = (id: string) => gw.request('DELETE', `/api/v1/webhooks/${id}`);

  beforeAll(async () => {
    gw = await startTestGateway({
      config: {
        workspaces: [{ id: 'team' }],
        webhooks: {
          retrySchedule: [30, 60, 120],
          maxDelayMs: 2000,
          disableAfter: 3,
          circuitBreaker: { failureThreshold: 0 },
        },
      },
    });
    rx = await startReceiver(SECRET);
  });
  afterAll(async () => {
    await gw.close();
    await rx.close();
  });
  beforeEach(() => rx.reset());

  it('retries on webhooks.retrySchedule against a receiver failing twice, then delivers once with the same delivery id', async () => {
    const sub = await subscribe();
    rx.fail({ status: 500, body: 'database is down' }, { status: 503 });
    const e = await emit();
    await rx.waitFor((a) => a.length === 1);
    const [d] = await settled(sub.id);
    expect(rx.hits.map((h) => h.status)).toEqual([500, 503, 200]);
    expect(new Set(rx.hits.map((h) => h.headers['x-openclaw-delivery']))).toEqual(new Set([d.id]));
    expect(rx.hits.map((h) => h.headers['webhook-id'])).toEqual([d.id, d.id, d.id]);
    expect(rx.hits.map((h) => h.headers['x-openclaw-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(rx.hits.map((h) => h.raw)).size).toBe(1);
    expect(rx.hits.every((h) => h.standardOk)).toBe(true);
    expect(rx.accepted.map((a) => a.body.id)).toEqual([e.id]);

    expect(d).toMatchObject({
      status: 'delivered',
      attemptCount: 3,
      lastStatus: 200,
      lastError: null,
      nextAttemptAt: null,
    });
    const { attempts } = await detail(sub.id, d.id);
    expect(attempts.map((a: any) => [a.attempt, a.status, a.response])).toEqual([
      [1, 500, 'database is down'],
      [2, 503, 'scripted 503'],
      [3, 200, 'OK'],
    ]);
    // The schedule's steps (30 ms, then 60 ms) plus at most 10 % jitter, counted from the end of each attempt.
    const waited = (a: any) => Date.parse(a.nextAttemptAt) - Date.parse(a.startedAt) - a.durationMs;
    expect(waited(attempts[0])).toBeGreaterThanOrEqual(30 - 1);
    expect(waited(attempts[0])).toBeLessThanOrEqual(33 + 2);
    expect(waited(attempts[1])).toBeGreaterThanOrEqual(60 - 1);
    expect(waited(attempts[1])).toBeLessThanOrEqual(66 + 2);
    expect(attempts[2].nextAttemptAt).toBeNull();
    expect((await get(sub.id)).consecutiveFailures).toBe(0);
    await remove(sub.id);
  });

  it('bounds each attempt by timeoutMs, logs the timeout, and retries', async () => {
    const sub = await subscribe({ timeoutMs: 300 });
    rx.fail({ hang: true });
    const e = await emit();
    await rx.waitFor((a) => a.length === 1);
    const [d] = await settled(sub.id);
    expect(rx.accepted[0].body.id).toBe(e.id);
    const { attempts } = await detail(sub.id, d.id);
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).toMatchObject({
      attempt: 1,
      status: null,
      response: null,
      error: 'timeout: no complete response within 300 ms',
    });
    expect(attempts[0].durationMs).toBeGreaterThanOrEqual(290);
    expect(attempts[1]).toMatchObject({ attempt: 2, status: 200, error: null });
    await remove(sub.id);
  });

  it('honours Retry-After', async () => {
    const sub = await subscribe();
    rx.fail({ status: 429, headers: { 'Retry-After': '1' } });
    await emit();
    await rx.waitFor((a) => a.length === 1, 10000);
    const [d] = await settled(sub.id);
    const { attempts } = await detail(sub.id, d.id);
    expect(attempts.map((a: any) => a.status)).toEqual([429, 200]);
    expect(Date.parse(attempts[0].nextAttemptAt) - Date.parse(attempts[0].startedAt)).toBeGreaterThanOrEqual(1000);
    await remove(sub.id);
  });

  it('never follows redirects', async () => {
    const elsewhere = await startReceiver(SECRET);
    try {
      const sub = await subscribe({ retries: 0 });
      rx.fail({ status: 302, headers: { Location: elsewhere.url } });
      await emit();
      const [d] = await settled(sub.id);
      expect(d).toMatchObject({
        status: 'failed',
        attemptCount: 1,
        lastStatus: 302,
        lastError: 'redirect (HTTP 302) not followed',
      });
      expect(elsewhere.hits).toHaveLength(0);
      await remove(sub.id);
    } finally {
      await elsewhere.close();
    }
  });

  it('410 Gone disables the subscription at once, without retrying', async () => {
    const sub = await subscribe({ retries: 5 });
    rx.fail({ status: 410 });
    await emit();
    const [d] = await settled(sub.id);
    expect(d).toMatchObject({ status: 'failed', attemptCount: 1, lastStatus: 410 });
    const s = await get(sub.id);
    expect(s).toMatchObject({ enabled: false, disabledReason: `the receiver answered 410 Gone (delivery ${d.id})` });
    expect(s.disabledAt).toEqual(expect.any(String));
    await emit();
    expect(await deliveries(sub.id)).toHaveLength(1);
    expect(rx.hits).toHaveLength(1);
    // Re-enabling through the API clears the reason.
    const res = await gw.request('PATCH', `/api/v1/webhooks/${sub.id}`, { body: { enabled: true } });
    expect(res.body).toMatchObject({ enabled: true, disabledReason: null, disabledAt: null, consecutiveFailures: 0 });
    await remove(sub.id);
  });

  it('disables a subscription after webhooks.disableAfter consecutive failed events; a success resets the count', async () => {
    const sub = await subscribe({ retries: 0 });
    const failOnce = async (n: number) => {
      rx.fail({ status: 500 });
      await emit();
      await settled(sub.id, n);
    };
    await failOnce(1);
    await failOnce(2);
    expect((await get(sub.id)).consecutiveFailures).toBe(2);
    await emit(); // the receiver accepts this one
    await settled(sub.id, 3);
    expect(await get(sub.id)).toMatchObject({ consecutiveFailures: 0, enabled: true });
    await failOnce(4);
    await failOnce(5);
    expect(await get(sub.id)).toMatchObject({ consecutiveFailures: 2, enabled: true });
    await failOnce(6);
    expect(await get(sub.id)).toMatchObject({
      enabled: false,
      consecutiveFailures: 3,
      disabledReason: '3 consecutive events failed to deliver (last: HTTP 500)',
    });
    await remove(sub.id);
  });

  it('loses nothing while the receiver is down: every event arrives once it is back', async () => {
    const sub = await subscribe({ retries: 20 });
    await rx.stop();
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push(await emit());
    // Every delivery has failed at least once (connection refused) before the receiver returns.
    await poll(
      () => deliveries(sub.id),
      (l) => l.length === 5 && l.every((d) => d.attemptCount >= 2),
      10000,
      'failed attempts',
    );
    await rx.start();
    await rx.waitFor((a) => a.length === 5, 15000);
    const log = await settled(sub.id, 5);
    expect(log.every((d) => d.status === 'delivered')).toBe(true);
    expect(rx.accepted.map((a) => a.body.id).sort()).toEqual(sent.map((e) => e.id).sort());
    const { attempts } = await detail(sub.id, log[0].id);
    expect(attempts[0]).toMatchObject({ attempt: 1, status: null, error: expect.stringContaining('ECONNREFUSED') });
    await remove(sub.id);
  });

  it('a subscription deleted while a retry is pending cancels that delivery', async () => {
    const sub = await subscribe();
    rx.fail({ status: 503, headers: { 'Retry-After': '1' } });
    await emit();
    const [d] = await poll(
      () => deliveries(sub.id),
      (l) => l[0]?.status === 'retrying',
      5000,
      'a pending retry',
    );
    await remove(sub.id);
    const stored = await poll(
      () => gw.gateway.ctx.stores.webhooks.getDelivery(sub.id, d.id),
      (x) => x?.status === 'cancelled',
      5000,
      'cancelled delivery',
    );
    expect(stored).toMatchObject({ status: 'cancelled', lastError: 'subscription deleted', attemptCount: 1 });
    expect(rx.hits).toHaveLength(1);
  });
});
