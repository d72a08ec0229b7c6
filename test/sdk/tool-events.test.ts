/**
 * The typed events of a stream with a tool round trip, through the TS SDK: the gateway runs a
 * local fake OpenAI-compatible model (real SSE wire format) that calls the github tool against a
 * fake GitHub API. Iterating the stream yields only the text; `events()` yields every event.
 */
import { InternalServerError, OpenClaw, type StreamEvent } from '../../sdk/typescript/src/index';
import { startFakeGitHub, startFakeOpenAI, type FakeLlm, type FakeServer } from '../fakes';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const TOOL_TURN = {
  text: 'Checking.',
  toolCalls: [{ name: 'github', input: { action: 'list_issues', repo: 'acme/app' } }],
  usage: { input: 40, output: 5 },
};
const ANSWER = { text: 'Three issues are open.', usage: { input: 90, output: 8 } };

describe('TypeScript SDK: tool_use and tool_result events', () => {
  let llm: FakeLlm;
  let github: FakeServer;
  let gw: TestGateway;
  let client: OpenClaw;
  beforeAll(async () => {
    llm = await startFakeOpenAI();
    github = await startFakeGitHub();
    gw = await startTestGateway({
      config: {
        providers: {
          main: {
            type: 'openai-compatible',
            baseUrl: `${llm.url}/v1`,
            apiKey: 'sk-sdk-test-000000',
            retries: 1,
            retryBaseDelayMs: 1,
          },
        },
        model: 'gpt-sdk',
        tools: { github: { baseUrl: github.url } },
        workspaces: [{ id: 'team', skills: ['github'] }],
      },
    });
    client = new OpenClaw({ baseUrl: gw.url, apiKey: gw.adminKey });
  });
  afterAll(async () => {
    await gw.close();
    await llm.close();
    await github.close();
  });

  it('events() yields tokens, tool_use, tool_result, tokens and done, in order', async () => {
    llm.reply(TOOL_TURN, ANSWER);
    const events: StreamEvent[] = [];
    for await (const event of client.messages
      .stream({ workspace: 'team', userId: 'api-user', message: 'Summarize the open issues' })
      .events())
      events.push(event);
    expect(events.map((e) => e.type)).toEqual([
      'token',
      'tool_use',
      'tool_result',
      'token',
      'token',
      'token',
      'token',
      'token',
      'done',
    ]);
    expect(events[1]).toEqual({ type: 'tool_use', tool: 'github', input: { action: 'list_issues', repo: 'acme/app' } });
    expect(events[2]).toMatchObject({
      type: 'tool_result',
      tool: 'github',
      output: expect.stringContaining('3 open issues in acme/app'),
    });
    expect(events[8]).toMatchObject({
      type: 'done',
      toolsInvoked: ['github'],
      tokensUsed: 143,
      model: 'gpt-sdk',
      finishReason: 'stop',
    });
  });

  it('iterating the stream yields only the text', async () => {
    llm.reply(TOOL_TURN, ANSWER);
    let text = '';
    for await (const token of client.messages.stream({
      workspace: 'team',
      userId: 'api-user',
      message: 'Summarize the open issues',
    }))
      text += token;
    expect(text).toBe('Checking.\n\nThree issues are open.');
  });

  it('send() reports the tools in toolsInvoked', async () => {
    llm.reply(TOOL_TURN, ANSWER);
    const response = await client.messages.send({
      workspace: 'team',
      userId: 'api-user',
      message: 'Summarize the open issues',
    });
    expect(response).toMatchObject({
      response: 'Checking.\n\nThree issues are open.',
      toolsInvoked: ['github'],
      tokensUsed: 143,
    });
  });

  it('an upstream failure after the stream started is thrown as an OpenClawError from the error event', async () => {
    llm.reply({ status: 500, message: 'model exploded' }, { status: 500, message: 'model exploded' }); // first try and its one retry
    const tokens: string[] = [];
    const err = await (async () => {
      for await (const token of client.messages.stream({
        workspace: 'team',
        userId: 'api-user',
        message: 'fail please',
      }))
        tokens.push(token);
    })().catch((e) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err).toMatchObject({ name: 'InternalServerError', status: 502, code: 'upstream_error' });
    expect(err.message.length).toBeGreaterThan(0);
    expect(err.body).toMatchObject({ type: 'error', code: 'upstream_error' });
  });

  it('an upstream failure of a synchronous send is a 502 upstream_error', async () => {
    llm.reply({ status: 500, message: 'model exploded' }, { status: 500, message: 'model exploded' });
    const chatsBefore = llm.chats().length;
    const err = await client.messages
      .send({ workspace: 'team', userId: 'api-user', message: 'fail please' })
      .catch((e) => e);
    expect(llm.chats().length - chatsBefore).toBe(2); // the gateway's own try and its one retry; the SDK's retries ran nothing
    // Retried twice with one Idempotency-Key: the gateway answers the first message's outcome again, never a second run.
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err).toMatchObject({ name: 'InternalServerError', status: 502, code: 'upstream_error' });
    expect(err.requestId).toMatch(/^req_/);
  });
});
