/**
 * The pipeline against fake model servers speaking the real wire formats: a github tool-call
 * round trip seen through POST /messages and through SSE (exact event order), the session's
 * earlier turns reaching the model, upstream failures as 502 `upstream_error` / the SSE error
 * event / error.agent, and the message timeout.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startFakeOpenAI } from '../fakes/openai';
import { startFakeAnthropic } from '../fakes/anthropic';
import { startFakeGitHub } from '../fakes/github';
import type { FakeServer } from '../fakes/http';
import type { FakeLlm } from '../fakes/llm-script';
import { API, captureEvents, captureFinished, eventually, sse } from './helpers';
import type { DomainEvent } from '../../server/events';
import type { FinishedMessage } from '../../server/context';

const ISSUES_OUTPUT = [
  '3 open issues in acme/app:',
  '#12 Login fails with SSO (by alice, updated 2026-04-29)',
  '#11 Add dark mode (by bob, updated 2026-04-28)',
  '#9 Crash on empty config (by dave, updated 2026-04-26)',
].join('\n');
const TOOL_TURN = {
  text: 'Let me check.',
  toolCalls: [{ name: 'github', input: { action: 'list_issues', repo: 'acme/app' } }],
  usage: { input: 50, output: 12 },
};
const FINAL_TURN = { text: 'There are 3 open issues.', usage: { input: 120, output: 6 } };

describe.each([
  ['openai-compatible', startFakeOpenAI],
  ['anthropic', startFakeAnthropic],
] as const)('messages through the %s provider', (type, startFake) => {
  let llm: FakeLlm;
  let github: FakeServer;
  let gw: TestGateway;
  let events: DomainEvent[];
  let finished: FinishedMessage[];
  beforeAll(async () => {
    llm = await startFake();
    github = await startFakeGitHub({ token: 'ghp_testtoken123' });
    gw = await startTestGateway({
      config: {
        workspaces: [{ id: 'team', skills: ['github'] }],
        providers: {
          main: {
            type,
            baseUrl: `${llm.url}/v1`,
            apiKey: 'sk-test-secret-key',
            retries: 1,
            retryBaseDelayMs: 1,
            timeoutMs: 60000,
          },
        },
        model: 'gpt-4o-mini',
        tools: { github: { token: 'ghp_testtoken123', baseUrl: github.url } },
        // Long enough for a loaded CI machine; the hang test below waits it out.
        messages: { timeoutMs: 3000 },
      },
    });
    events = captureEvents(gw);
    finished = captureFinished(gw);
  });
  afterAll(async () => {
    await gw.close();
    await llm.close();
    await github.close();
  });
  beforeEach(() => {
    llm.requests.splice(0);
    events.splice(0);
    finished.splice(0);
  });

  it('POST /messages: a github tool round trip gives the answer, toolsInvoked, tokens and cost', async () => {
    llm.reply(TOOL_TURN, FINAL_TURN);
    const res = await gw.request('POST', `${API}/messages`, {
      body: { workspace: 'team', userId: 'api-user', message: 'What are the open issues?' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      messageId: expect.stringMatching(/^msg_/),
      response: 'Let me check.\n\nThere are 3 open issues.',
      tokensUsed: 188,
      latencyMs: expect.any(Number),
      sessionId: expect.stringMatching(/^sess_/),
      toolsInvoked: ['github'],
      finishReason: 'stop',
      model: 'gpt-4o-mini',
      tokensIn: 170,
      tokensOut: 18,
      costUSD: 0.000036, // (170 × 0.15 + 18 × 0.6) / 1M, rounded to 1e-6
    });
    expect(github.requests.at(-1)!.path).toBe('/repos/acme/app/issues');
    const hist = await gw.request('GET', `${API}/sessions/${res.body.sessionId}/history`);
    expect(hist.body.data.map((t: any) => [t.role, t.tools])).toEqual([
      ['user', []],
      ['assistant', ['github']],
    ]);
  });

  it('SSE: tokens, tool_use, tool_result, tokens, done in exactly that order; the next message sees the earlier turns', async () => {
    llm.reply(TOOL_TURN, FINAL_TURN);
    const res = await sse(gw, 'POST', `${API}/messages/stream`, {
      body: { workspace: 'team', userId: 'streamer', message: 'What are the open issues?' },
    });
    expect(res.status).toBe(200);
    const timeline = res.events.map((e) => (e.data.type === 'token' ? `token:${e.data.content}` : e.data));
    expect(timeline).toEqual([
      'token:Let',
      'token: me',
      'token: check.',
      { type: 'tool_use', tool: 'github', input: { action: 'list_issues', repo: 'acme/app' } },
      { type: 'tool_result', tool: 'github', output: ISSUES_OUTPUT },
      'token:\n\n',
      'token:There',
      'token: are',
      'token: 3',
      'token: open',
      'token: issues.',
      {
        type: 'done',
        messageId: expect.stringMatching(/^msg_/),
        tokensUsed: 188,
        latencyMs: expect.any(Number),
        sessionId: expect.stringMatching(/^sess_/),
        finishReason: 'stop',
        toolsInvoked: ['github'],
        model: 'gpt-4o-mini',
        tokensIn: 170,
        tokensOut: 18,
        costUSD: 0.000036, // (170 × 0.15 + 18 × 0.6) / 1M, rounded to 1e-6
      },
    ]);

    llm.reply({ text: 'Still 3.' });
    const second = await gw.request('POST', `${API}/messages`, {
      body: { workspace: 'team', userId: 'streamer', message: 'And now?' },
    });
    expect(second.body.response).toBe('Still 3.');
    const sent = llm
      .chats()
      .at(-1)!
      .body.messages.filter((m: any) => m.role === 'user' || m.role === 'assistant');
    const texts = sent.map((m: any) =>
      typeof m.content === 'string' ? m.content : m.content.map((c: any) => c.text ?? '').join(''),
    );
    expect(texts).toEqual(['What are the open issues?', 'Let me check.\n\nThere are 3 open issues.', 'And now?']);
  });

  it('an upstream failure is 502 upstream_error, stored, announced as error.agent and reported once', async () => {
    llm.reply({ status: 500, message: 'boom' }, { status: 500, message: 'boom' });
    const res = await gw.request('POST', `${API}/messages`, {
      body: { workspace: 'team', userId: 'failing', message: 'hello?' },
    });
    expect(res.status).toBe(502);
    expect(res.body.error).toEqual({
      code: 'upstream_error',
      message: expect.stringContaining('HTTP 500'),
      messageId: expect.stringMatching(/^msg_/),
    });
    expect(res.body.error.message).not.toContain('sk-test-secret-key');
    const id = res.body.error.messageId;
    const got = await gw.request('GET', `${API}/messages/${id}`);
    expect(got.body).toMatchObject({
      status: 'error',
      error: { code: 'upstream_error', message: res.body.error.message },
    });
    expect(got.body.response).toBeUndefined();
    const err = await eventually(() => events.find((e) => e.event === 'error.agent'));
    expect(err.data).toEqual({
      messageId: id,
      workspace: 'team',
      userId: 'failing',
      channel: 'api',
      sessionId: got.body.sessionId,
      code: 'upstream_error',
      message: res.body.error.message,
    });
    expect(events.some((e) => e.event === 'message.sent')).toBe(false);
    expect(finished).toEqual([expect.objectContaining({ messageId: id, status: 'error', tokensIn: 0, tokensOut: 0 })]);
    // A failed message leaves no half turn in the session.
    expect((await gw.request('GET', `${API}/sessions/${got.body.sessionId}/history`)).body.total).toBe(0);
  });

  it('an upstream failure after the stream started ends it with the error event', async () => {
    llm.reply({ status: 503, message: 'overloaded' }, { status: 503, message: 'overloaded' });
    const res = await sse(gw, 'POST', `${API}/messages/stream`, {
      body: { workspace: 'team', userId: 'failing-stream', message: 'hello?' },
    });
    expect(res.status).toBe(200);
    expect(res.events).toHaveLength(1);
    expect(res.events[0].id).toMatch(/^\d+-\d+$/);
    expect(res.events[0].data).toEqual({
      type: 'error',
      code: 'upstream_error',
      message: expect.stringContaining('HTTP 503'),
    });
    expect(res.text).toMatch(/^id: \d+-\d+\ndata: \{"type":"error","code":"upstream_error","message":"[^\n]+"\}\n\n$/);
  });

  it('a message that outlives messages.timeoutMs fails with 504 timeout', async () => {
    llm.reply({ hang: true });
    const res = await gw.request('POST', `${API}/messages`, {
      body: { workspace: 'team', userId: 'slowpoke', message: 'take your time' },
    });
    expect(res.status).toBe(504);
    expect(res.body.error).toMatchObject({
      code: 'timeout',
      message: 'the agent did not finish within 3000 ms (messages.timeoutMs)',
    });
  });
});
