/**
 * What the agent loop and the provider adapters (openai-chat.ts, anthropic-messages.ts) share:
 * one model call ("step") takes the conversation so far and the tool definitions, streams text
 * through `onText`, and resolves with the step's tool calls, finish reason and usage.
 * Adapters speak their provider's wire format directly (undici + eventsource-parser) through
 * the retrying call of upstream-request.ts.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** A tool as the model sees it: a name, a description, a JSON Schema for its input. */
export interface ToolDefinition {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ToolCall {
  id: string;
  name: string;
  /** The arguments as the model sent them (JSON text). */
  argsText: string;
}

export interface ToolOutcome {
  callId: string;
  name: string;
  output: string;
  isError: boolean;
}

export type ChatMessage =
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; results: ToolOutcome[] };

export type StepFinish = 'stop' | 'length' | 'content_filter' | 'tool_calls';

export interface StepRequest {
  model: string;
  system: string;
  messages: ChatMessage[];
  tools: ToolDefinition[];
  temperature: number;
  maxTokens: number;
  signal?: AbortSignal;
}

export interface StepResult {
  toolCalls: ToolCall[];
  finish: StepFinish;
  inputTokens?: number;
  outputTokens?: number;
}

export interface ChatModel {
  step(req: StepRequest, onText: (text: string) => Promise<void>): Promise<StepResult>;
}

/** The provider sent something the gateway cannot use (an error event, a broken or cut stream). */
export class ProviderStreamError extends Error {}

/** Reads a text/event-stream body, handing each event to `onEvent` in order (awaited). */
export async function readEvents(
  body: AsyncIterable<Uint8Array>,
  onEvent: (e: EventSourceMessage) => void | Promise<void>,
): Promise<void> {
  const pending: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (e) => void pending.push(e) });
  const decoder = new TextDecoder();
  // A throw inside the loop (error event, failing emit) returns the body's iterator, which frees the connection.
  for await (const value of body) {
    parser.feed(decoder.decode(value, { stream: true }));
    for (const e of pending.splice(0)) await onEvent(e);
  }
  parser.feed(decoder.decode());
  for (const e of pending.splice(0)) await onEvent(e);
}

/** An event's JSON as the wire shape `T` the adapter declares (fields it cannot rely on are optional). */
export function parseJson<T>(data: string): T {
  try {
    return JSON.parse(data) as T;
  } catch {
    throw new ProviderStreamError(`a stream event is not JSON: ${data.slice(0, 100)}`);
  }
}

/** The arguments text as a value; `undefined` when it is not JSON. Empty text is `{}`. */
export function parseArgs(text: string): unknown {
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
