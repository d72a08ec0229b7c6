/**
 * A fake Anthropic Messages API speaking the real streaming wire format:
 *   POST …/messages stream:true → `event:`/`data:` pairs: message_start, content_block_start /
 *   content_block_delta (text_delta, input_json_delta in pieces) / content_block_stop, ping,
 *   message_delta (stop_reason, usage), message_stop; stream:false → one message object.
 * Errors use Anthropic's body: {"type":"error","error":{"type","message"}} (529 overloaded too).
 *
 *   const llm = await startFakeAnthropic();
 *   llm.reply({ toolCalls: [{ name: 'github', input: { action: 'list_issues' } }] }, { text: 'Done.' });
 *   … llm.url + '/v1' is the base URL; llm.chats()[0].body.system holds the system prompt …
 */
import type { ServerResponse } from 'node:http';
import { startFakeServer, sendJson, type RecordedRequest } from './http';
import {
  createScript,
  countWords,
  isError,
  isHang,
  isStall,
  words,
  type FakeLlm,
  type FakeLlmOptions,
  type FakeReply,
} from './llm-script';

function lastUserText(req: RecordedRequest): string {
  const msgs: Array<{ role: string; content: unknown }> = req.body?.messages ?? [];
  const last = [...msgs].reverse().find((m) => m.role === 'user');
  if (!last) return '';
  if (typeof last.content === 'string') return last.content;
  return (last.content as Array<{ type: string; text?: string }>)
    .filter((b) => b.type === 'text')
    .map((b) => b.text)
    .join(' ');
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

type Answer = Exclude<FakeReply, { status: number } | { hang: true } | { stallAfter: string }>;

const stopOf = (reply: Answer) =>
  reply.toolCalls?.length ? 'tool_use' : reply.finishReason === 'length' ? 'max_tokens' : 'end_turn';
const outputTokens = (reply: Answer) =>
  reply.usage?.output ?? countWords(reply.text ?? '') + (reply.toolCalls?.length ?? 0) * 5;

export async function startFakeAnthropic(opts: FakeLlmOptions = {}): Promise<FakeLlm> {
  const script = createScript(opts, lastUserText);
  const models = opts.models ?? ['claude-fake'];
  let seq = 0;

  const server = await startFakeServer((req, res) => {
    if (req.method === 'GET' && req.path.endsWith('/models'))
      return sendJson(res, 200, {
        data: models.map((id) => ({ type: 'model', id, display_name: id })),
        has_more: false,
      });
    if (req.method !== 'POST' || !req.path.endsWith('/messages'))
      return sendJson(res, 404, {
        type: 'error',
        error: { type: 'not_found_error', message: `no route ${req.method} ${req.path}` },
      });
    const reply = script.next(req);
    if (isHang(reply)) return;
    if (isError(reply)) {
      return sendJson(
        res,
        reply.status,
        {
          type: 'error',
          error: {
            type: ERROR_TYPES[reply.status] ?? 'api_error',
            message: reply.message ?? `fake error ${reply.status}`,
          },
        },
        reply.headers,
      );
    }
    const id = `msg_fake${++seq}`;
    const model = String(req.body?.model ?? models[0]);
    if (req.body?.stream) return streamReply(res, reply, id, model);
    if (isStall(reply)) return; // a stalled non-streaming answer is a hang
    const content = [
      ...(reply.text ? [{ type: 'text', text: reply.text }] : []),
      ...(reply.toolCalls ?? []).map((c, i) => ({
        type: 'tool_use',
        id: `toolu_${seq}_${i + 1}`,
        name: c.name,
        input: c.input,
      })),
    ];
    return sendJson(res, 200, {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content,
      stop_reason: stopOf(reply),
      stop_sequence: null,
      usage: { input_tokens: reply.usage?.input ?? 10, output_tokens: outputTokens(reply) },
    });
  });
  return { ...server, reply: script.push, chats: () => server.requests.filter((r) => r.path.endsWith('/messages')) };
}

function streamReply(
  res: ServerResponse,
  reply: Exclude<FakeReply, { status: number } | { hang: true }>,
  id: string,
  model: string,
) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const event = (type: string, data: object) =>
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  const input = !isStall(reply) ? (reply.usage?.input ?? 10) : 10;
  event('message_start', {
    message: {
      id,
      type: 'message',
      role: 'assistant',
      content: [],
      model,
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: input, output_tokens: 1 },
    },
  });
  event('ping', {});
  let index = 0;
  const text = isStall(reply) ? reply.stallAfter : (reply.text ?? '');
  if (text) {
    event('content_block_start', { index, content_block: { type: 'text', text: '' } });
    for (const w of words(text)) event('content_block_delta', { index, delta: { type: 'text_delta', text: w } });
    if (isStall(reply)) return; // keeps the connection open, sends nothing more
    event('content_block_stop', { index });
    index++;
  }
  if (isStall(reply)) return;
  for (const [i, c] of (reply.toolCalls ?? []).entries()) {
    const args = JSON.stringify(c.input);
    const half = Math.floor(args.length / 2);
    event('content_block_start', {
      index,
      content_block: { type: 'tool_use', id: `toolu_${id}_${i + 1}`, name: c.name, input: {} },
    });
    event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: args.slice(0, half) } });
    event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: args.slice(half) } });
    event('content_block_stop', { index });
    index++;
  }
  event('message_delta', {
    delta: { stop_reason: stopOf(reply), stop_sequence: null },
    usage: { output_tokens: outputTokens(reply) },
  });
  event('message_stop', {});
  res.end();
}
