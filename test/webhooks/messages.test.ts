/**
 * Real traffic, end to end: POST /api/v1/messages through the pipeline (fake OpenAI-compatible
 * upstream) reaches a real receiver as message.received, session.started and message.sent;
 * an upstream failure as error.agent; deleting the session as session.ended. Each is
 * verified by the contract's handler and the Standard Webhooks library.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startFakeOpenAI } from '../fakes/openai';
import type { FakeLlm } from '../fakes/llm-script';
import { startReceiver, type Receiver } from './receiver';

const SECRET = 'messages-secret-0123456789abc';

describe('webhooks from real messages', () => {
  let gw: TestGateway;
  let rx: Receiver;
  let llm: FakeLlm;
  let key: string;

  beforeAll(async () => {
    llm = await startFakeOpenAI();
    rx = await startReceiver(SECRET);
    gw = await startTestGateway({
      config: {
        workspaces: [{ id: 'team' }, { id: 'other' }],
        providers: {
          main: { type: 'openai-compatible', baseUrl: `${llm.url}/v1`, apiKey: 'sk-test', retries: 0, timeoutMs: 2000 },
        },
        model: 'm1',
        // The receiver listens on loopback: a workspace-scoped key may reach it only when it is listed.
        webhooks: { allowedHosts: ['127.0.0.1'] },
      },
    });
    key = await gw.createKey({
      workspaces: ['team'],
      permissions: ['messages:write', 'sessions:read', 'sessions:delete', 'webhooks:read', 'webhooks:write'],
    });
    const res = await gw.request('POST', '/api/v1/webhooks', {
      key,
      body: { url: rx.url, events: ['*'], secret: SECRET },
    });
    expect(res.status).toBe(201);
  });
  afterAll(async () => {
    await gw.close();
    await rx.close();
    await llm.close();
  });
  beforeEach(() => rx.reset());

  it('a message produces message.received, session.started and message.sent with the contract fields', async () => {
    llm.reply({ text: 'Here is your summary...' });
    const res = await gw.request('POST', '/api/v1/messages', {
      key,
      body: { workspace: 'team', userId: 'telegram:123456789', message: 'Summarize the day' },
    });
    expect(res.status).toBe(200);
    const { messageId, sessionId } = res.body;
    await rx.waitFor((a) => a.some((x) => x.event === 'message.sent'));
    await rx.waitFor((a) => a.length >= 3);
    expect(rx.hits.every((h) => h.status === 200 && h.standardOk)).toBe(true);
    const by = (name: string) => rx.accepted.filter((a) => a.event === name);
    expect(by('message.received').map((a) => a.data)).toEqual([
      {
        messageId,
        workspace: 'team',
        userId: 'telegram:123456789',
        channel: 'api',
        sessionId,
        message: 'Summarize the day',
      },
    ]);
    expect(by('session.started').map((a) => a.data)).toEqual([
      expect.objectContaining({ sessionId, workspace: 'team', userId: 'telegram:123456789', channel: 'api' }),
    ]);
    // The contract's example fields, with the values the API answered.
    expect(by('message.sent').map((a) => a.data)).toEqual([
      {
        messageId,
        workspace: 'team',
        userId: 'telegram:123456789',
        channel: 'api',
        response: 'Here is your summary...',
        tokensUsed: res.body.tokensUsed,
        latencyMs: res.body.latencyMs,
        sessionId,
      },
    ]);
    for (const a of rx.accepted) {
      expect(Object.keys(a.body)).toEqual(['id', 'event', 'timestamp', 'data']);
      expect(a.body.id).toMatch(/^evt_/);
    }
  });

  it('an upstream failure produces error.agent; deleting the session produces session.ended', async () => {
    llm.reply({ status: 401, message: 'Incorrect API key provided' });
    const res = await gw.request('POST', '/api/v1/messages', {
      key,
      body: { workspace: 'team', userId: 'api-user', message: 'hello' },
    });
    expect(res.status).toBe(502);
    const [err] = await rx
      .waitFor((a) => a.some((x) => x.event === 'error.agent'))
      .then((a) => a.filter((x) => x.event === 'error.agent'));
    expect(err.data).toEqual({
      messageId: expect.stringMatching(/^msg_/),
      workspace: 'team',
      userId: 'api-user',
      channel: 'api',
      sessionId: expect.stringMatching(/^sess_/),
      code: 'upstream_error',
      message: expect.stringContaining('check the API key'),
    });
    const del = await gw.request('DELETE', `/api/v1/sessions/${err.data.sessionId}`, { key });
    expect(del.status).toBe(204);
    const ended = (await rx.waitFor((a) => a.some((x) => x.event === 'session.ended'))).find(
      (x) => x.event === 'session.ended',
    )!;
    expect(ended.data).toMatchObject({
      sessionId: err.data.sessionId,
      workspace: 'team',
      userId: 'api-user',
      channel: 'api',
      reason: 'deleted',
    });
  });

  it("another workspace's messages never reach this key's subscription", async () => {
    // A witness subscription over every workspace tells when the other workspace's events fired.
    const witness = await startReceiver(SECRET);
    try {
      const w = await gw.request('POST', '/api/v1/webhooks', {
        body: { url: witness.url, events: ['message.sent'], secret: SECRET },
      });
      llm.reply({ text: 'other answer' });
      const res = await gw.request('POST', '/api/v1/messages', {
        body: { workspace: 'other', userId: 'u', message: 'hi' },
      });
      expect(res.status).toBe(200);
      await witness.waitFor((a) => a.some((x) => x.data.messageId === res.body.messageId));
      // Fan-out creates every matching delivery before the event reaches any receiver: the log is final.
      const [mine] = (await gw.request('GET', '/api/v1/webhooks', { key })).body.data;
      const log = (await gw.request('GET', `/api/v1/webhooks/${mine.id}/deliveries?limit=100`, { key })).body.data;
      const ids = new Set(log.map((d: any) => d.eventId));
      expect(rx.accepted.filter((a) => a.data.workspace === 'other')).toEqual([]);
      expect(witness.accepted.filter((a) => ids.has(a.body.id))).toEqual([]);
      await gw.request('DELETE', `/api/v1/webhooks/${w.body.id}`);
    } finally {
      await witness.close();
    }
  });
});
