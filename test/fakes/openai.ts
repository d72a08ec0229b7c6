/**
 * A fake OpenAI-compatible server speaking the real wire format:
 *   POST …/chat/completions  stream:true → SSE `chat.completion.chunk`s (text deltas, tool_calls
 *                            deltas with arguments in pieces, finish_reason, a usage chunk when
 *                            stream_options.include_usage), then `data: [DONE]`;
 *                            stream:false → one `chat.completion` object.
 *   GET  …/models            the model list; GET /api/tags the same list the way Ollama lists it.
 * Errors use OpenAI's body: {"error":{"message","type","code"}}.
 *
 *   const llm = await startFakeOpenAI();
 *   llm.reply({ text: 'Checking.', toolCalls: [{ name: 'github', input: { action: 'list_issues' } }] }, { text: 'Done.' });
 *   … llm.url + '/v1' is the base URL; llm.chats()[1].body.messages holds the tool result …
 *   await llm.close();
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
  return typeof last.content === 'string' ? last.content : JSON.stringify(last.content);
}

const ERROR_TYPES: Record<number, string> = {
  401: 'invalid_request_error',
  404: 'invalid_request_error',
  429: 'rate_limit_exceeded',
  500: 'server_error',
  503: 'server_error',
};

export async function startFakeOpenAI(opts: FakeLlmOptions = {}): Promise<FakeLlm> {
  const script = createScript(opts, lastUserText);
  const models = opts.models ?? ['fake-model'];
  let seq = 0;

  const server = await startFakeServer((req, res) => {
    if (req.method === 'GET' && req.path.endsWith('/models'))
      return sendJson(res, 200, {
        object: 'list',
        data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' })),
      });
    if (req.method === 'GET' && req.path === '/api/tags')
      return sendJson(res, 200, { models: models.map((name) => ({ name, model: name, size: 1 })) });
    if (req.method !== 'POST' || !req.path.endsWith('/chat/completions'))
      return sendJson(res, 404, {
        error: { message: `no route ${req.method} ${req.path}`, type: 'invalid_request_error' },
      });
    const reply = script.next(req);
    if (isHang(reply)) return;
    if (isError(reply)) {
      return sendJson(
        res,
        reply.status,
        {
          error: {
            message: reply.message ?? `fake error ${reply.status}`,
            type: ERROR_TYPES[reply.status] ?? 'error',
            code: null,
          },
        },
        reply.headers,
      );
    }
    const id = `chatcmpl-${++seq}`;
    const model = String(req.body?.model ?? models[0]);
    if (req.body?.stream)
      return streamReply(res, reply, id, model, !!req.body?.stream_options?.include_usage, opts.paceMs ?? 0);
    if (isStall(reply)) return; // a stalled non-streaming answer is a hang
    return sendJson(res, 200, completion(reply, id, model));
  });
  return {
    ...server,
    reply: script.push,
    chats: () => server.requests.filter((r) => r.path.endsWith('/chat/completions')),
  };
}

type Answer = Exclude<FakeReply, { status: number } | { hang: true } | { stallAfter: string }>;

function usageOf(reply: Answer) {
  const input = reply.usage?.input ?? 10;
  const output = reply.usage?.output ?? countWords(reply.text ?? '') + (reply.toolCalls?.length ?? 0) * 5;
  return { prompt_tokens: input, completion_tokens: output, total_tokens: input + output };
}

const finishOf = (reply: Answer) => (reply.toolCalls?.length ? 'tool_calls' : (reply.finishReason ?? 'stop'));

function completion(reply: Answer, id: string, model: string) {
  const toolCalls = (reply.toolCalls ?? []).map((c, i) => ({
    id: `call_${i + 1}`,
    type: 'function',
    function: { name: c.name, arguments: JSON.stringify(c.input) },
  }));
  return {
    id,
    object: 'chat.completion',
    created: 1700000000,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: reply.text ?? null,
          ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: finishOf(reply),
      },
    ],
    usage: usageOf(reply),
  };
}

async function streamReply(
  res: ServerResponse,
  reply: Exclude<FakeReply, { status: number } | { hang: true }>,
  id: string,
  model: string,
  includeUsage: boolean,
  paceMs: number,
) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const chunk = (delta: object, finish: string | null = null) =>
    res.write(
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1700000000, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`,
    );
  chunk({ role: 'assistant', content: '' });
  if (isStall(reply)) {
    for (const w of words(reply.stallAfter)) chunk({ content: w });
    return; // keeps the connection open, sends nothing more
  }
  for (const w of words(reply.text ?? '')) {
    if (paceMs) await new Promise((r) => setTimeout(r, paceMs));
    if (res.destroyed) return;
    chunk({ content: w });
  }
  (reply.toolCalls ?? []).forEach((c, i) => {
    const args = JSON.stringify(c.input);
    const half = Math.floor(args.length / 2);
    chunk({
      tool_calls: [{ index: i, id: `call_${i + 1}`, type: 'function', function: { name: c.name, arguments: '' } }],
    });
    chunk({ tool_calls: [{ index: i, function: { arguments: args.slice(0, half) } }] });
    chunk({ tool_calls: [{ index: i, function: { arguments: args.slice(half) } }] });
  });
  chunk({}, finishOf(reply));
  if (includeUsage)
    res.write(
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1700000000, model, choices: [], usage: usageOf(reply) })}\n\n`,
    );
  res.end('data: [DONE]\n\n');
}
