/**
 * A tool-call round trip through both provider wire formats: the fake model streams some text
 * and a github tool call, the agent calls the fake GitHub API, sends the result back, and the
 * model answers. Exact event order and what each upstream received.
 */
import { startFakeOpenAI } from '../fakes/openai';
import { startFakeAnthropic } from '../fakes/anthropic';
import { startFakeGitHub } from '../fakes/github';
import type { FakeServer } from '../fakes/http';
import type { FakeLlm } from '../fakes/llm-script';
import { collect, input, startTestAgent, timeline, workspace, type TestAgent } from './helpers';

const ISSUES_OUTPUT = [
  '3 open issues in acme/app:',
  '#12 Login fails with SSO (by alice, updated 2026-04-29)',
  '#11 Add dark mode (by bob, updated 2026-04-28)',
  '#9 Crash on empty config (by dave, updated 2026-04-26)',
].join('\n');

describe.each([
  ['openai-compatible', startFakeOpenAI],
  ['anthropic', startFakeAnthropic],
] as const)('tool-call round trip through the %s provider', (type, startFake) => {
  let llm: FakeLlm;
  let github: FakeServer;
  let t: TestAgent;

  beforeAll(async () => {
    llm = await startFake();
    github = await startFakeGitHub({ token: 'ghp_testtoken123' });
    t = await startTestAgent({
      providers: { main: { type, baseUrl: `${llm.url}/v1`, apiKey: 'sk-test-secret-key' } },
      model: 'test-model',
      tools: { github: { token: 'ghp_testtoken123', baseUrl: github.url } },
    });
  });
  afterAll(async () => {
    await t.close();
    await llm.close();
    await github.close();
  });

  it('streams tokens, tool_use, tool_result, tokens in order and returns the result', async () => {
    llm.reply(
      {
        text: 'Let me check.',
        toolCalls: [{ name: 'github', input: { action: 'list_issues', repo: 'acme/app' } }],
        usage: { input: 50, output: 12 },
      },
      { text: 'There are 3 open issues.', usage: { input: 120, output: 6 } },
    );
    const { events, result } = await collect(
      t.agent,
      input('What are the open issues?', { workspace: workspace(['github']) }),
    );

    expect(timeline(events)).toEqual([
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
    ]);
    expect(result).toEqual({
      response: 'Let me check.\n\nThere are 3 open issues.',
      finishReason: 'stop',
      model: 'test-model',
      provider: 'main',
      tokensIn: 170,
      tokensOut: 18,
      toolsInvoked: ['github'],
    });

    // GitHub got the token and the listing request.
    expect(github.requests).toHaveLength(1);
    expect(github.requests[0].path).toBe('/repos/acme/app/issues');
    expect(github.requests[0].headers.authorization).toBe('Bearer ghp_testtoken123');

    // The model got the tool definition, then the tool result in its own wire format.
    const [first, second] = llm.chats();
    expect(llm.chats()).toHaveLength(2);
    expect(first.body.model).toBe('test-model');
    expect(first.body.stream).toBe(true);
    if (type === 'anthropic') {
      expect(first.headers['x-api-key']).toBe('sk-test-secret-key');
      expect(first.body.tools.map((x: any) => x.name)).toEqual(['github']);
      const last = second.body.messages.at(-1);
      expect(last.role).toBe('user');
      expect(last.content[0]).toMatchObject({ type: 'tool_result', content: ISSUES_OUTPUT });
    } else {
      expect(first.headers.authorization).toBe('Bearer sk-test-secret-key');
      expect(first.body.tools.map((x: any) => x.function.name)).toEqual(['github']);
      const toolMsg = second.body.messages.find((m: any) => m.role === 'tool');
      expect(toolMsg.content).toBe(ISSUES_OUTPUT);
      expect(second.body.messages.find((m: any) => m.role === 'assistant').tool_calls[0].function).toEqual({
        name: 'github',
        arguments: JSON.stringify({ action: 'list_issues', repo: 'acme/app' }),
      });
    }
  });
});
