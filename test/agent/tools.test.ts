/**
 * The tools behind the skills, called by a model through the agent: memory (real Redis),
 * web-search (fake SearXNG), github (fake GitHub, Enterprise base URL); tool failures and
 * timeouts become tool_result events with the error, never a failed message; only the
 * workspace's skills are offered to the model.
 */
import { startFakeOpenAI } from '../fakes/openai';
import { startFakeGitHub } from '../fakes/github';
import { startFakeSearxng } from '../fakes/searxng';
import type { FakeServer } from '../fakes/http';
import type { FakeLlm } from '../fakes/llm-script';
import { collect, input, startTestAgent, workspace, type TestAgent } from './helpers';
import type { AgentEvent } from '../../server/agent/types';

const toolEvents = (events: AgentEvent[]) => events.filter((e) => e.type !== 'token');

describe('tools', () => {
  let llm: FakeLlm;
  let github: FakeServer;
  let search: FakeServer;
  let t: TestAgent;

  beforeAll(async () => {
    llm = await startFakeOpenAI();
    github = await startFakeGitHub({ token: 'ghp_enterprise_token' });
    search = await startFakeSearxng();
    t = await startTestAgent({
      providers: { main: { type: 'openai-compatible', baseUrl: `${llm.url}/v1`, retries: 0 } },
      model: 'm',
      tools: {
        github: { token: 'ghp_enterprise_token', baseUrl: `${github.url}/api/v3`, repo: 'acme/app' },
        webSearch: { url: search.url, maxResults: 2 },
        timeoutMs: 300,
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([llm.close(), github.close(), search.close()]);
  });

  /** The model calls `tool` with `args`, then answers "ok". */
  async function callTool(tool: string, args: unknown, opts: { skills?: string[]; userId?: string; ws?: string } = {}) {
    llm.reply({ toolCalls: [{ name: tool, input: args }] }, { text: 'ok' });
    return collect(
      t.agent,
      input('go', {
        workspace: workspace(opts.skills ?? [tool], 'balanced', opts.ws ?? 'team'),
        userId: opts.userId ?? 'u1',
      }),
    );
  }

  it('memory: remembers per workspace and user in Redis, recalls by keyword, forgets', async () => {
    let run = await callTool('memory', { action: 'remember', fact: 'Prefers answers in bullet points' });
    expect(toolEvents(run.events)).toEqual([
      { type: 'tool_use', tool: 'memory', input: { action: 'remember', fact: 'Prefers answers in bullet points' } },
      { type: 'tool_result', tool: 'memory', output: 'Remembered: Prefers answers in bullet points' },
    ]);
    await callTool('memory', { action: 'remember', fact: 'Works on the billing service' });
    expect(await t.redis.zrange('oc:{mem:team}:u:u1', 0, -1)).toEqual([
      'Prefers answers in bullet points',
      'Works on the billing service',
    ]);
    expect(await t.redis.smembers('oc:{mem:team}:users')).toEqual(['u1']);

    run = await callTool('memory', { action: 'recall', query: 'billing' });
    expect(toolEvents(run.events)[1]).toEqual({
      type: 'tool_result',
      tool: 'memory',
      output: '1 remembered fact:\n- Works on the billing service (2026-04-30)',
    });
    expect(run.result.toolsInvoked).toEqual(['memory']);

    // Another user, or the same user in another workspace, sees nothing.
    run = await callTool('memory', { action: 'recall' }, { userId: 'u2' });
    expect(toolEvents(run.events)[1]).toMatchObject({ output: 'Nothing remembered for this user yet.' });
    run = await callTool('memory', { action: 'recall' }, { ws: 'other' });
    expect(toolEvents(run.events)[1]).toMatchObject({ output: 'Nothing remembered for this user yet.' });

    run = await callTool('memory', { action: 'forget', query: 'bullet' });
    expect(toolEvents(run.events)[1]).toMatchObject({ output: 'Forgot 1 fact.' });
    expect(await t.stores.memory.recall('team', 'u1')).toEqual([
      { fact: 'Works on the billing service', rememberedAt: '2026-04-30T14:00:00.000Z' },
    ]);

    await t.stores.memory.dropWorkspace('team');
    expect(await t.redis.exists('oc:{mem:team}:u:u1', 'oc:{mem:team}:users')).toBe(0);
  });

  it('memory: a remember without a fact is an error result, the message still answers', async () => {
    const run = await callTool('memory', { action: 'remember' });
    expect(toolEvents(run.events)[1]).toEqual({
      type: 'tool_result',
      tool: 'memory',
      output: 'Error: remember needs a non-empty "fact"',
      isError: true,
    });
    expect(run.result.response).toBe('ok');
    expect(run.result.finishReason).toBe('stop');
  });

  it('web-search: queries SearXNG JSON and returns the top results', async () => {
    const run = await callTool('web-search', { query: 'redis streams' }, { skills: ['web-search'] });
    expect(toolEvents(run.events)[1]).toEqual({
      type: 'tool_result',
      tool: 'web-search',
      output: [
        '2 results for "redis streams":',
        '1. Result 1 for redis streams — https://example.com/redis%20streams/1',
        '   Snippet 1 about redis streams.',
        '2. Result 2 for redis streams — https://example.com/redis%20streams/2',
        '   Snippet 2 about redis streams.',
      ].join('\n'),
    });
    const req = search.requests.at(-1)!;
    expect(req.path).toBe('/search');
    expect(req.query.get('q')).toBe('redis streams');
    expect(req.query.get('format')).toBe('json');
  });

  it('web-search: a failing backend or a timeout is an error result', async () => {
    let run = await callTool('web-search', { query: 'fail' });
    expect(toolEvents(run.events)[1]).toEqual({
      type: 'tool_result',
      tool: 'web-search',
      output: `Error: the search service at ${search.url} answered HTTP 500 without JSON results`,
      isError: true,
    });
    run = await callTool('web-search', { query: 'hang' });
    expect(toolEvents(run.events)[1]).toEqual({
      type: 'tool_result',
      tool: 'web-search',
      output: 'Error: the search service did not answer within 300 ms (tools.timeoutMs)',
      isError: true,
    });
    expect(run.result.response).toBe('ok');
  });

  it('github: pull requests and commits through a GitHub Enterprise base URL, default repo from config', async () => {
    let run = await callTool('github', { action: 'list_pull_requests' });
    expect(toolEvents(run.events)[1]).toMatchObject({
      output:
        '1 open pull request in acme/app:\n#10 Add SSE streaming (by carol, feature/sse → main, updated 2026-04-27)',
    });
    run = await callTool('github', { action: 'recent_commits', limit: 2 });
    expect(toolEvents(run.events)[1]).toMatchObject({
      output:
        '2 recent commits in acme/app:\na1b2c3d Fix session ordering (alice, 2026-04-29)\nb2c3d4e Add webhooks retry (bob, 2026-04-28)',
    });
    expect(github.requests.at(-1)!.path).toBe('/api/v3/repos/acme/app/commits');
    expect(github.requests.at(-1)!.query.get('per_page')).toBe('2');
    expect(github.requests.at(-1)!.headers.authorization).toBe('Bearer ghp_enterprise_token');
  });

  it('github: unknown repo, timeout and invalid input are error results', async () => {
    let run = await callTool('github', { action: 'list_issues', repo: 'acme/nope' });
    expect(toolEvents(run.events)[1]).toEqual({
      type: 'tool_result',
      tool: 'github',
      output: 'Error: repository acme/nope not found or the token cannot see it',
      isError: true,
    });
    run = await callTool('github', { action: 'list_issues', repo: 'acme/hang' });
    expect(toolEvents(run.events)[1]).toEqual({
      type: 'tool_result',
      tool: 'github',
      output: 'Error: GitHub did not answer within 300 ms (tools.timeoutMs)',
      isError: true,
    });
    run = await callTool('github', { action: 'delete_repo' });
    expect(toolEvents(run.events)[0]).toEqual({ type: 'tool_use', tool: 'github', input: { action: 'delete_repo' } });
    expect(toolEvents(run.events)[1]).toMatchObject({ type: 'tool_result', tool: 'github', isError: true });
    expect(String((toolEvents(run.events)[1] as any).output)).toContain('Invalid input for tool github');
    expect(run.result.response).toBe('ok');
  });

  it('github: a wrong token is an error result that names the setting, not the token', async () => {
    const bad = await startTestAgent({
      providers: { main: { type: 'openai-compatible', baseUrl: `${llm.url}/v1` } },
      model: 'm',
      tools: { github: { token: 'ghp_wrong_token_value', baseUrl: github.url, repo: 'acme/app' } },
    });
    try {
      llm.reply({ toolCalls: [{ name: 'github', input: { action: 'list_issues' } }] }, { text: 'ok' });
      const run = await collect(bad.agent, input('go', { workspace: workspace(['github']) }));
      expect(toolEvents(run.events)[1]).toEqual({
        type: 'tool_result',
        tool: 'github',
        output: 'Error: GitHub rejected the token (Bad credentials): check tools.github.token',
        isError: true,
      });
    } finally {
      await bad.close();
    }
  });

  it('offers the model only the workspace skills, and none when it has none', async () => {
    llm.reply({ text: 'a' }, { text: 'b' });
    await collect(t.agent, input('x', { workspace: workspace(['memory', 'web-search']) }));
    await collect(t.agent, input('x', { workspace: workspace([]) }));
    const [withSkills, without] = llm.chats().slice(-2);
    expect(withSkills.body.tools.map((x: any) => x.function.name)).toEqual(['memory', 'web-search']);
    expect(without.body.tools).toBeUndefined();
  });

  it('a tool the workspace does not have is an error result', async () => {
    const run = await callTool('github', { action: 'list_issues' }, { skills: ['memory'] });
    expect(toolEvents(run.events)[1]).toMatchObject({ type: 'tool_result', tool: 'github', isError: true });
    expect(run.result.response).toBe('ok');
  });
});
