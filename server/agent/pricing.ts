/**
 * Cost of a message: USD per 1M input and output tokens, per model. The config's `pricing`
 * overrides or extends the built-in table. A model without a price costs null (counted as 0
 * in stats, which list it as unpriced).
 *
 * Lookup: the exact name first (config, then built-in), then the longest table name that the
 * model's name starts with followed by "-", so dated and aliased names providers report
 * (`gpt-4o-2024-08-06`, `claude-sonnet-4-20250514`, `claude-3-5-haiku-latest`) find their family.
 */
import type { Config } from '../config-schema';

export interface Price {
  /** USD per 1M input tokens */
  input: number;
  /** USD per 1M output tokens */
  output: number;
}

/** Published list prices (USD / 1M tokens) of well-known models; the table in docs/stats.md. */
export const BUILT_IN_PRICES: Record<string, Price> = {
  offline: { input: 0, output: 0 },
  // OpenAI
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  o1: { input: 15, output: 60 },
  o3: { input: 2, output: 8 },
  'o3-mini': { input: 1.1, output: 4.4 },
  'o4-mini': { input: 1.1, output: 4.4 },
  // Anthropic
  'claude-opus-4-1': { input: 15, output: 75 },
  'claude-opus-4': { input: 15, output: 75 },
  'claude-sonnet-4-5': { input: 3, output: 15 },
  'claude-sonnet-4': { input: 3, output: 15 },
  'claude-haiku-4-5': { input: 1, output: 5 },
  'claude-3-7-sonnet': { input: 3, output: 15 },
  'claude-3-5-sonnet': { input: 3, output: 15 },
  'claude-3-5-haiku': { input: 0.8, output: 4 },
  'claude-3-opus': { input: 15, output: 75 },
  'claude-3-haiku': { input: 0.25, output: 1.25 },
};

/** The longest name in `table` that `model` extends with "-…" (a dated or aliased variant). */
function familyPrice(table: Record<string, Price>, model: string): Price | null {
  let best: string | null = null;
  for (const name of Object.keys(table)) {
    if (model.startsWith(`${name}-`) && (!best || name.length > best.length)) best = name;
  }
  return best ? table[best] : null;
}

export function priceOf(config: Pick<Config, 'pricing'>, model: string): Price | null {
  const own = (table: Record<string, Price>) => (Object.hasOwn(table, model) ? table[model] : null);
  return (
    own(config.pricing) ??
    own(BUILT_IN_PRICES) ??
    familyPrice(config.pricing, model) ??
    familyPrice(BUILT_IN_PRICES, model)
  );
}

/** USD, rounded to 1e-6; null when the model has no price. */
export function costUSD(
  config: Pick<Config, 'pricing'>,
  model: string,
  tokensIn: number,
  tokensOut: number,
): number | null {
  const p = priceOf(config, model);
  if (!p) return null;
  return Math.round(((tokensIn * p.input + tokensOut * p.output) / 1_000_000) * 1e6) / 1e6;
}
