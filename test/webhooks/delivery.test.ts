/**
 * Events reach real local receivers with the documented payload and headers, signed so that
 * the contract's verifyWebhook (Express handler, unchanged) and the standardwebhooks library
 * both accept them; test pings, redeliveries, scoping and filters.
 */
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startReceiver, poll, type Receiver } from './receiver';
import type { EventName } from '../../server/events';
import { VERSION } from '../../server/version';

const SECRET = 'test-secret-0123456789abcdef';

/** Sample data per event, as the emitters produce it (docs/webhooks.md lists every field). */
const SAMPLES: Record<Exclude<EventName, 'ping'>, Record<string, unknown>> = {
  'message.received': {
    messageId: 'msg_1',
    workspace: 'team',
    userId: 'telegram:123456789',
    channel: 'api',
    sessionId: 'sess_1',
    message: 'Summarize the latest GitHub activity',
  },
  'message.sent': {
    messageId: 'msg_1',
    workspace: 'team',
    userId: 'telegram:123456789',
    channel: 'telegram',
    response: 'Here is your summary...',
    tokensUsed: 842,
    latencyMs: 2100,
    sessionId: 'sess_1',
  },
  'session.started': {
    sessionId: 'sess_1',
    workspace: 'team',
    userId: 'api-user',
    channel: 'api',
    createdAt: '2026-04-30T10:00:00.000Z',
    lastActiveAt: '2026-04-30T10:00:00.000Z',
    messageCount: 0,
    tokensUsed: 0,
  },
  'session.ended': {
    sessionId: 'sess_1',
    workspace: 'team',
    userId: 'api-user',
    channel: 'api',
    createdAt: '2026-04-30T10:00:00.000Z',
    lastActiveAt: '2026-04-30T10:42:00.000Z',
    messageCount: 14,
    tokensUsed: 8420,
    reason: 'idle',
  },
  'error.agent': {
    messageId: 'msg_2',
    workspace: 'team',
    userId: 'api-user',
    channel: 'api',
    sessionId: 'sess_1',
    code: 'upstream_error',
    message: 'the model provider answered 503',
  },
  'channel.disconnected': {
    channel: 'telegram',
    workspace: 'team',
    reason: 'bot token revoked',
    since: '2026-04-30T10:00:00.000Z',
  },
  'channel.connected': {
    channel: 'telegram',
    workspace: 'team',
    since: '2026-04-30T10:00:00.000Z',
    connectedAt: '2026-04-30T10:05:00.000Z',
  },
  'schedule.completed': {
    scheduleId: 'standup',
    runId: 'run_1',
    trigger: 'schedule',
    scheduledFor: '2026-04-30T09:00:00.000Z',
    workspace: 'team',
    userId: 'standup-bot',
    messageId: 'msg_3',
    sessionId: 'sess_2',
    response: 'Yesterday: 4 commits',
    tokensUsed: 120,
    latencyMs: 900,
  },
  'schedule.failed': {
    scheduleId: 'standup',
    runId: 'run_2',
    trigger: 'manual',
    scheduledFor: '2026-04-30T09:00:00.000Z',
    workspace: 'team',
    userId: 'standup-bot',
    messageId: 'msg_4',
    sessionId: 'sess_2',
    error: { code: 'upstream_error', message: 'timeout' },
  },
};
const ALL_EVENTS = Object.keys(SAMPLES) as Array<keyof typeof SAMPLES>;

describe('webhook deliveries', () => {
  let gw: TestGateway;
  let rx: Receiver;
  const emit = (event: EventName, workspace: string | null, data: Record<string, unknown>) =>
    gw.gateway.ctx.events.emit(event, workspace, data);
  const subscribe = async (body: Record<string, unknown>, key?: string) => {
    const res = await gw.request('POST', '/api/v1/webhooks', { body, key });
    expect(res.status).toBe(201);
    return res.body;
  };
  const deliveries = async (id: string) =>
    (await gw.request('GET', `/api/v1/webhooks/${id}/deliveries`)).body.data as any[];

  beforeAll(async () => {
    gw = await startTestGateway({
      config: {
        workspaces: [{ id: 'team' }, { id: 'ops' }],
        // The receiver listens on loopback: workspace-scoped keys may reach it only when it is listed.
        webhooks: { retrySchedule: [10, 20, 40], maxDelayMs: 100, allowedHosts: ['127.0.0.1'] },
      },
    });
    rx = await startReceiver(SECRET);
  });
  afterAll(async () => {
    await gw.close();
    await rx.close();
  });
  beforeEach(() => rx.reset());

  it('delivers every event with the contract payload plus its id, signed both ways', async () => {
    const sub = await subscribe({ url: rx.url, events: ['*'], secret: SECRET });
    const sent = [];
    for (const name of ALL_EVENTS) sent.push(await emit(name, 'team', SAMPLES[name]));
    await rx.waitFor((a) => a.length === ALL_EVENTS.length);
    expect(rx.hits.every((h) => h.status === 200 && h.standardOk)).toBe(true);

    for (const e of sent) {
      const got = rx.accepted.find((a) => a.body.id === e.id)!;
      expect(got.event).toBe(e.event);
      expect(got.data).toEqual(SAMPLES[e.event as keyof typeof SAMPLES]);
      // Exactly these four fields, in this order; the internal `workspace` is not at top level.
      const hit = rx.hits.find((h) => JSON.parse(h.raw).id === e.id)!;
      expect(hit.raw).toBe(
        JSON.stringify({
          id: e.id,
          event: e.event,
          timestamp: e.timestamp,
          data: SAMPLES[e.event as keyof typeof SAMPLES],
        }),
      );
      expect(e.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const h = hit.headers;
      expect(h['content-type']).toBe('application/json');
      expect(h['user-agent']).toBe(`OpenClaw-Webhooks/${VERSION}`);
      expect(h['x-openclaw-event']).toBe(e.event);
      expect(h['x-openclaw-delivery']).toMatch(/^dlv_[A-Za-z0-9]{20}$/);
      expect(h['x-openclaw-attempt']).toBe('1');
      expect(h['x-openclaw-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(hit.raw).digest('hex')}`);
      expect(h['webhook-id']).toBe(h['x-openclaw-delivery']);
      expect(Number(h['webhook-timestamp'])).toBeGreaterThan(1_700_000_000);
      expect(h['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    }
    // The log shows each one delivered once, with its id and event.
    const log = await deliveries(sub.id);
    expect(log).toHaveLength(ALL_EVENTS.length);
    expect(
      log.every((d) => d.status === 'delivered' && d.attemptCount === 1 && d.lastStatus === 200 && d.manual === false),
    ).toBe(true);
    expect(new Set(log.map((d) => d.eventId))).toEqual(new Set(sent.map((e) => e.id)));
    await gw.request('DELETE', `/api/v1/webhooks/${sub.id}`);
  });

  it('signs with a generated whsec_ secret that the contract code and Standard Webhooks (the secret unchanged) both accept', async () => {
    const created = await subscribe({ url: rx.url, events: ['message.sent'] });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(created.secret.slice(6), 'base64')).toHaveLength(32);
    const own = await startReceiver(created.secret);
    try {
      await gw.request('PATCH', `/api/v1/webhooks/${created.id}`, { body: { url: own.url } });
      const e = await emit('message.sent', 'team', SAMPLES['message.sent']);
      const [got] = await own.waitFor((a) => a.length === 1);
      expect(got.body.id).toBe(e.id);
      const hit = own.hits[0];
      expect(hit.standardOk).toBe(true);
      const wh = new Webhook(created.secret);
      expect(wh.verify(hit.raw, hit.headers as Record<string, string>)).toEqual(JSON.parse(hit.raw));
      // A wrong secret is refused by both.
      expect(() =>
        new Webhook(Buffer.from('not-the-secret').toString('base64')).verify(
          hit.raw,
          hit.headers as Record<string, string>,
        ),
      ).toThrow();
      expect(rx.accepted).toHaveLength(0);
    } finally {
      await own.close();
      await gw.request('DELETE', `/api/v1/webhooks/${created.id}`);
    }
  });

  it('the contract handler refuses a delivery signed with another secret (401), and it is retried and logged', async () => {
    const sub = await subscribe({
      url: rx.url,
      events: ['session.started'],
      secret: 'a-different-secret-123456',
      retries: 1,
    });
    await emit('session.started', 'team', SAMPLES['session.started']);
    await rx.waitForHits(2);
    expect(rx.hits.map((h) => h.status)).toEqual([401, 401]);
    expect(rx.accepted).toHaveLength(0);
    const [d] = await poll(
      () => deliveries(sub.id),
      (l) => l[0]?.status === 'failed',
      5000,
      'failed delivery',
    );
    expect(d).toMatchObject({ status: 'failed', attemptCount: 2, lastStatus: 401, lastError: null });
    await gw.request('DELETE', `/api/v1/webhooks/${sub.id}`);
  });

  it('POST /webhooks/{id}/test sends a ping to that subscription only', async () => {
    const sub = await subscribe({ url: rx.url, events: ['message.sent'], secret: SECRET });
    const other = await subscribe({ url: rx.url, events: ['*'], secret: SECRET });
    const res = await gw.request('POST', `/api/v1/webhooks/${sub.id}/test`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      webhookId: sub.id,
      event: 'ping',
      status: 'pending',
      manual: true,
      attemptCount: 0,
      redeliveryOf: null,
    });
    const [got] = await rx.waitFor((a) => a.length === 1);
    expect(got.event).toBe('ping');
    expect(got.body).toEqual({
      id: res.body.eventId,
      event: 'ping',
      timestamp: expect.stringMatching(/Z$/),
      data: { webhookId: sub.id, url: rx.url, events: ['message.sent'], message: expect.any(String) },
    });
    expect(got.headers['x-openclaw-delivery']).toBe(res.body.id);
    expect(got.headers['x-openclaw-event']).toBe('ping');
    expect(await deliveries(other.id)).toEqual([]);
    await gw.request('DELETE', `/api/v1/webhooks/${sub.id}`);
    await gw.request('DELETE', `/api/v1/webhooks/${other.id}`);
  });

  it('redelivers a logged delivery: same body and event id, a new delivery id', async () => {
    const sub = await subscribe({ url: rx.url, events: ['message.sent'], secret: SECRET });
    const e = await emit('message.sent', 'team', SAMPLES['message.sent']);
    await rx.waitFor((a) => a.length === 1);
    const [first] = await deliveries(sub.id);
    const res = await gw.request('POST', `/api/v1/webhooks/${sub.id}/deliveries/${first.id}/redeliver`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      eventId: e.id,
      event: 'message.sent',
      redeliveryOf: first.id,
      manual: true,
      status: 'pending',
    });
    expect(res.body.id).not.toBe(first.id);
    await rx.waitFor((a) => a.length === 2);
    expect(rx.hits[1].raw).toBe(rx.hits[0].raw);
    expect(rx.hits[1].headers['x-openclaw-delivery']).toBe(res.body.id);
    const detail = await poll(
      () => gw.request('GET', `/api/v1/webhooks/${sub.id}/deliveries/${res.body.id}`),
      (r) => r.body.status === 'delivered',
      5000,
      'redelivery logged',
    );
    expect(detail.body.payload).toEqual(JSON.parse(rx.hits[0].raw));
    expect(detail.body.attempts).toEqual([
      {
        attempt: 1,
        startedAt: expect.any(String),
        durationMs: expect.any(Number),
        status: 200,
        error: null,
        response: 'OK',
        nextAttemptAt: null,
      },
    ]);
    // Unknown delivery, and a delivery of another subscription, are 404.
    const other = await subscribe({ url: rx.url, events: ['message.sent'], secret: SECRET });
    expect((await gw.request('POST', `/api/v1/webhooks/${other.id}/deliveries/${first.id}/redeliver`)).status).toBe(
      404,
    );
    const missing = await gw.request('POST', `/api/v1/webhooks/${sub.id}/deliveries/dlv_doesnotexist/redeliver`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { code: 'not_found', message: "delivery 'dlv_doesnotexist' not found" } });
    await gw.request('DELETE', `/api/v1/webhooks/${sub.id}`);
    await gw.request('DELETE', `/api/v1/webhooks/${other.id}`);
  });

  it("a key of workspace A never receives B's events; the workspaces filter narrows further", async () => {
    const keyA = await gw.createKey({ workspaces: ['team'], permissions: ['webhooks:read', 'webhooks:write'] });
    const subA = await subscribe({ url: rx.url, events: ['*'], secret: SECRET }, keyA);
    expect(subA.scope).toEqual(['team']);
    const all = await subscribe({ url: rx.url, events: ['message.sent'], secret: SECRET });
    const opsOnly = await subscribe({ url: rx.url, events: ['message.sent'], secret: SECRET, workspaces: ['ops'] });

    const inOps = await emit('message.sent', 'ops', { ...SAMPLES['message.sent'], workspace: 'ops' });
    const inTeam = await emit('message.sent', 'team', SAMPLES['message.sent']);
    const wide = await emit('channel.disconnected', null, { channel: 'telegram', workspace: null, reason: 'network' });
    // Deliveries are created while emit runs: the logs are final now.
    expect((await deliveries(subA.id)).map((d) => d.eventId)).toEqual([inTeam.id]);
    expect((await deliveries(opsOnly.id)).map((d) => d.eventId)).toEqual([inOps.id]);
    expect((await deliveries(all.id)).map((d) => d.eventId).sort()).toEqual([inOps.id, inTeam.id].sort());
    await rx.waitFor((a) => a.length === 4);
    const to = (id: string) => rx.hits.filter((h) => JSON.parse(h.raw).id === id).length;
    expect([to(inTeam.id), to(inOps.id), to(wide.id)]).toEqual([2, 2, 0]);

    // The scoped key sees its own subscription only.
    const listed = await gw.request('GET', '/api/v1/webhooks', { key: keyA });
    expect(listed.body.data.map((s: any) => s.id)).toEqual([subA.id]);
    expect((await gw.request('GET', `/api/v1/webhooks/${all.id}`, { key: keyA })).status).toBe(404);
    expect((await gw.request('GET', `/api/v1/webhooks/${all.id}/deliveries`, { key: keyA })).status).toBe(404);
    for (const s of [subA, all, opsOnly]) await gw.request('DELETE', `/api/v1/webhooks/${s.id}`);
  });

  it('gateway-wide events (workspace null, e.g. channel.disconnected) reach all-workspace subscriptions', async () => {
    const sub = await subscribe({ url: rx.url, events: ['channel.disconnected'], secret: SECRET });
    const e = await emit('channel.disconnected', null, {
      channel: 'telegram',
      workspace: null,
      reason: 'bot token revoked',
    });
    const [got] = await rx.waitFor((a) => a.length === 1);
    expect(got.body).toEqual({
      id: e.id,
      event: 'channel.disconnected',
      timestamp: e.timestamp,
      data: { channel: 'telegram', workspace: null, reason: 'bot token revoked' },
    });
    await gw.request('DELETE', `/api/v1/webhooks/${sub.id}`);
  });

  it('a disabled subscription gets nothing; a deleted one cancels what was pending', async () => {
    const sub = await subscribe({ url: rx.url, events: ['message.sent'], secret: SECRET });
    await gw.request('PATCH', `/api/v1/webhooks/${sub.id}`, { body: { enabled: false } });
    await emit('message.sent', 'team', SAMPLES['message.sent']);
    expect(await deliveries(sub.id)).toEqual([]);
    // Enabled again: delivered.
    await gw.request('PATCH', `/api/v1/webhooks/${sub.id}`, { body: { enabled: true } });
    const e = await emit('message.sent', 'team', SAMPLES['message.sent']);
    const [got] = await rx.waitFor((a) => a.length === 1);
    expect(got.body.id).toBe(e.id);
    await gw.request('DELETE', `/api/v1/webhooks/${sub.id}`);
    await emit('message.sent', 'team', SAMPLES['message.sent']);
    expect(rx.hits).toHaveLength(1);
  });

  it('emitting does not wait for a slow receiver', async () => {
    const sub = await subscribe({ url: rx.url, events: ['message.sent'], secret: SECRET, timeoutMs: 3000 });
    rx.fail({ hang: true });
    const e = await emit('message.sent', 'team', SAMPLES['message.sent']);
    // emit resolved while the receiver is still holding the request (or before it arrived).
    expect(rx.accepted).toHaveLength(0);
    const log = await deliveries(sub.id);
    expect(log).toMatchObject([{ eventId: e.id, status: 'pending' }]);
    await gw.request('DELETE', `/api/v1/webhooks/${sub.id}`);
  });
});
