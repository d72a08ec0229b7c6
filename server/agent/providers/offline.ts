/**
 * The built-in `offline` model: deterministic, no network. It answers with a fixed template that
 * echoes the message, streamed word by word, so everything can be tried and tested offline.
 * Token counts are word counts (a documented approximation).
 */
import type { AgentInput, AgentResult, Emit } from '../types';

export const OFFLINE_MODEL = 'offline';
const YIELD_EVERY = 64;

export function offlineAnswer(input: Pick<AgentInput, 'message' | 'history'>): string {
  const turn = Math.floor(input.history.length / 2) + 1;
  return `[offline model] You said: ${input.message.trim()} (turn ${turn} of this session; configure a provider in openclaw.json for real answers)`;
}

export const countTokens = (text: string) => (text.trim() ? text.trim().split(/\s+/).length : 0);

export async function runOffline(input: AgentInput, emit: Emit): Promise<AgentResult> {
  const response = offlineAnswer(input);
  const words = response.split(/(?=\s)/); // keeps the leading space on each word, as models stream
  for (let i = 0; i < words.length; i++) {
    await emit({ type: 'token', content: words[i] });
    // Like a real model, a long answer arrives over many turns of the event loop: one synchronous
    // burst of 20,000 tokens would block the process and pile every event up in memory at once.
    if (i % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((r) => setImmediate(r));
  }
  const prompt = [...input.history.map((t) => t.content), input.message].join(' ');
  return {
    response,
    finishReason: 'stop',
    model: OFFLINE_MODEL,
    provider: 'offline',
    tokensIn: countTokens(prompt),
    tokensOut: countTokens(response),
    toolsInvoked: [],
  };
}
