/**
 * How a workspace's preset and the message context reach the model: system prompt with the local
 * date/time in context.timezone and the answer language, history turns, temperature, max tokens,
 * the preset's model, the tool-step limit; the offline model stays deterministic; an aborted run
 * stops.
 */
import { startFakeOpenAI } from '../fakes/openai';
import { startFakeAnthropic } from '../fakes/anthropic';
import type { FakeLlm } from '../fakes/llm-script';
import { collect, failure, input, startTestAgent, timeline, workspace, type TestAgent } from './helpers';
import { localDateTime, languageName } from '../../server/agent/prompt';
import { UpstreamError } from '../../server/agent/types';

const PRESETS = {
  terse: { systemPrompt: 'You are terse.', temperature: 0.1, maxTokens: 300, maxToolSteps: 1 },
  claude: { model: 'claude-x', systemPrompt: 'You are Claude here.' },
  local: { model: 'offline' },
};

describe('presets and prompt', () => {
  let openai: FakeLlm;
  let anthropic: FakeLlm;
  let t: TestAgent;

  beforeAll(async () => {
    openai = await startFakeOpenAI();
    anthropic = await startFakeAnthropic();
    t = await startTestAgent({
      providers: {
        claude: { type: 'anthropic', baseUrl: anthropic.url, apiKey: 'ak', models: ['claude-*'] },
        main: { type: 'openai-compatible', baseUrl: `${openai.url}/v1`, timeoutMs: 5000 },
      },
      model: 'gpt-test',
      agents: PRESETS,
    });
  });
  afterAll(async () => {
    await t.close();
    await openai.close();
    await anthropic.close();
  });

  it('formats the local date and time in a zone, and names languages', () => {
    const now = new Date('2026-04-30T14:00:00Z');
    expect(localDateTime(now, 'America/New_York')).toBe('Thursday 2026-04-30 10:00 (America/New_York, GMT-4)');
    expect(localDateTime(new Date('2026-04-30T23:30:00Z'), 'Asia/Kolkata')).toBe(
      'Friday 2026-05-01 05:00 (Asia/Kolkata, GMT+5:30)',
    );
    expect(localDateTime(now)).toBe('Thursday 2026-04-30 14:00 (UTC)');
    expect(localDateTime(now, 'Not/AZone')).toBe('Thursday 2026-04-30 14:00 (UTC)');
    // Kept per zone for the minute it shows, and never past it.
    expect(localDateTime(new Date('2026-04-30T14:00:59.999Z'))).toBe('Thursday 2026-04-30 14:00 (UTC)');
    expect(localDateTime(new Date('2026-04-30T14:01:00Z'))).toBe('Thursday 2026-04-30 14:01 (UTC)');
    expect(localDateTime(new Date('2026-04-30T14:00:30Z'))).toBe('Thursday 2026-04-30 14:00 (UTC)');
    expect(localDateTime(new Date('2026-04-30T14:01:00Z'), 'America/New_York')).toBe(
      'Thursday 2026-04-30 10:01 (America/New_York, GMT-4)',
    );
    expect(languageName('de')).toBe('German (de)');
    expect(languageName('pt-BR')).toBe('Brazilian Portuguese (pt-BR)');
  });

  it('OpenAI-compatible: system prompt with timezone + language, history, temperature and max tokens of the preset', async () => {
    openai.reply({ text: 'Hallo' });
    await collect(
      t.agent,
      input('Wie spät ist es?', {
        workspace: workspace([], 'terse'),
        userId: 'anna',
        context: { timezone: 'Europe/Berlin', language: 'de' },
        history: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello!' },
        ],
      }),
    );
    const body = openai.chats().at(-1)!.body;
    expect(body.model).toBe('gpt-test');
    expect(body.temperature).toBe(0.1);
    expect(body.max_tokens).toBe(300);
    expect(body.messages).toEqual([
      {
        role: 'system',
        content:
          'You are terse.\n\nCurrent local date and time: Thursday 2026-04-30 16:00 (Europe/Berlin, GMT+2).\nAnswer in German (de).\nWorkspace: team. User: anna.',
      },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
      { role: 'user', content: 'Wie spät ist es?' },
    ]);
  });

  it('Anthropic: the preset model routes to Anthropic; system prompt carries timezone and language', async () => {
    anthropic.reply({ text: 'Hi' });
    const { result } = await collect(
      t.agent,
      input('What time is it?', {
        workspace: workspace([], 'claude'),
        context: { timezone: 'America/New_York', language: 'en' },
      }),
    );
    expect(result).toMatchObject({ model: 'claude-x', provider: 'claude', response: 'Hi' });
    const req = anthropic.chats().at(-1)!;
    expect(req.path).toBe('/v1/messages');
    expect(req.headers['x-api-key']).toBe('ak');
    expect(req.headers['anthropic-version']).toBe('2023-06-01');
    expect(req.body.system).toEqual([
      {
        type: 'text',
        text: 'You are Claude here.\n\nCurrent local date and time: Thursday 2026-04-30 10:00 (America/New_York, GMT-4).\nAnswer in English (en).\nWorkspace: team. User: api-user.',
      },
    ]);
    expect(req.body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'What time is it?' }] }]);
    expect(req.body.max_tokens).toBe(2048);
  });

  it('the built-in balanced preset and the default model answer when the workspace names no custom preset', async () => {
    openai.reply({ text: 'ok' });
    const { result } = await collect(t.agent, input('hi'));
    expect(result).toMatchObject({ model: 'gpt-test', provider: 'main' });
    expect(openai.chats().at(-1)!.body.temperature).toBe(0.7);
    expect(openai.chats().at(-1)!.body.messages[0].content).toMatch(/^You are OpenClaw, a helpful assistant/);
  });

  it('stops at the preset tool-step limit with finishReason tool_limit', async () => {
    const call = { toolCalls: [{ name: 'memory', input: { action: 'recall' } }] };
    openai.reply(call, call);
    const before = openai.chats().length;
    const { events, result } = await collect(t.agent, input('loop', { workspace: workspace(['memory'], 'terse') }));
    // maxToolSteps 1: one tool round, then one more model step (which asks for tools again) and stop.
    expect(openai.chats().length - before).toBe(2);
    expect(events.map((e) => e.type)).toEqual(['tool_use', 'tool_result', 'tool_use', 'tool_result']);
    expect(result).toMatchObject({ finishReason: 'tool_limit', toolsInvoked: ['memory'] });
  });

  it('a preset naming the offline model answers offline, deterministically, word by word', async () => {
    const { events, result } = await collect(t.agent, input('hello there', { workspace: workspace([], 'local') }));
    expect(timeline(events)).toEqual(
      [
        '[offline',
        ' model]',
        ' You',
        ' said:',
        ' hello',
        ' there',
        ' (turn',
        ' 1',
        ' of',
        ' this',
        ' session;',
        ' configure',
        ' a',
        ' provider',
        ' in',
        ' openclaw.json',
        ' for',
        ' real',
        ' answers)',
      ].map((w) => `token:${w}`),
    );
    expect(result).toEqual({
      response: events.map((e: any) => e.content).join(''),
      finishReason: 'stop',
      model: 'offline',
      provider: 'offline',
      tokensIn: 2,
      tokensOut: 19,
      toolsInvoked: [],
    });
  });

  it('an aborted message stops the run with the abort reason, not an upstream error', async () => {
    openai.reply({ hang: true });
    const ac = new AbortController();
    const reason = new Error('message timed out');
    setTimeout(() => ac.abort(reason), 50);
    const { error } = await failure(t.agent, input('slow', { signal: ac.signal }));
    expect(error).toBe(reason);
    expect(error).not.toBeInstanceOf(UpstreamError);
  });
});
