/**
 * An ai SDK language model for a route: OpenAI-compatible chat completions (OpenAI, OpenRouter,
 * vLLM, llama.cpp, LM Studio, Ollama's /v1) or Anthropic Messages, both streaming, calling out
 * through the retrying fetch.
 */
import type { LanguageModel } from 'ai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { createAnthropic } from '@ai-sdk/anthropic';
import type { ModelRoute } from './registry';

/** Anthropic's SDKs take the base URL with or without /v1 (ANTHROPIC_BASE_URL is usually without). */
export const anthropicBaseUrl = (url: string) => (/\/v1$/.test(url) ? url : `${url}/v1`);

export function languageModel(route: ModelRoute, fetch: typeof globalThis.fetch): LanguageModel {
  const p = route.provider;
  if (p.type === 'anthropic') {
    // An explicit (possibly empty) key, so the SDK never reads ANTHROPIC_* from the environment itself.
    return createAnthropic({ baseURL: anthropicBaseUrl(p.baseUrl), apiKey: p.apiKey ?? '', fetch })(route.model);
  }
  return createOpenAICompatible({ name: p.name, baseURL: p.baseUrl, apiKey: p.apiKey, includeUsage: true, fetch }).chatModel(route.model);
}
