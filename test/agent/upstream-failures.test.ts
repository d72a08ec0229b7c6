/**
 * Upstream failures: 429 then success (retried, one answer), persistent 500 → UpstreamError after
 * retries, a provider that never answers or stalls mid-answer → UpstreamError, 401 not retried,
 * connection refused; every message actionable and free of secrets.
 */
import { startFakeOpenAI } from '../fakes/openai';
import { startFakeAnthropic } from '../fakes/anthropic';
import type { FakeLlm } from '../fakes/llm-script';
import { UpstreamError } from '../../server/agent/types';
import { collect, failure, input, startTestAgent, timeline, workspace, type TestAgent } from './helpers';

const SECRET = 'sk-live-abcdef1234567890';

describe.each([
  ['openai-compatible', startFakeOpenAI],
  ['anthropic', startFakeAnthropic],
] as const)('upstream failures through the %s provider', (type, startFake) => {
  let llm: FakeLlm;
  let t: TestAgent;
  beforeAll(async () => {
    llm = await startFake();
    t = await startTestAgent({
      providers: {
        main: { type, baseUrl: `${llm.url}/v1`, apiKey: SECRET, retries: 2, retryBaseDelayMs: 5, timeoutMs: 300 },
      },
      model: 'm1',
    });
  });
  afterAll(async () => {
    await t.close();
    await llm.close();
  });
  beforeEach(() => llm.requests.splice(0));

  it('retries a 429 and answers once', async () => {
    llm.reply({ status: 429, message: 'Rate limit reached', headers: { 'retry-after': '0' } }, { text: 'Hello there' });
    const { events, result } = await collect(t.agent, input('hi'));
    expect(timeline(events)).toEqual(['token:Hello', 'token: there']);
    expect(result.response).toBe('Hello there');
    expect(llm.chats()).toHaveLength(2);
  });

  it('retries 5xx then fails with an UpstreamError that names the provider and the status', async () => {
    llm.reply(
      { status: 500, message: 'boom' },
      { status: 500, message: 'boom' },
      { status: 500, message: `boom for key ${SECRET}` },
    );
    const { error, events } = await failure(t.agent, input('hi'));
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.code).toBe('upstream_error');
    expect(error.status).toBe(500);
    expect(error.message).toBe(
      'Model provider "main" (model m1) failed after 3 attempts: HTTP 500 "boom for key [redacted]": the provider is failing or overloaded: try again later.',
    );
    expect(llm.chats()).toHaveLength(3);
  });

  it('does not retry a 401 and says to check the key, without the key', async () => {
    llm.reply({ status: 401, message: `Incorrect API key provided: ${SECRET}` });
    const { error } = await failure(t.agent, input('hi'));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.status).toBe(401);
    expect(error.message).toContain('the provider rejected the credentials: check the API key (config providers.main)');
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain('abcdef');
    expect(llm.chats()).toHaveLength(1);
  });

  it('times out a provider that never answers, retrying first', async () => {
    llm.reply({ hang: true }, { hang: true }, { hang: true });
    const { error } = await failure(t.agent, input('hi'));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toBe(
      `Model provider "main" (model m1) failed after 3 attempts: no answer within 300 ms from ${llm.url}/v1: check that the provider is up, or raise its timeoutMs.`,
    );
    expect(llm.chats()).toHaveLength(3);
  });

  it('recovers when a timeout is followed by an answer', async () => {
    llm.reply({ hang: true }, { text: 'late but fine' });
    const { result } = await collect(t.agent, input('hi'));
    expect(result.response).toBe('late but fine');
  });

  it('fails a stream that stalls mid-answer without retrying (tokens were already sent)', async () => {
    llm.reply({ stallAfter: 'Half an' });
    const { error, events } = await failure(t.agent, input('hi'));
    expect(timeline(events)).toEqual(['token:Half', 'token: an']);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toBe(
      'Model provider "main" (model m1) failed: stopped sending for 300 ms in the middle of its answer: try again, or raise its timeoutMs.',
    );
    expect(llm.chats()).toHaveLength(1);
  });
});

describe('unreachable provider', () => {
  it('fails with "cannot connect" after the retries', async () => {
    const dead = await startFakeOpenAI();
    await dead.close(); // the port is free now: connection refused
    const t = await startTestAgent({
      providers: { local: { type: 'openai-compatible', baseUrl: `${dead.url}/v1`, retries: 1, retryBaseDelayMs: 1 } },
      model: 'llama',
    });
    try {
      const { error } = await failure(t.agent, input('hi'));
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error.message).toBe(
        `Model provider "local" (model llama) failed after 2 attempts: cannot connect to ${dead.url}/v1 (ECONNREFUSED): check the base URL (config providers.local) and that the server is running.`,
      );
    } finally {
      await t.close();
    }
  });

  it('a model no provider serves fails with UpstreamError naming the fix', async () => {
    const t = await startTestAgent({ agents: { gpt: { model: 'gpt-4o' } } });
    try {
      const { error } = await failure(t.agent, input('hi', { workspace: workspace([], 'gpt') }));
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error.message).toBe(
        'Model "gpt-4o" is not available: no model provider is configured (set "providers" in openclaw.json, or OPENAI_API_KEY / ANTHROPIC_API_KEY).',
      );
    } finally {
      await t.close();
    }
  });
});
