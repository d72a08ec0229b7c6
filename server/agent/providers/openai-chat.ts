/**
 * OpenAI-compatible chat completions (OpenAI, OpenRouter, vLLM, llama.cpp, LM Studio, Ollama's
 * /v1), streaming: `data:` chunks of `chat.completion.chunk` with text deltas and tool-call deltas
 * (by index: id and name first, arguments in pieces), a chunk with finish_reason, a usage chunk
 * with empty choices (stream_options.include_usage), then `data: [DONE]`. A chunk carrying
 * `error` (sent by some servers mid-stream) fails the step.
 */
import type { ChatMessage, ChatModel, StepFinish, StepRequest, StepResult, ToolCall } from './chat';
import type { UpstreamCall } from './upstream-request';
import { ProviderStreamError, parseJson, readEvents } from './chat';

const FINISH: Record<string, StepFinish> = {
  stop: 'stop',
  length: 'length',
  content_filter: 'content_filter',
  tool_calls: 'tool_calls',
  function_call: 'tool_calls',
};

/** The fields of a `chat.completion.chunk` this adapter reads; servers omit any of them. */
interface ChatChunk {
  error?: string | { message?: string };
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  choices?: Array<{
    delta?: {
      content?: string | null;
      tool_calls?: Array<{ index?: number; id?: string; function?: { name?: string; arguments?: string } }>;
    };
    finish_reason?: string | null;
  }>;
}

function wireMessages(system: string, messages: ChatMessage[]): object[] {
  const out: object[] = [{ role: 'system', content: system }];
  for (const m of messages) {
    if (m.role === 'tool')
      for (const r of m.results) out.push({ role: 'tool', tool_call_id: r.callId, content: r.output });
    else if (m.role === 'assistant' && m.toolCalls?.length)
      out.push({
        role: 'assistant',
        content: m.content,
        tool_calls: m.toolCalls.map((c) => ({
          id: c.id,
          type: 'function',
          function: { name: c.name, arguments: c.argsText },
        })),
      });
    else out.push({ role: m.role, content: m.content });
  }
  return out;
}

export function requestBody(req: StepRequest): object {
  return {
    model: req.model,
    messages: wireMessages(req.system, req.messages),
    max_tokens: req.maxTokens,
    temperature: req.temperature,
    ...(req.tools.length
      ? {
          tools: req.tools.map((t) => ({
            type: 'function',
            function: { name: t.name, description: t.description, parameters: t.parameters },
          })),
        }
      : {}),
    stream: true,
    stream_options: { include_usage: true },
  };
}

export function openAIChat(opts: { baseUrl: string; apiKey?: string; call: UpstreamCall }): ChatModel {
  const url = `${opts.baseUrl}/chat/completions`;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
  if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;

  return {
    async step(req, onText): Promise<StepResult> {
      const body = await opts.call(url, { headers, body: JSON.stringify(requestBody(req)), signal: req.signal });
      const calls: Array<ToolCall & { order: number }> = [];
      const byIndex = new Map<number, ToolCall & { order: number }>();
      let finish: StepFinish | undefined;
      let done = false;
      let inputTokens: number | undefined;
      let outputTokens: number | undefined;

      await readEvents(body, async (e) => {
        if (e.data === '[DONE]') return void (done = true);
        const chunk = parseJson<ChatChunk>(e.data);
        if (chunk.error)
          throw new ProviderStreamError(
            typeof chunk.error === 'string' ? chunk.error : (chunk.error.message ?? JSON.stringify(chunk.error)),
          );
        if (chunk.usage) {
          inputTokens = chunk.usage.prompt_tokens ?? inputTokens;
          outputTokens = chunk.usage.completion_tokens ?? outputTokens;
        }
        const choice = chunk.choices?.[0];
        if (!choice) return;
        const delta = choice.delta ?? {};
        for (const d of delta.tool_calls ?? []) {
          const index = d.index ?? byIndex.size;
          let call = byIndex.get(index);
          if (!call) {
            call = { id: d.id ?? `call_${index}`, name: '', argsText: '', order: calls.length };
            byIndex.set(index, call);
            calls.push(call);
          }
          if (d.id) call.id = d.id;
          if (d.function?.name) call.name += d.function.name;
          if (d.function?.arguments) call.argsText += d.function.arguments;
        }
        if (typeof delta.content === 'string' && delta.content) await onText(delta.content);
        if (choice.finish_reason) finish = FINISH[choice.finish_reason] ?? 'stop';
      });
      if (!finish && !done) throw new ProviderStreamError('the stream ended before the answer was complete');
      return {
        toolCalls: calls.map(({ id, name, argsText }) => ({ id, name, argsText })),
        finish: finish ?? 'stop',
        inputTokens,
        outputTokens,
      };
    },
  };
}
