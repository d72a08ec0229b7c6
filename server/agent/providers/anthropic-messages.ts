/**
 * Anthropic Messages, streaming: `event:`/`data:` pairs — message_start (input usage),
 * content_block_start (text, or tool_use with id and name), content_block_delta (text_delta, or
 * input_json_delta with the tool input in pieces), content_block_stop, ping, message_delta
 * (stop_reason, output usage), message_stop; an `error` event mid-stream fails the step.
 */
import type { ChatMessage, ChatModel, StepFinish, StepRequest, StepResult, ToolCall } from './chat';
import type { UpstreamCall } from './upstream-request';
import { ProviderStreamError, parseArgs, parseJson, readEvents } from './chat';

export const ANTHROPIC_VERSION = '2023-06-01';

/** Anthropic's SDKs take the base URL with or without /v1 (ANTHROPIC_BASE_URL is usually without). */
export const anthropicBaseUrl = (url: string) => (/\/v1$/.test(url) ? url : `${url}/v1`);

const FINISH: Record<string, StepFinish> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

interface Usage {
  input_tokens?: number;
  output_tokens?: number;
}

/** The stream events this adapter reads, by `type`; others (ping, content_block_stop, new ones) are skipped. */
type StreamEvent =
  | { type: 'message_start'; message?: { usage?: Usage } }
  | {
      type: 'content_block_start';
      index: number;
      content_block?: { type: 'tool_use'; id: string; name: string } | { type: 'text'; text?: string };
    }
  | {
      type: 'content_block_delta';
      index: number;
      delta?: { type: 'text_delta'; text?: string } | { type: 'input_json_delta'; partial_json?: string };
    }
  | {
      type: 'message_delta';
      delta?: { stop_reason?: string | null };
      // Cumulative counts; a field is null or absent when this event does not report it.
      usage?: { input_tokens?: number | null; output_tokens?: number | null };
    }
  | { type: 'message_stop' }
  | { type: 'error'; error?: { type?: string; message?: string } };

const text = (t: string) => ({ type: 'text', text: t });

function wireMessages(messages: ChatMessage[]): object[] {
  return messages.map((m) => {
    if (m.role === 'tool')
      return {
        role: 'user',
        content: m.results.map((r) => ({
          type: 'tool_result',
          tool_use_id: r.callId,
          content: r.output,
          ...(r.isError ? { is_error: true } : {}),
        })),
      };
    const blocks: object[] = m.content ? [text(m.content)] : [];
    if (m.role === 'assistant')
      for (const c of m.toolCalls ?? [])
        blocks.push({ type: 'tool_use', id: c.id, name: c.name, input: parseArgs(c.argsText) ?? {} });
    return { role: m.role, content: blocks };
  });
}

export function requestBody(req: StepRequest): object {
  return {
    model: req.model,
    max_tokens: req.maxTokens,
    temperature: req.temperature,
    system: [text(req.system)],
    messages: wireMessages(req.messages),
    ...(req.tools.length
      ? { tools: req.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters })) }
      : {}),
    stream: true,
  };
}

export function anthropicMessages(opts: { baseUrl: string; apiKey?: string; call: UpstreamCall }): ChatModel {
  const url = `${anthropicBaseUrl(opts.baseUrl)}/messages`;
  const headers = {
    'content-type': 'application/json',
    accept: 'text/event-stream',
    'anthropic-version': ANTHROPIC_VERSION,
    'x-api-key': opts.apiKey ?? '',
  };

  return {
    async step(req, onText): Promise<StepResult> {
      const body = await opts.call(url, { headers, body: JSON.stringify(requestBody(req)), signal: req.signal });
      const blocks = new Map<number, ToolCall>();
      const calls: ToolCall[] = [];
      let finish: StepFinish | undefined;
      let stopped = false;
      let inputTokens: number | undefined;
      let outputTokens: number | undefined;

      await readEvents(body, async (e) => {
        const data = parseJson<StreamEvent>(e.data);
        switch (data.type) {
          case 'message_start':
            inputTokens = data.message?.usage?.input_tokens;
            outputTokens = data.message?.usage?.output_tokens;
            break;
          case 'content_block_start':
            if (data.content_block?.type === 'tool_use') {
              const call: ToolCall = { id: data.content_block.id, name: data.content_block.name, argsText: '' };
              blocks.set(data.index, call);
              calls.push(call);
            } else if (data.content_block?.type === 'text' && data.content_block.text)
              await onText(data.content_block.text);
            break;
          case 'content_block_delta':
            if (data.delta?.type === 'text_delta' && data.delta.text) await onText(data.delta.text);
            else if (data.delta?.type === 'input_json_delta') {
              const call = blocks.get(data.index);
              if (!call)
                throw new ProviderStreamError(
                  `input_json_delta for block ${data.index}, which is not a tool_use block`,
                );
              call.argsText += data.delta.partial_json ?? '';
            }
            break;
          case 'message_delta':
            if (data.delta?.stop_reason) finish = FINISH[data.delta.stop_reason] ?? 'stop';
            if (data.usage?.output_tokens != null) outputTokens = data.usage.output_tokens;
            if (data.usage?.input_tokens != null) inputTokens = data.usage.input_tokens;
            break;
          case 'message_stop':
            stopped = true;
            break;
          case 'error':
            throw new ProviderStreamError(
              `${data.error?.type ?? 'error'}: ${data.error?.message ?? 'the provider reported an error'}`,
            );
        }
      });
      if (!stopped && !finish) throw new ProviderStreamError('the stream ended before the answer was complete');
      return { toolCalls: calls, finish: finish ?? 'stop', inputTokens, outputTokens };
    },
  };
}
