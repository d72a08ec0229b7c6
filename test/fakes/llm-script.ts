/**
 * What a fake model server answers: tests queue replies (text, tool calls, an HTTP error, a hang)
 * and the fake speaks them in its provider's real streaming wire format. Shared by the OpenAI
 * and Anthropic fakes so the same script runs against both.
 */
import type { RecordedRequest, FakeServer } from './http';

export interface FakeToolCall {
  name: string;
  input: unknown;
}

export type FakeReply =
  /** A streamed answer: text (sent word by word), then tool calls (arguments sent in two pieces). */
  | {
      text?: string;
      toolCalls?: FakeToolCall[];
      finishReason?: 'stop' | 'length';
      usage?: { input: number; output: number };
    }
  /** An HTTP error response (429, 500, 401 …) with the provider's error body. */
  | { status: number; message?: string; headers?: Record<string, string> }
  /** Never answers (the client's timeout must fire). */
  | { hang: true }
  /** Sends the first words of `text`, then stops sending but keeps the connection open. */
  | { stallAfter: string };

export interface FakeLlm extends FakeServer {
  /** Queue replies for the next chat requests, in order. When the queue is empty, `fallback` answers. */
  reply(...replies: FakeReply[]): void;
  /** Chat requests only (not /models probes), in arrival order. */
  chats(): RecordedRequest[];
}

export interface FakeLlmOptions {
  /** Answer when nothing is queued; default: `fake answer to: <last user text>`. */
  fallback?: (req: RecordedRequest) => FakeReply;
  /** Model names listed by GET /v1/models (and Ollama's GET /api/tags on the OpenAI fake). */
  models?: string[];
  /** Milliseconds between streamed words (OpenAI fake): keeps answers in flight for a while. */
  paceMs?: number;
}

/** Splits text the way models stream it: each piece keeps its leading space. */
export const words = (text: string): string[] => (text ? text.split(/(?=\s)/) : []);

export const countWords = (text: string) => (text.trim() ? text.trim().split(/\s+/).length : 0);

export function createScript(opts: FakeLlmOptions, lastUserText: (req: RecordedRequest) => string) {
  const queue: FakeReply[] = [];
  const fallback = opts.fallback ?? ((req: RecordedRequest) => ({ text: `fake answer to: ${lastUserText(req)}` }));
  return {
    push: (...replies: FakeReply[]) => queue.push(...replies),
    next: (req: RecordedRequest): FakeReply => queue.shift() ?? fallback(req),
  };
}

export const isError = (r: FakeReply): r is Extract<FakeReply, { status: number }> => 'status' in r;
export const isHang = (r: FakeReply): r is Extract<FakeReply, { hang: true }> => 'hang' in r;
export const isStall = (r: FakeReply): r is Extract<FakeReply, { stallAfter: string }> => 'stallAfter' in r;
