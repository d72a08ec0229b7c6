/**
 * The provider adapters against hand-written transcripts of each provider's streaming wire
 * format, replayed in small pieces: tool-call arguments split across chunks (and across network
 * reads, mid-UTF-8), several tool calls in one step, usage, an error event mid-stream, a stream
 * that ends early or whose connection drops. What the agent emits, returns and sends back.
 */
import { startTranscriptServer, openaiSse, anthropicSse, type TranscriptServer } from '../fakes/sse-transcript';
import { UpstreamError } from '../../server/agent/types';
import { collect, failure, input, startTestAgent, timeline, workspace, type TestAgent } from './helpers';

const SECRET = 'sk-live-abcdef1234567890';

const chunk = (delta: object, finish: string | null = null) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1700000000,
  model: 'm',
  choices: [{ index: 0, delta, finish_reason: finish }],
});
const usage = (prompt: number, completion: number) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1700000000,
  model: 'm',
  choices: [],
  usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
});

describe.each(['openai-compatible', 'anthropic'] as const)('%s adapter against recorded wire transcripts', (type) => {
  let llm: TranscriptServer;
  let t: TestAgent;
  beforeAll(async () => {
    llm = await startTranscriptServer();
    t = await startTestAgent({
      providers: { main: { type, baseUrl: `${llm.url}/v1`, apiKey: SECRET, retries: 0, timeoutMs: 2000 } },
      model: 'm',
    });
  });
  afterAll(async () => {
    await t.close();
    await llm.close();
  });
  beforeEach(() => llm.requests.splice(0));

  const twoToolCalls =
    type === 'openai-compatible'
      ? openaiSse(
          chunk({ role: 'assistant', content: '' }),
          chunk({ content: 'Noting ' }),
          chunk({ content: 'both.' }),
          chunk({
            tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'memory', arguments: '' } }],
          }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: '{"action":"remem' } }] }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: 'ber","fact":"Likes thé ☕"}' } }] }),
          chunk({
            tool_calls: [
              { index: 1, id: 'call_b', type: 'function', function: { name: 'memory', arguments: '{"action":' } },
            ],
          }),
          chunk({ tool_calls: [{ index: 1, function: { arguments: '"remember","fact":"Works late","extra":1}' } }] }),
          chunk({}, 'tool_calls'),
          usage(40, 11),
          '[DONE]',
        )
      : anthropicSse(
          {
            type: 'message_start',
            message: {
              id: 'msg_1',
              type: 'message',
              role: 'assistant',
              content: [],
              model: 'm',
              stop_reason: null,
              stop_sequence: null,
              usage: { input_tokens: 40, output_tokens: 1 },
            },
          },
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
          { type: 'ping' },
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Noting ' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'both.' } },
          { type: 'content_block_stop', index: 0 },
          {
            type: 'content_block_start',
            index: 1,
            content_block: { type: 'tool_use', id: 'toolu_a', name: 'memory', input: {} },
          },
          { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } },
          {
            type: 'content_block_delta',
            index: 1,
            delta: { type: 'input_json_delta', partial_json: '{"action":"remem' },
          },
          {
            type: 'content_block_delta',
            index: 1,
            delta: { type: 'input_json_delta', partial_json: 'ber","fact":"Likes thé ☕"}' },
          },
          { type: 'content_block_stop', index: 1 },
          {
            type: 'content_block_start',
            index: 2,
            content_block: { type: 'tool_use', id: 'toolu_b', name: 'memory', input: {} },
          },
          {
            type: 'content_block_delta',
            index: 2,
            delta: { type: 'input_json_delta', partial_json: '{"action":"remember","fact":"Works late","extra":1}' },
          },
          { type: 'content_block_stop', index: 2 },
          {
            type: 'message_delta',
            delta: { stop_reason: 'tool_use', stop_sequence: null },
            usage: { output_tokens: 11 },
          },
          { type: 'message_stop' },
        );

  const answer = (text: string[], tokens: { input: number; output: number }) =>
    type === 'openai-compatible'
      ? openaiSse(
          chunk({ role: 'assistant', content: '' }),
          ...text.map((w) => chunk({ content: w })),
          chunk({}, 'stop'),
          usage(tokens.input, tokens.output),
          '[DONE]',
        )
      : anthropicSse(
          {
            type: 'message_start',
            message: {
              id: 'msg_2',
              type: 'message',
              role: 'assistant',
              content: [],
              model: 'm',
              stop_reason: null,
              usage: { input_tokens: tokens.input, output_tokens: 1 },
            },
          },
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
          ...text.map((w) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: w } })),
          { type: 'content_block_stop', index: 0 },
          {
            type: 'message_delta',
            delta: { stop_reason: 'end_turn', stop_sequence: null },
            usage: { output_tokens: tokens.output },
          },
          { type: 'message_stop' },
        );

  it('assembles two tool calls split across chunks, runs both, sends both results back, sums usage', async () => {
    llm.play(twoToolCalls, { pieceBytes: 7 });
    llm.play(answer(['Got', ' it.'], { input: 90, output: 3 }));
    const { events, result } = await collect(
      t.agent,
      input('remember two things', { workspace: workspace(['memory']) }),
    );
    expect(timeline(events)).toEqual([
      'token:Noting ',
      'token:both.',
      { type: 'tool_use', tool: 'memory', input: { action: 'remember', fact: 'Likes thé ☕' } },
      // Unknown fields are dropped, as the schema allows none.
      { type: 'tool_use', tool: 'memory', input: { action: 'remember', fact: 'Works late' } },
      { type: 'tool_result', tool: 'memory', output: 'Remembered: Likes thé ☕' },
      { type: 'tool_result', tool: 'memory', output: 'Remembered: Works late' },
      'token:\n\n',
      'token:Got',
      'token: it.',
    ]);
    expect(result).toEqual({
      response: 'Noting both.\n\nGot it.',
      finishReason: 'stop',
      model: 'm',
      provider: 'main',
      tokensIn: 130,
      tokensOut: 14,
      toolsInvoked: ['memory'],
    });
    expect(await t.stores.memory.recall('team', 'api-user')).toHaveLength(2);

    const [first, second] = llm.requests.map((r) => r.body);
    expect(first.stream).toBe(true);
    if (type === 'openai-compatible') {
      expect(first.stream_options).toEqual({ include_usage: true });
      expect(first.tools[0]).toMatchObject({
        type: 'function',
        function: { name: 'memory', parameters: { type: 'object', required: ['action'] } },
      });
      expect(second.messages.slice(-3)).toEqual([
        {
          role: 'assistant',
          content: 'Noting both.',
          tool_calls: [
            {
              id: 'call_a',
              type: 'function',
              function: { name: 'memory', arguments: '{"action":"remember","fact":"Likes thé ☕"}' },
            },
            {
              id: 'call_b',
              type: 'function',
              function: { name: 'memory', arguments: '{"action":"remember","fact":"Works late","extra":1}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_a', content: 'Remembered: Likes thé ☕' },
        { role: 'tool', tool_call_id: 'call_b', content: 'Remembered: Works late' },
      ]);
    } else {
      expect(first.tools[0]).toMatchObject({ name: 'memory', input_schema: { type: 'object', required: ['action'] } });
      expect(second.messages.slice(-2)).toEqual([
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Noting both.' },
            { type: 'tool_use', id: 'toolu_a', name: 'memory', input: { action: 'remember', fact: 'Likes thé ☕' } },
            {
              type: 'tool_use',
              id: 'toolu_b',
              name: 'memory',
              input: { action: 'remember', fact: 'Works late', extra: 1 },
            },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_a', content: 'Remembered: Likes thé ☕' },
            { type: 'tool_result', tool_use_id: 'toolu_b', content: 'Remembered: Works late' },
          ],
        },
      ]);
    }
  });

  it('arguments that are not JSON are an error result the model sees, the message still answers', async () => {
    const broken =
      type === 'openai-compatible'
        ? openaiSse(
            chunk({
              tool_calls: [
                { index: 0, id: 'call_x', type: 'function', function: { name: 'memory', arguments: '{"action":' } },
              ],
            }),
            chunk({}, 'tool_calls'),
            usage(5, 5),
            '[DONE]',
          )
        : anthropicSse(
            { type: 'message_start', message: { usage: { input_tokens: 5, output_tokens: 1 } } },
            {
              type: 'content_block_start',
              index: 0,
              content_block: { type: 'tool_use', id: 'toolu_x', name: 'memory', input: {} },
            },
            { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"action":' } },
            { type: 'content_block_stop', index: 0 },
            { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 5 } },
            { type: 'message_stop' },
          );
    llm.play(broken);
    llm.play(answer(['ok'], { input: 5, output: 1 }));
    const { events, result } = await collect(t.agent, input('x', { workspace: workspace(['memory']) }));
    expect(events.slice(0, 2)).toEqual([
      { type: 'tool_use', tool: 'memory', input: '{"action":' },
      {
        type: 'tool_result',
        tool: 'memory',
        output: 'Error: Invalid input for tool memory: the arguments are not JSON',
        isError: true,
      },
    ]);
    expect(result.response).toBe('ok');
  });

  it('a provider reporting no usage gets the word-count estimate', async () => {
    // Some OpenAI-compatible servers ignore stream_options; Anthropic-compatible proxies may drop usage.
    llm.play(
      type === 'openai-compatible'
        ? openaiSse(chunk({ content: 'three little words' }), chunk({}, 'stop'), '[DONE]')
        : anthropicSse(
            { type: 'message_start', message: { id: 'msg_3', role: 'assistant', content: [] } },
            { type: 'content_block_start', index: 0, content_block: { type: 'text', text: 'three little words' } },
            { type: 'content_block_stop', index: 0 },
            { type: 'message_delta', delta: { stop_reason: 'end_turn' } },
            { type: 'message_stop' },
          ),
    );
    const { result } = await collect(t.agent, input('count me'));
    expect(result.tokensOut).toBe(3);
    expect(result.tokensIn).toBeGreaterThan(2); // system prompt + message, by words
  });

  it('an error event mid-stream fails the message with an UpstreamError, secrets stripped', async () => {
    const mid =
      type === 'openai-compatible'
        ? openaiSse(chunk({ content: 'Half' }), {
            error: {
              message: `The server had an error processing your request (key ${SECRET})`,
              type: 'server_error',
              code: null,
            },
          })
        : anthropicSse(
            { type: 'message_start', message: { usage: { input_tokens: 5, output_tokens: 1 } } },
            { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
            { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Half' } },
            { type: 'error', error: { type: 'overloaded_error', message: `Overloaded (key ${SECRET})` } },
          );
    llm.play(mid);
    const { error, events } = await failure(t.agent, input('hi'));
    expect(timeline(events)).toEqual(['token:Half']);
    expect(error).toBeInstanceOf(UpstreamError);
    const said =
      type === 'openai-compatible'
        ? 'The server had an error processing your request (key [redacted])'
        : 'overloaded_error: Overloaded (key [redacted])';
    expect(error.message).toBe(`Model provider "main" (model m) sent an answer the gateway could not use: ${said}`);
    expect(llm.requests).toHaveLength(1); // tokens were sent: never retried
  });

  const firstWords =
    type === 'openai-compatible'
      ? openaiSse(chunk({ content: 'Cut' }), chunk({ content: ' here' }))
      : anthropicSse(
          { type: 'message_start', message: { usage: { input_tokens: 5, output_tokens: 1 } } },
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Cut' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' here' } },
        );

  it('a stream that ends before the answer is complete fails, not a truncated answer', async () => {
    llm.play(firstWords);
    const { error, events } = await failure(t.agent, input('hi'));
    expect(timeline(events)).toEqual(['token:Cut', 'token: here']);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toBe(
      'Model provider "main" (model m) sent an answer the gateway could not use: the stream ended before the answer was complete',
    );
  });

  it('a connection dropped mid-stream fails with "connection lost"', async () => {
    llm.play(firstWords, { then: 'destroy' });
    const { error, events } = await failure(t.agent, input('hi'));
    expect(timeline(events)).toEqual(['token:Cut', 'token: here']);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toMatch(
      /^Model provider "main" \(model m\) failed: connection lost in the middle of its answer \(.+\)\.$/,
    );
  });
});
