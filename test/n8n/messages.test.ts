/**
 * Message, Session and Stats operations of the OpenClaw node, run as workflows in n8n's engine
 * against the live gateway (real Redis, in-process workers) whose model is a local fake speaking
 * the OpenAI streaming wire format, with the github tool against a fake GitHub API.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startFakeOpenAI } from '../fakes/openai';
import { startFakeGitHub } from '../fakes/github';
import type { FakeLlm } from '../fakes/llm-script';
import type { FakeServer } from '../fakes/http';
import { ACTION, TestCredentialsHelper, credentialsFor, node, runWorkflow } from './engine';

const team = { __rl: true, mode: 'list', value: 'team' };

describe('n8n OpenClaw node: messages, sessions, stats', () => {
  let gw: TestGateway;
  let llm: FakeLlm;
  let github: FakeServer;
  let creds: TestCredentialsHelper;

  beforeAll(async () => {
    llm = await startFakeOpenAI();
    github = await startFakeGitHub({ token: 'ghp_testtoken123' });
    gw = await startTestGateway({
      config: {
        providers: { main: { type: 'openai-compatible', baseUrl: `${llm.url}/v1`, apiKey: 'sk-test' } },
        model: 'test-model',
        tools: { github: { token: 'ghp_testtoken123', baseUrl: github.url } },
      },
    });
    creds = new TestCredentialsHelper(credentialsFor(gw.url, gw.adminKey));
    for (const [id, skills] of [
      ['team', ['github']],
      ['ops', []],
    ] as const) {
      expect((await gw.request('POST', '/api/v1/workspaces', { body: { id, skills } })).status).toBe(201);
    }
  });
  afterAll(async () => {
    await gw.close();
    await llm.close();
    await github.close();
  });

  describe('Message', () => {
    it("Send returns the contract's response object and passes context through", async () => {
      const send = node(
        ACTION,
        {
          resource: 'message',
          operation: 'send',
          workspace: team,
          userId: 'standup-bot',
          message: '={{ "Summarize " + $json.topic }}',
          options: { timezone: 'America/New_York', language: 'en' },
        },
        'Send',
      );
      const result = await runWorkflow(creds, [send], { items: [{ topic: 'yesterday' }] });
      expect(result.run.status).toBe('success');
      const out = result.output('Send');
      expect(out).toHaveLength(1);
      expect(out[0].pairedItem).toEqual({ item: 0 });
      expect(out[0].json).toMatchObject({
        messageId: expect.stringMatching(/^msg_/),
        response: 'fake answer to: Summarize yesterday',
        tokensUsed: expect.any(Number),
        latencyMs: expect.any(Number),
        sessionId: expect.stringMatching(/^sess_/),
        toolsInvoked: [],
        finishReason: 'stop',
      });
      // What the model saw: the message, and the timezone reached the system prompt.
      const chat = llm.chats().at(-1)!.body as { messages: Array<{ role: string; content: unknown }> };
      expect(JSON.stringify(chat.messages)).toContain('Summarize yesterday');
      expect(JSON.stringify(chat.messages)).toContain('America/New_York');
    });

    it('Send with Async returns at once and Get returns the finished answer', async () => {
      const send = node(
        ACTION,
        {
          resource: 'message',
          operation: 'send',
          workspace: team,
          userId: 'async-user',
          message: 'long job',
          options: { async: true },
        },
        'Send',
      );
      const sent = await runWorkflow(creds, [send]);
      const accepted = sent.output('Send')[0].json as { messageId: string; sessionId: string; status: string };
      expect(accepted).toEqual({
        messageId: expect.stringMatching(/^msg_/),
        sessionId: expect.stringMatching(/^sess_/),
        status: expect.stringMatching(/^(queued|running|done)$/),
      });

      // Wait (over HTTP, as a Wait node would) until the worker finished, then read it with the node.
      for (let i = 0; i < 800; i++) {
        if ((await gw.request('GET', `/api/v1/messages/${accepted.messageId}`)).body.status === 'done') break;
        await new Promise((r) => setTimeout(r, 25));
      }
      const get = node(ACTION, { resource: 'message', operation: 'get', messageId: accepted.messageId }, 'Get');
      const got = (await runWorkflow(creds, [get])).output('Get')[0].json;
      expect(got).toMatchObject({
        messageId: accepted.messageId,
        sessionId: accepted.sessionId,
        status: 'done',
        response: 'fake answer to: long job',
        finishReason: 'stop',
      });
    });

    it('Send with an Idempotency Key asks the agent once', async () => {
      const send = node(
        ACTION,
        {
          resource: 'message',
          operation: 'send',
          workspace: team,
          userId: 'idem-user',
          message: 'only once',
          options: { idempotencyKey: 'n8n-run-42' },
        },
        'Send',
      );
      const before = llm.chats().length;
      const result = await runWorkflow(creds, [send], { items: [{}, {}] });
      const [a, b] = result.output('Send').map((i) => i.json);
      expect(b.messageId).toBe(a.messageId);
      expect(llm.chats().length).toBe(before + 1);
    });

    it('Stream forwards every token through the engine sendChunk hook, in order, and outputs the whole answer with tool events and timing', async () => {
      llm.reply(
        { text: 'Let me check.', toolCalls: [{ name: 'github', input: { action: 'list_issues', repo: 'acme/app' } }] },
        { text: 'There are 3 open issues.' },
      );
      const stream = node(
        ACTION,
        {
          resource: 'message',
          operation: 'stream',
          workspace: team,
          userId: 'streamer',
          message: 'What are the open issues?',
          options: {},
        },
        'Stream',
      );
      const result = await runWorkflow(creds, [stream], { streaming: true, mode: 'webhook' });
      expect(result.run.status).toBe('success');
      const out = result.output('Stream')[0].json as Record<string, any>;

      const types = result.chunks.map((c) => c.type);
      expect(types[0]).toBe('begin');
      expect(types.at(-1)).toBe('end');
      expect(types.slice(1, -1).every((t) => t === 'item')).toBe(true);
      const items = result.chunks.filter((c) => c.type === 'item').map((c) => c.content);
      expect(items.slice(0, 3)).toEqual(['Let', ' me', ' check.']);
      expect(items.join('')).toBe(out.response);
      expect(result.chunks.every((c) => c.metadata.nodeName === 'Stream' && c.metadata.itemIndex === 0)).toBe(true);

      expect(out.response).toBe('Let me check.\n\nThere are 3 open issues.');
      expect(out).toMatchObject({
        messageId: expect.stringMatching(/^msg_/),
        sessionId: expect.stringMatching(/^sess_/),
        tokensUsed: expect.any(Number),
        latencyMs: expect.any(Number),
        finishReason: 'stop',
        toolsInvoked: ['github'],
      });
      expect(out.toolEvents).toEqual([
        { type: 'tool_use', tool: 'github', input: { action: 'list_issues', repo: 'acme/app' } },
        { type: 'tool_result', tool: 'github', output: expect.stringContaining('3 open issues in acme/app') },
      ]);
      expect(out.timing).toEqual({ firstTokenMs: expect.any(Number), totalMs: expect.any(Number) });
      // The stored answer is the one that was streamed.
      const stored = await gw.request('GET', `/api/v1/messages/${out.messageId}`);
      expect(stored.body.response).toBe(out.response);
    });

    it('Stream outside a streaming run sends no chunks and still outputs the full answer', async () => {
      const stream = node(
        ACTION,
        {
          resource: 'message',
          operation: 'stream',
          workspace: team,
          userId: 'streamer2',
          message: 'hello there',
          options: {},
        },
        'Stream',
      );
      const result = await runWorkflow(creds, [stream]);
      expect(result.chunks).toEqual([]);
      expect(result.output('Stream')[0].json).toMatchObject({
        response: 'fake answer to: hello there',
        toolEvents: [],
        finishReason: 'stop',
      });
    });

    it('User ID: a version-1.1 node without one does not run; a version-1 node saved without one (n8n leaves defaults out) still talks as "n8n"', async () => {
      const params = { resource: 'message', operation: 'send', workspace: team, message: 'who am I?', options: {} };
      const current = await runWorkflow(creds, [node(ACTION, params, 'Current')]).catch((error: Error) => error);
      expect(current).toBeInstanceOf(Error);
      expect((current as Error).message).toContain('Parameter "User ID" is required');

      const legacy = await runWorkflow(creds, [node(ACTION, params, 'Legacy', { typeVersion: 1 })]);
      const sessionId = legacy.output('Legacy')[0].json.sessionId as string;
      expect((await gw.request('GET', `/api/v1/sessions/${sessionId}`)).body.userId).toBe('n8n');
    });

    it('Stream turns a refused request into a NodeApiError with a plain title and the gateway code in the description', async () => {
      const stream = node(
        ACTION,
        {
          resource: 'message',
          operation: 'stream',
          workspace: { __rl: true, mode: 'id', value: 'ghost' },
          userId: 'u',
          message: 'hi',
          options: {},
        },
        'Stream',
      );
      const error = (await runWorkflow(creds, [stream])).error('Stream');
      expect(error.name).toBe('NodeApiError');
      expect(error.httpCode).toBe('404');
      expect(error.message).toBe("Workspace 'ghost' not found");
      expect(error.description).toBe('The gateway answered HTTP 404 with error code not_found.');
    });
  });

  describe('Session', () => {
    let sessionId: string;
    beforeAll(async () => {
      const send = node(
        ACTION,
        {
          resource: 'message',
          operation: 'send',
          workspace: team,
          userId: 'historian',
          message: '={{ $json.text }}',
          options: {},
        },
        'Send',
      );
      const result = await runWorkflow(creds, [send], { items: [{ text: 'one' }, { text: 'two' }, { text: 'three' }] });
      sessionId = result.output('Send')[0].json.sessionId as string;
      expect(result.output('Send').every((i) => i.json.sessionId === sessionId)).toBe(true);
      await gw.request('POST', '/api/v1/messages', {
        body: { workspace: 'ops', userId: 'opsy', message: 'ops question' },
      });
    });

    it('Get returns the contract session object', async () => {
      const get = node(ACTION, { resource: 'session', operation: 'get', sessionId }, 'Get');
      expect((await runWorkflow(creds, [get])).output('Get')[0].json).toMatchObject({
        id: sessionId,
        workspace: 'team',
        userId: 'historian',
        createdAt: expect.any(String),
        lastActiveAt: expect.any(String),
        messageCount: 6,
        tokensUsed: expect.any(Number),
        channel: 'api',
      });
    });

    it('Get Many filters, limits, and with Return All walks every page', async () => {
      const all = node(ACTION, { resource: 'session', operation: 'getAll', returnAll: true, filters: {} }, 'All');
      const mine = node(
        ACTION,
        {
          resource: 'session',
          operation: 'getAll',
          returnAll: true,
          filters: { workspace: 'team', userId: 'historian' },
        },
        'Mine',
      );
      const one = node(
        ACTION,
        { resource: 'session', operation: 'getAll', returnAll: false, limit: 1, filters: {} },
        'One',
      );
      const total = (await gw.request('GET', '/api/v1/sessions?limit=1')).body.total as number;
      const result = await runWorkflow(creds, [all]);
      expect(result.output('All')).toHaveLength(total);
      const second = await runWorkflow(creds, [mine]);
      expect(second.output('Mine').map((i) => i.json.id)).toEqual([sessionId]);
      const third = await runWorkflow(creds, [one]);
      expect(third.output('One')).toHaveLength(1);
    });

    it('Get History returns the messages in chronological order', async () => {
      const history = node(
        ACTION,
        { resource: 'session', operation: 'getHistory', sessionId, returnAll: true },
        'History',
      );
      const out = (await runWorkflow(creds, [history])).output('History').map((i) => i.json);
      expect(out.map((m) => [m.role, m.content])).toEqual([
        ['user', 'one'],
        ['assistant', 'fake answer to: one'],
        ['user', 'two'],
        ['assistant', 'fake answer to: two'],
        ['user', 'three'],
        ['assistant', 'fake answer to: three'],
      ]);
      const lastTwo = node(
        ACTION,
        { resource: 'session', operation: 'getHistory', sessionId, returnAll: false, limit: 2 },
        'Last',
      );
      expect((await runWorkflow(creds, [lastTwo])).output('Last').map((i) => i.json.content)).toEqual([
        'three',
        'fake answer to: three',
      ]);
    });

    it('Return All pages past 100 items: 102 history entries stay chronological, 101+ sessions all come back', async () => {
      // 51 messages in one session (102 turns) and 100 one-message sessions, sent async, then awaited.
      const sends = [
        ...Array.from({ length: 51 }, (_, i) => ({
          workspace: 'ops',
          userId: 'talker',
          sessionId: 'sess_long',
          message: `m${i}`,
          async: true,
        })),
        ...Array.from({ length: 100 }, (_, i) => ({
          workspace: 'ops',
          userId: `user${i}`,
          message: 'hi',
          async: true,
        })),
      ];
      const ids: string[] = [];
      for (const body of sends) ids.push((await gw.request('POST', '/api/v1/messages', { body })).body.messageId);
      for (const id of ids) {
        for (let i = 0; i < 2000 && (await gw.request('GET', `/api/v1/messages/${id}`)).body.status !== 'done'; i++) {
          await new Promise((r) => setTimeout(r, 10));
        }
      }
      const history = node(
        ACTION,
        { resource: 'session', operation: 'getHistory', sessionId: 'sess_long', returnAll: true },
        'History',
      );
      const turns = (await runWorkflow(creds, [history])).output('History').map((i) => i.json.content);
      expect(turns).toHaveLength(102);
      expect(turns.filter((_, i) => i % 2 === 0)).toEqual(Array.from({ length: 51 }, (_, i) => `m${i}`));

      const total = (await gw.request('GET', '/api/v1/sessions?limit=1')).body.total as number;
      expect(total).toBeGreaterThan(100);
      const all = node(ACTION, { resource: 'session', operation: 'getAll', returnAll: true, filters: {} }, 'All');
      const sessions = (await runWorkflow(creds, [all])).output('All').map((i) => i.json.id);
      expect(sessions).toHaveLength(total);
      expect(new Set(sessions).size).toBe(total);
    }, 120_000);

    it('Delete clears one session and Delete All in Workspace clears a workspace', async () => {
      const del = node(ACTION, { resource: 'session', operation: 'delete', sessionId }, 'Delete');
      expect((await runWorkflow(creds, [del])).output('Delete')[0].json).toEqual({ deleted: true, id: sessionId });
      expect((await gw.request('GET', `/api/v1/sessions/${sessionId}`)).status).toBe(404);

      const delAll = node(
        ACTION,
        { resource: 'session', operation: 'deleteAll', workspace: { __rl: true, mode: 'id', value: 'ops' } },
        'DeleteAll',
      );
      expect((await runWorkflow(creds, [delAll])).output('DeleteAll')[0].json).toEqual({
        deleted: 102,
        workspace: 'ops',
      });
      expect((await gw.request('GET', '/api/v1/sessions?workspace=ops')).body.total).toBe(0);
    });
  });

  describe('Stats', () => {
    const today = () => new Date().toISOString().slice(0, 10);

    it('Get returns totals and byDay for the period', async () => {
      const get = node(
        ACTION,
        { resource: 'stats', operation: 'get', period: { from: `${today()}T00:00:00`, to: today() } },
        'Stats',
      );
      const out = (await runWorkflow(creds, [get])).output('Stats')[0].json as Record<string, any>;
      expect(out.period).toEqual({ from: today(), to: today() });
      expect(out.totals.messages).toBeGreaterThanOrEqual(159);
      expect(out.byDay).toHaveLength(1);
      expect(out.byDay[0].date).toBe(today());
    });

    it('By Workspace and By User break the numbers down', async () => {
      const byWs = node(ACTION, { resource: 'stats', operation: 'byWorkspace', period: {} }, 'ByWs');
      const byUser = node(
        ACTION,
        { resource: 'stats', operation: 'byUser', workspace: team, limit: 2, period: {} },
        'ByUser',
      );
      const ws = (await runWorkflow(creds, [byWs])).output('ByWs')[0].json;
      const users = (await runWorkflow(creds, [byUser])).output('ByUser')[0].json;
      const expectedWs = (await gw.request('GET', '/api/v1/stats/workspaces')).body;
      const expectedUsers = (await gw.request('GET', '/api/v1/stats/users?workspace=team&limit=2')).body;
      expect(ws).toEqual(expectedWs);
      expect(users).toEqual(expectedUsers);
      expect(JSON.stringify(ws)).toContain('"team"');
      expect(JSON.stringify(users)).toContain('historian');
    });
  });
});
