/**
 * The TS SDK against a live gateway on real Redis: sends (sync, async + wait, idempotent),
 * streams as token strings and as typed events, resume after a given event id, sessions, stats,
 * and webhook subscriptions whose real deliveries an Express receiver accepts with verifyWebhook.
 */
import express from 'express';
import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  MessageStream,
  OpenClaw,
  OpenClawError,
  signWebhook,
  verifyWebhook,
  type StreamEvent,
} from '../../sdk/typescript/src/index';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

/** SSE ids and events of a raw stream body. */
function parseRaw(text: string): Array<{ id: string; event: StreamEvent }> {
  return text
    .split('\n\n')
    .filter((block) => block.includes('data: '))
    .map((block) => ({ id: /^id: (.*)$/m.exec(block)![1], event: JSON.parse(/^data: (.*)$/m.exec(block)![1]) }));
}

describe('TypeScript SDK: messages, sessions, stats and webhooks against the live gateway', () => {
  let gw: TestGateway;
  let client: OpenClaw;
  beforeAll(async () => {
    gw = await startTestGateway({ config: { webhooks: { retrySchedule: [10, 20, 40] } } });
    client = new OpenClaw({ baseUrl: gw.url, apiKey: gw.adminKey });
    await client.workspaces.create({ id: 'team' });
  });
  afterAll(() => gw.close());

  it('sends a message and returns the contract response object', async () => {
    const response = await client.messages.send({
      workspace: 'team',
      userId: 'my-app',
      message: 'What is the status of our deployment?',
      context: { timezone: 'America/New_York', language: 'en' },
    });
    expect(response).toEqual({
      messageId: expect.stringMatching(/^msg_/),
      response: expect.any(String),
      tokensUsed: response.tokensIn! + response.tokensOut!,
      latencyMs: expect.any(Number),
      sessionId: expect.stringMatching(/^sess_/),
      toolsInvoked: [],
      finishReason: 'stop',
      model: 'offline',
      tokensIn: expect.any(Number),
      tokensOut: expect.any(Number),
      costUSD: expect.anything(),
    });
    expect(response.response.length).toBeGreaterThan(0);
  });

  it('streams token strings, and typed events ending with done', async () => {
    const tokens: string[] = [];
    for await (const token of client.messages.stream({
      workspace: 'team',
      userId: 'streamer',
      message: 'Write a comprehensive deployment checklist',
    })) {
      expect(typeof token).toBe('string');
      tokens.push(token);
    }
    expect(tokens.length).toBeGreaterThan(1);

    const stream = client.messages.stream({ workspace: 'team', userId: 'streamer', message: 'again, with events' });
    expect(stream).toBeInstanceOf(MessageStream);
    const events: StreamEvent[] = [];
    for await (const event of stream.events()) events.push(event);
    const done = events[events.length - 1];
    expect(done).toEqual({
      type: 'done',
      messageId: expect.stringMatching(/^msg_/),
      tokensUsed: expect.any(Number),
      latencyMs: expect.any(Number),
      sessionId: expect.stringMatching(/^sess_/),
      finishReason: 'stop',
      toolsInvoked: [],
      model: 'offline',
      tokensIn: expect.any(Number),
      tokensOut: expect.any(Number),
      costUSD: expect.anything(),
    });
    expect(events.slice(0, -1).every((e) => e.type === 'token')).toBe(true);
    expect(stream.done).toBe(done);
    expect(stream.messageId).toBe((done as { messageId: string }).messageId);
    expect(stream.headers['x-message-id']).toBe(stream.messageId);
    expect(stream.headers['x-request-id']).toMatch(/^req_/);
    expect(stream.lastEventId).toMatch(/^\d+-\d+$/);
    expect(() => stream.events()).toThrow(/only once/);

    const text = events.map((e) => (e.type === 'token' ? e.content : '')).join('');
    const info = await client.messages.get(stream.messageId!);
    expect(info).toMatchObject({
      messageId: stream.messageId,
      status: 'done',
      response: text,
      workspace: 'team',
      userId: 'streamer',
      channel: 'api',
    });

    const final = await client.messages.stream({ workspace: 'team', userId: 'streamer', message: 'final()' }).final();
    expect(final.text.length).toBeGreaterThan(0);
    expect(final.done.type).toBe('done');
  });

  it('resumes a stream after a given event id with the events that followed', async () => {
    const first = client.messages.stream({ workspace: 'team', userId: 'resumer', message: 'tell me a long story' });
    const all: StreamEvent[] = [];
    for await (const e of first.events()) all.push(e);
    const raw = parseRaw((await gw.request('GET', `/api/v1/messages/${first.messageId}/stream`)).text);
    expect(raw.map((r) => r.event)).toEqual(all);
    const rest: StreamEvent[] = [];
    for await (const e of client.messages.resume(first.messageId!, { lastEventId: raw[1].id }).events()) rest.push(e);
    expect(rest).toEqual(all.slice(2));
  });

  it('a stream error before the stream starts is an OpenClawError with the HTTP status', async () => {
    const err = await (async () => {
      for await (const _ of client.messages.stream({ workspace: 'nope', userId: 'u', message: 'hi' })) void _;
    })().catch((e) => e);
    expect(err).toBeInstanceOf(OpenClawError);
    expect(err.status).toBe(404);
  });

  it('sends asynchronously, then waits for the result', async () => {
    const accepted = await client.messages.send({
      workspace: 'team',
      userId: 'async-user',
      message: 'long job',
      async: true,
    });
    expect(accepted).toEqual({
      messageId: expect.stringMatching(/^msg_/),
      sessionId: expect.stringMatching(/^sess_/),
      status: expect.stringMatching(/^(queued|running|done)$/),
    });
    const done = await client.messages.wait(accepted.messageId, { pollIntervalMs: 20 });
    expect(done).toMatchObject({
      messageId: accepted.messageId,
      sessionId: accepted.sessionId,
      status: 'done',
      finishReason: 'stop',
    });
    expect(done.response!.length).toBeGreaterThan(0);
  });

  it('an idempotency key returns the first result without a second run', async () => {
    const a = await client.messages.send(
      { workspace: 'team', userId: 'idem', message: 'once' },
      { idempotencyKey: 'ts-idem-1' },
    );
    const b = await client.messages.send(
      { workspace: 'team', userId: 'idem', message: 'once' },
      { idempotencyKey: 'ts-idem-1' },
    );
    expect(b).toEqual(a);
    expect((await client.sessions.get(a.sessionId)).messageCount).toBe(2);
  });

  it('lists, reads, pages and clears sessions', async () => {
    await client.messages.send({ workspace: 'team', userId: 'sess-user', message: 'first', sessionId: 'ts-session-1' });
    await client.messages.send({
      workspace: 'team',
      userId: 'sess-user',
      message: 'second',
      sessionId: 'ts-session-1',
    });
    const session = await client.sessions.get('ts-session-1');
    expect(session).toEqual({
      id: 'ts-session-1',
      workspace: 'team',
      userId: 'sess-user',
      createdAt: expect.any(String),
      lastActiveAt: expect.any(String),
      messageCount: 4,
      tokensUsed: expect.any(Number),
      channel: 'api',
    });
    const list = await client.sessions.list({ workspace: 'team', userId: 'sess-user', limit: 10 });
    expect(list).toEqual({ data: [session], total: 1, limit: 10, offset: 0 });
    const page = await client.sessions.history('ts-session-1', { limit: 2, offset: 0 });
    expect(page.total).toBe(4);
    expect(page.data.map((t) => [t.role, t.content])).toEqual([
      ['user', 'second'],
      ['assistant', expect.any(String)],
    ]);
    const older = await client.sessions.history('ts-session-1', { limit: 2, offset: 2 });
    expect(older.data.map((t) => t.content)[0]).toBe('first');
    await expect(client.sessions.delete('ts-session-1')).resolves.toBeUndefined();
    await expect(client.sessions.get('ts-session-1')).rejects.toMatchObject({ status: 404 });
    const cleared = await client.sessions.deleteAll({ workspace: 'team' });
    expect(cleared.workspace).toBe('team');
    expect(cleared.deleted).toBeGreaterThan(0);
    expect((await client.sessions.list({ workspace: 'team' })).total).toBe(0);
  });

  it('reads stats for a period, per workspace and per user', async () => {
    const stats = await client.stats.get({ from: '2026-04-01', to: '2026-04-30' });
    expect(stats.period).toEqual({ from: '2026-04-01', to: '2026-04-30' });
    expect(stats.byDay).toHaveLength(30);
    expect(stats.totals.messages).toBe(0);
    const now = await client.stats.get();
    expect(now.totals.messages).toBeGreaterThan(0);
    const byWorkspace = await client.stats.workspaces();
    expect(byWorkspace.data.find((w) => w.workspace === 'team')!.messages).toBe(now.totals.messages);
    const users = await client.stats.users({ workspace: 'team', limit: 20 });
    expect(users.data.map((u) => u.userId)).toEqual(expect.arrayContaining(['my-app', 'streamer', 'async-user']));
    await expect(client.stats.get({ from: '2026-13-01' })).rejects.toMatchObject({
      status: 400,
      code: 'validation_error',
      field: 'from',
    });
  });

  it('webhook deliveries verify with verifyWebhook in an Express receiver', async () => {
    const secret = 'ts-webhook-secret-0123456789';
    const received: Array<{ event: any; delivery: string; valid: boolean }> = [];
    let arrived: () => void = () => undefined;
    const app = express();
    // The contract's Express handler as printed, with the SDK's (synchronous, constant-time) verifyWebhook.
    app.post('/openclaw-events', express.raw({ type: 'application/json' }), (req, res) => {
      const sig = req.headers['x-openclaw-signature'];
      if (!verifyWebhook(req.body, sig, secret)) {
        received.push({ event: null, delivery: String(req.headers['x-openclaw-delivery']), valid: false });
        res.status(401).send('Invalid signature');
        return arrived();
      }
      const event = JSON.parse(req.body);
      received.push({ event, delivery: String(req.headers['x-openclaw-delivery']), valid: true });
      res.status(200).send('OK');
      arrived();
    });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const next = (count: number) =>
      new Promise<void>((resolve) => {
        arrived = () => received.length >= count && resolve();
        arrived();
      });
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/openclaw-events`;
      const sub = await client.webhooks.create({ url, events: ['message.sent'], secret, workspaces: ['team'] });
      expect(sub).toMatchObject({
        id: expect.stringMatching(/^wh_/),
        url,
        events: ['message.sent'],
        workspaces: ['team'],
        enabled: true,
        source: 'api',
      });
      expect(sub.secret).toBeUndefined();
      expect((await client.webhooks.list()).data.map((w) => w.id)).toContain(sub.id);
      expect(await client.webhooks.get(sub.id)).toMatchObject({ id: sub.id, consecutiveFailures: 0 });

      const sent = await client.messages.send({ workspace: 'team', userId: 'hooked', message: 'notify me' });
      await next(1);
      expect(received[0].valid).toBe(true);
      expect(received[0].event).toMatchObject({
        event: 'message.sent',
        timestamp: expect.any(String),
        data: { messageId: sent.messageId, workspace: 'team', userId: 'hooked', response: sent.response },
      });

      const ping = await client.webhooks.test(sub.id);
      expect(ping).toMatchObject({ webhookId: sub.id, event: 'ping', manual: true });
      await next(2);
      expect(received[1]).toMatchObject({ valid: true, delivery: ping.id, event: { event: 'ping' } });

      const log = await client.webhooks.deliveries(sub.id, { limit: 10 });
      expect(log.total).toBe(2);
      const detail = await client.webhooks.delivery(sub.id, received[0].delivery);
      expect(detail).toMatchObject({
        id: received[0].delivery,
        event: 'message.sent',
        status: 'delivered',
        payload: received[0].event,
      });
      expect(detail.attempts[0]).toMatchObject({ attempt: 1, status: 200 });
      const again = await client.webhooks.redeliver(sub.id, received[0].delivery);
      expect(again).toMatchObject({ redeliveryOf: received[0].delivery, eventId: detail.eventId });
      await next(3);
      expect(received[2]).toMatchObject({ valid: true, delivery: again.id, event: received[0].event });

      // A rotated secret: the old one no longer verifies, so the receiver refuses (401).
      const rotated = await client.webhooks.update(sub.id, { rotateSecret: true });
      expect(rotated.secret).toEqual(expect.any(String));
      await client.webhooks.test(sub.id);
      await next(4);
      expect(received[3].valid).toBe(false);
      await client.webhooks.update(sub.id, { enabled: false });
      await expect(client.webhooks.delete(sub.id)).resolves.toBeUndefined();
      await expect(client.webhooks.get(sub.id)).rejects.toMatchObject({ status: 404 });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('creates, runs, changes and deletes a schedule', async () => {
    const created = await client.schedules.create({
      id: 'ts-standup',
      workspace: 'team',
      userId: 'standup-bot',
      message: 'Summarize yesterday',
      cron: '0 9 * * 1-5',
      timezone: 'America/New_York',
    });
    expect(created).toMatchObject({
      id: 'ts-standup',
      workspace: 'team',
      userId: 'standup-bot',
      cron: '0 9 * * 1-5',
      enabled: true,
      source: 'api',
      runCount: 0,
      lastRun: null,
      sessionId: null,
    });
    expect(created.nextRuns).toHaveLength(5);
    expect((await client.schedules.list({ workspace: 'team' })).data.map((s) => s.id)).toEqual(['ts-standup']);
    const run = await client.schedules.run('ts-standup');
    expect(run).toEqual({
      scheduleId: 'ts-standup',
      runId: expect.any(String),
      messageId: expect.stringMatching(/^msg_/),
      sessionId: expect.any(String),
      status: 'running',
    });
    const answered = await client.messages.wait(run.messageId, { pollIntervalMs: 20, maxWaitMs: 20_000 });
    expect(answered).toMatchObject({ status: 'done', userId: 'standup-bot', channel: 'schedule' });
    let detail = await client.schedules.get('ts-standup');
    for (let i = 0; i < 100 && detail.lastRun?.status !== 'completed'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      detail = await client.schedules.get('ts-standup');
    }
    expect(detail).toMatchObject({
      runCount: 1,
      lastRun: { runId: run.runId, trigger: 'manual', status: 'completed', messageId: run.messageId },
    });
    expect(detail.recentRuns.map((r) => r.runId)).toEqual([run.runId]);
    const paused = await client.schedules.update('ts-standup', { enabled: false });
    expect(paused).toMatchObject({ enabled: false, nextRunAt: null });
    await expect(client.schedules.delete('ts-standup')).resolves.toBeUndefined();
    await expect(client.schedules.get('ts-standup')).rejects.toMatchObject({ status: 404 });
  });

  it('verifyWebhook: contract algorithm, any body type, tampering (synchronous: a boolean)', () => {
    const body = '{"event":"message.sent","data":{}}';
    const sig = signWebhook(body, 's3cret');
    expect(sig).toBe(`sha256=${createHmac('sha256', 's3cret').update(body).digest('hex')}`);
    expect(verifyWebhook(body, sig, 's3cret')).toBe(true);
    expect(verifyWebhook(Buffer.from(body), sig, 's3cret')).toBe(true);
    expect(verifyWebhook(new TextEncoder().encode(body).buffer, sig, 's3cret')).toBe(true);
    expect(verifyWebhook(body, [sig], 's3cret')).toBe(true);
    expect(verifyWebhook(body, sig.toUpperCase().replace('SHA256=', 'sha256='), 's3cret')).toBe(true);
    expect(verifyWebhook(`${body} `, sig, 's3cret')).toBe(false);
    expect(verifyWebhook(body, sig, 'other')).toBe(false);
    expect(verifyWebhook(body, sig.slice(7), 's3cret')).toBe(false);
    expect(verifyWebhook(body, undefined, 's3cret')).toBe(false);
    expect(verifyWebhook(body, 'sha256=abc', 's3cret')).toBe(false);
    expect(verifyWebhook(body, sig, '')).toBe(false);
  });
});
