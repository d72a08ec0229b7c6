/**
 * The chat model for a route: OpenAI-compatible chat completions (OpenAI, OpenRouter, vLLM,
 * llama.cpp, LM Studio, Ollama's /v1) or Anthropic Messages, both streaming, calling out through
 * the retrying call (upstream-request.ts).
 */
import type { ChatModel } from './chat';
import { openAIChat } from './openai-chat';
import { anthropicMessages } from './anthropic-messages';
import type { ModelRoute } from './registry';
import type { UpstreamCall } from './upstream-request';

export { anthropicBaseUrl } from './anthropic-messages';

export function chatModel(route: ModelRoute, call: UpstreamCall): ChatModel {
  const p = route.provider;
  if (p.type === 'anthropic') return anthropicMessages({ baseUrl: p.baseUrl, apiKey: p.apiKey, call });
  return openAIChat({ baseUrl: p.baseUrl, apiKey: p.apiKey, call });
}
