/**
 * End to end through the real gateway: POST /api/v1/messages and /messages/stream answered by the
 * OpenAI-compatible fake calling the github tool against the fake GitHub API; an upstream
 * failure as 502 upstream_error and as the stream's error event; deleting a workspace drops its
 * memory.
 */
import { startFakeOpenAI } from '../fakes/openai';
import { startFakeGitHub } from '../fakes/github';
import type { FakeServer } from '../fakes/http';
import type { FakeLlm } from '../fakes/llm-script';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { rawRedis } from '../helpers/redis';
import { sse, API } from '../messages/helpers';

const TOOL_TURN = {
  text: 'Checking.',
  toolCalls: [{ name: 'github', input: { action: 'list_issues', repo: 'acme/app' } }],
  usage: { input: 40, output: 8 },
};
const ANSWER = { text: 'Three issues are open.', usage: { input: 90, output: 5 } };
const ISSUES =
  '3 open issues in acme/app:\n#12 Login fails with SSO (by alice, updated 2026-04-29)\n#11 Add dark mode (by bob, updated 2026-04-28)\n#9 Crash on empty config (by dave, updated 2026-04-26)';

describe('messages through a real provider and the github tool', () => {
  let llm: FakeLlm;
  let github: FakeServer;
  let gw: TestGateway;

  beforeAll(async () => {
    llm = await startFakeOpenAI();
    github = await startFakeGitHub();
    gw = await startTestGateway({
      config: {
        providers: {
          main: {
            type: 'openai-compatible',
            baseUrl: `${llm.url}/v1`,
            apiKey: 'sk-e2e-secret-000000',
            retries: 1,
            retryBaseDelayMs: 1,
          },
        },
        model: 'gpt-e2e',
        tools: { github: { baseUrl: github.url } },
        workspaces: [{ id: 'team', skills: ['github', 'memory'] }],
      },
    });
  });
  afterAll(async () => {
    await gw.close();
    await llm.close();
    await github.close();
  });

  it('POST /messages answers with the tool round trip in the result', async () => {
    llm.reply(TOOL_TURN, ANSWER);
    const res = await gw.request('POST', `${API}/messages`, {
      body: {
        workspace: 'team',
        userId: 'api-user',
        message: 'Summarize the open issues',
        context: { timezone: 'America/New_York', language: 'en' },
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      response: 'Checking.\n\nThree issues are open.',
      tokensUsed: 143,
      toolsInvoked: ['github'],
      finishReason: 'stop',
      model: 'gpt-e2e',
      tokensIn: 130,
      tokensOut: 13,
    });
    expect(res.body.messageId).toMatch(/^msg_/);
    const system = llm.chats().at(-2)!.body.messages[0].content as string;
    expect(system).toContain('(America/New_York, GMT-');
    expect(system).toContain('Answer in English (en).');
  });

  it('POST /messages/stream relays tokens, tool_use, tool_result, tokens, done in order', async () => {
    llm.reply(TOOL_TURN, ANSWER);
    const res = await sse(gw, 'POST', `${API}/messages/stream`, {
      body: { workspace: 'team', userId: 'api-user', message: 'Summarize the open issues' },
    });
    expect(res.status).toBe(200);
    const data = res.events.map((e) => e.data);
    expect(data.slice(0, -1)).toEqual([
      { type: 'token', content: 'Checking.' },
      { type: 'tool_use', tool: 'github', input: { action: 'list_issues', repo: 'acme/app' } },
      { type: 'tool_result', tool: 'github', output: ISSUES },
      { type: 'token', content: '\n\n' },
      { type: 'token', content: 'Three' },
      { type: 'token', content: ' issues' },
      { type: 'token', content: ' are' },
      { type: 'token', content: ' open.' },
    ]);
    expect(data.at(-1)).toMatchObject({
      type: 'done',
      tokensUsed: 143,
      finishReason: 'stop',
      toolsInvoked: ['github'],
    });
  });

  it('a provider that keeps failing gives 502 upstream_error without secrets, and an error event when streaming', async () => {
    llm.reply({ status: 503, message: 'overloaded, key sk-e2e-secret-000000' }, { status: 503, message: 'overloaded' });
    const res = await gw.request('POST', `${API}/messages`, {
      body: { workspace: 'team', userId: 'api-user', message: 'hi' },
    });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('upstream_error');
    expect(res.body.error.message).toBe(
      'Model provider "main" (model gpt-e2e) failed after 2 attempts: HTTP 503 "overloaded": the provider is failing or overloaded: try again later.',
    );

    llm.reply({ status: 500, message: 'boom' }, { status: 500, message: 'boom' });
    const stream = await sse(gw, 'POST', `${API}/messages/stream`, {
      body: { workspace: 'team', userId: 'api-user', message: 'hi' },
    });
    expect(stream.status).toBe(200);
    expect(stream.events.at(-1)!.data).toMatchObject({ type: 'error', code: 'upstream_error' });
    expect(stream.text).not.toContain('sk-e2e-secret');
  });

  it('deleting a workspace drops what its memory remembered', async () => {
    await gw.request('POST', `${API}/workspaces`, { body: { id: 'scratch', skills: ['memory'] } });
    llm.reply(
      { toolCalls: [{ name: 'memory', input: { action: 'remember', fact: 'likes tea' } }] },
      { text: 'Noted.' },
    );
    const res = await gw.request('POST', `${API}/messages`, {
      body: { workspace: 'scratch', userId: 'u9', message: 'I like tea' },
    });
    expect(res.status).toBe(200);
    expect(res.body.toolsInvoked).toEqual(['memory']);
    const redis = rawRedis();
    try {
      expect(await redis.zrange('oc:{mem:scratch}:u:u9', 0, -1)).toEqual(['likes tea']);
      expect((await gw.request('DELETE', `${API}/workspaces/scratch`)).status).toBe(204);
      expect(await redis.exists('oc:{mem:scratch}:u:u9', 'oc:{mem:scratch}:users')).toBe(0);
    } finally {
      await redis.quit();
    }
  });
});
