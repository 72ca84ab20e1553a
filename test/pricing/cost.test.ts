import { describe, expect, it } from 'vitest';
import { BundledPrices, FilePrices, Prices, cacheSavingsPerToken, costOf, resolveCost } from '../../src/pricing/index.js';
import type { Price, PriceRule, ResolvedCost, TokenUsage } from '../../src/pricing/index.js';

const usage = (u: Partial<TokenUsage>): TokenUsage => ({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
  ...u,
});

/** The rule a --pricing file gives a model priced so. */
function rule(price: Price): PriceRule {
  return new FilePrices({ path: 'prices.json', text: '', entries: { m: price } }).rule('x', 'm')!;
}

// Anthropic-style: cache reads at 0.1x, cache writes at 1.25x the input price.
const SONNET = rule({ input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 });
const PLAIN = rule({ input: 2, output: 8 });

describe('costOf', () => {
  const cases: Array<[name: string, rule: PriceRule, usage: TokenUsage, usd: number]> = [
    ['no cache', SONNET, usage({ inputTokens: 1000, outputTokens: 500 }), (1000 * 3 + 500 * 15) / 1e6],
    [
      'the conventions: cache tokens inside inputTokens',
      SONNET,
      usage({ inputTokens: 10_000, cacheReadTokens: 6000, cacheWriteTokens: 2000, outputTokens: 1000 }),
      (2000 * 3 + 6000 * 0.3 + 2000 * 3.75 + 1000 * 15) / 1e6,
    ],
    [
      "Anthropic's own count: cache tokens beside inputTokens (fewer than them)",
      SONNET,
      usage({ inputTokens: 500, cacheReadTokens: 6000, cacheWriteTokens: 2000, outputTokens: 1000 }),
      (500 * 3 + 6000 * 0.3 + 2000 * 3.75 + 1000 * 15) / 1e6,
    ],
    ['every input token cached', SONNET, usage({ inputTokens: 8000, cacheReadTokens: 6000, cacheWriteTokens: 2000 }), (6000 * 0.3 + 2000 * 3.75) / 1e6],
    [
      'no cache prices: cache tokens at the input price',
      PLAIN,
      usage({ inputTokens: 1000, cacheReadTokens: 400, cacheWriteTokens: 100, outputTokens: 10 }),
      (1000 * 2 + 10 * 8) / 1e6,
    ],
    ['reasoning tokens are inside outputTokens, not added', PLAIN, usage({ inputTokens: 100, outputTokens: 1000, reasoningTokens: 800 }), (100 * 2 + 1000 * 8) / 1e6],
    ['bad counts count as 0', PLAIN, usage({ inputTokens: -5, outputTokens: Number.NaN }), 0],
  ];

  it.each(cases)('%s', (_name, r, u, usd) => {
    expect(costOf(r, u)).toBeCloseTo(usd, 12);
  });
});

describe('cacheSavingsPerToken', () => {
  const saved = (r: PriceRule, u: TokenUsage) => u.cacheReadTokens * cacheSavingsPerToken(r);

  it.each([
    ['cache reads at a tenth of the input price', SONNET, usage({ inputTokens: 10_000, cacheReadTokens: 6000 }), (6000 * (3 - 0.3)) / 1e6],
    ['cache writes save nothing', SONNET, usage({ inputTokens: 2000, cacheWriteTokens: 2000 }), 0],
    ['no cache-read price: nothing saved', PLAIN, usage({ inputTokens: 1000, cacheReadTokens: 600 }), 0],
  ] as Array<[string, PriceRule, TokenUsage, number]>)('%s', (_name, r, u, usd) => {
    expect(saved(r, u)).toBeCloseTo(usd, 12);
  });

  it('is what costOf charges more without the cache-read price', () => {
    const u = usage({ inputTokens: 10_000, cacheReadTokens: 6000, outputTokens: 100 });
    const uncached = rule({ input: 3, output: 15, cacheWrite: 3.75 });
    expect(saved(SONNET, u)).toBeCloseTo(costOf(uncached, u) - costOf(SONNET, u), 12);
  });
});

describe('resolveCost (PRODUCT.md: reported, estimated or unknown; never $0 for unknown)', () => {
  const prices = new Prices(new BundledPrices());
  const KNOWN = 'gpt-4o-2024-08-06'; // gpt-4o: $2.50 in, $10 out per million
  const UNKNOWN = 'acme-private-model';
  const tokens = usage({ inputTokens: 1000, outputTokens: 500 });
  const estimate = (1000 * 2.5 + 500 * 10) / 1e6;

  const cases: Array<[name: string, model: string, reported: number | null, expected: ResolvedCost]> = [
    ['reported cost, known model', KNOWN, 0.05, { costUsd: 0.05, costSource: 'reported' }],
    ['reported cost, unknown model', UNKNOWN, 0.05, { costUsd: 0.05, costSource: 'reported' }],
    ['zero reported, known model: estimated', KNOWN, 0, { costUsd: estimate, costSource: 'estimated' }],
    ['missing, known model: estimated', KNOWN, null, { costUsd: estimate, costSource: 'estimated' }],
    ['zero reported, unknown model: unknown (an SDK without a price says 0)', UNKNOWN, 0, { costUsd: null, costSource: 'unknown' }],
    ['missing, unknown model: unknown', UNKNOWN, null, { costUsd: null, costSource: 'unknown' }],
    ['negative reported counts as missing', KNOWN, -1, { costUsd: estimate, costSource: 'estimated' }],
    ['NaN reported counts as missing', UNKNOWN, Number.NaN, { costUsd: null, costSource: 'unknown' }],
  ];

  it.each(cases)('%s', (_name, model, reportedCostUsd, expected) => {
    const got = resolveCost(prices, { provider: 'openai', model, timeMs: Date.UTC(2026, 11, 1), reportedCostUsd, ...tokens });
    expect(got.costSource).toBe(expected.costSource);
    if (expected.costUsd === null) expect(got.costUsd).toBeNull();
    else expect(got.costUsd).toBeCloseTo(expected.costUsd, 12);
  });
});
