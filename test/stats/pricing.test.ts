/** Prices: config over built-in, exact names over families, dated variants, unpriced models. */
import { BUILT_IN_PRICES, costUSD, priceOf } from '../../server/agent/pricing';

const none = { pricing: {} };

describe('pricing', () => {
  it('prices a built-in model per 1M input and output tokens, rounded to 1e-6 USD', () => {
    expect(costUSD(none, 'gpt-4o', 1000, 2000)).toBe(0.0225);
    expect(costUSD(none, 'claude-opus-4', 1_000_000, 1_000_000)).toBe(90);
    expect(costUSD(none, 'gpt-4o-mini', 1, 1)).toBe(0.000001); // 0.00000075 rounds up
    expect(costUSD(none, 'offline', 5000, 5000)).toBe(0);
  });

  it('finds the family of dated and aliased names, the longest first', () => {
    expect(priceOf(none, 'gpt-4o-2024-08-06')).toEqual(BUILT_IN_PRICES['gpt-4o']);
    expect(priceOf(none, 'gpt-4o-mini-2024-07-18')).toEqual(BUILT_IN_PRICES['gpt-4o-mini']);
    expect(priceOf(none, 'claude-sonnet-4-20250514')).toEqual(BUILT_IN_PRICES['claude-sonnet-4']);
    expect(priceOf(none, 'claude-sonnet-4-5-20250929')).toEqual(BUILT_IN_PRICES['claude-sonnet-4-5']);
    expect(priceOf(none, 'claude-3-5-haiku-latest')).toEqual(BUILT_IN_PRICES['claude-3-5-haiku']);
    expect(priceOf(none, 'o3-mini-2025-01-31')).toEqual(BUILT_IN_PRICES['o3-mini']);
  });

  it('lets the config override and extend the table, exact names and families', () => {
    const config = {
      pricing: {
        'gpt-4o': { input: 1, output: 1 },
        'llama3.1:8b': { input: 0, output: 0 },
        mymodel: { input: 4, output: 8 },
      },
    };
    expect(costUSD(config, 'gpt-4o', 1_000_000, 1_000_000)).toBe(2);
    expect(costUSD(config, 'gpt-4o-2024-08-06', 1_000_000, 0)).toBe(1);
    expect(costUSD(config, 'llama3.1:8b', 10, 10)).toBe(0);
    expect(costUSD(config, 'mymodel-v2', 1_000_000, 1_000_000)).toBe(12);
  });

  it('has no price for unknown models, look-alikes, or inherited object keys', () => {
    expect(costUSD(none, 'mystery-model', 10, 10)).toBeNull();
    expect(priceOf(none, 'gpt-4ox')).toBeNull(); // not "gpt-4o-…"
    expect(priceOf(none, 'o1x')).toBeNull();
    expect(priceOf(none, 'constructor')).toBeNull();
    expect(priceOf(none, 'toString')).toBeNull();
  });
});
