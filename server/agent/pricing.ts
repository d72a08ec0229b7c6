/**
 * Cost of a message: USD per 1M input and output tokens, per model. The config's `pricing`
 * overrides or extends the built-in table. A model without a price costs null (counted as 0
 * in stats, which list it as unpriced).
 */
import type { Config } from '../config-schema';

export interface Price {
  /** USD per 1M input tokens */
  input: number;
  /** USD per 1M output tokens */
  output: number;
}

/** Published list prices (USD / 1M tokens) of well-known models; documented in docs/stats.md. */
export const BUILT_IN_PRICES: Record<string, Price> = {
  offline: { input: 0, output: 0 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'o3-mini': { input: 1.1, output: 4.4 },
  'claude-3-5-haiku-latest': { input: 0.8, output: 4 },
  'claude-3-5-sonnet-latest': { input: 3, output: 15 },
  'claude-3-7-sonnet-latest': { input: 3, output: 15 },
  'claude-sonnet-4-0': { input: 3, output: 15 },
  'claude-opus-4-0': { input: 15, output: 75 },
};

export function priceOf(config: Config, model: string): Price | null {
  return config.pricing[model] ?? BUILT_IN_PRICES[model] ?? null;
}

/** USD, rounded to 1e-6; null when the model has no price. */
export function costUSD(config: Config, model: string, tokensIn: number, tokensOut: number): number | null {
  const p = priceOf(config, model);
  if (!p) return null;
  return Math.round(((tokensIn * p.input + tokensOut * p.output) / 1_000_000) * 1e6) / 1e6;
}
