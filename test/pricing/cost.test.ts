import { describe, expect, it } from 'vitest';
import { PriceTable, cacheSavingsPerToken, costOf, resolveCost } from '../../src/pricing/index.js';
import type { Price, ResolvedCost, TokenUsage } from '../../src/pricing/index.js';

const usage = (u: Partial<TokenUsage>): TokenUsage => ({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
  ...u,
});

// Anthropic-style row: cache reads at 0.1x, cache writes at 1.25x the input price.
const SONNET: Price = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 };
const PLAIN: Price = { input: 2, output: 8 };

describe('costOf', () => {
  const cases: Array<[name: string, price: Price, usage: TokenUsage, usd: number]> = [
    ['no cache', SONNET, usage({ inputTokens: 1000, outputTokens: 500 }), (1000 * 3 + 500 * 15) / 1e6],
    [
      'OTel semantics: cache tokens inside inputTokens',
      SONNET,
      usage({ inputTokens: 10_000, cacheReadTokens: 6000, cacheWriteTokens: 2000, outputTokens: 1000 }),
      (2000 * 3 + 6000 * 0.3 + 2000 * 3.75 + 1000 * 15) / 1e6,
    ],
    [
      'Anthropic semantics: cache tokens beside inputTokens',
      SONNET,
      usage({ inputTokens: 500, cacheReadTokens: 6000, cacheWriteTokens: 2000, outputTokens: 1000 }),
      (500 * 3 + 6000 * 0.3 + 2000 * 3.75 + 1000 * 15) / 1e6,
    ],
    [
      'every input token cached',
      SONNET,
      usage({ inputTokens: 8000, cacheReadTokens: 6000, cacheWriteTokens: 2000 }),
      (6000 * 0.3 + 2000 * 3.75) / 1e6,
    ],
    [
      'no cache prices: cache tokens at the input price',
      PLAIN,
      usage({ inputTokens: 1000, cacheReadTokens: 400, cacheWriteTokens: 100, outputTokens: 10 }),
      (1000 * 2 + 10 * 8) / 1e6,
    ],
    [
      'reasoning tokens are inside outputTokens, not added',
      PLAIN,
      usage({ inputTokens: 100, outputTokens: 1000, reasoningTokens: 800 }),
      (100 * 2 + 1000 * 8) / 1e6,
    ],
    ['bad counts count as 0', PLAIN, usage({ inputTokens: -5, outputTokens: Number.NaN }), 0],
  ];

  it.each(cases)('%s', (_name, price, u, usd) => {
    expect(costOf(price, u)).toBeCloseTo(usd, 12);
  });
});

describe('cacheSavingsPerToken', () => {
  // What the cache reads of a call saved: its cache-read tokens at this rate.
  const cacheSavingsUsd = (price: Price, u: TokenUsage) => u.cacheReadTokens * cacheSavingsPerToken(price);

  it.each([
    ['cache reads at a tenth of the input price', SONNET, usage({ inputTokens: 10_000, cacheReadTokens: 6000 }), (6000 * (3 - 0.3)) / 1e6],
    ['cache writes save nothing', SONNET, usage({ inputTokens: 2000, cacheWriteTokens: 2000 }), 0],
    ['no cache-read price: nothing saved', PLAIN, usage({ inputTokens: 1000, cacheReadTokens: 600 }), 0],
    ['no cache tokens', SONNET, usage({ inputTokens: 1000 }), 0],
  ] as Array<[string, Price, TokenUsage, number]>)('%s', (_name, price, u, usd) => {
    expect(cacheSavingsUsd(price, u)).toBeCloseTo(usd, 12);
  });

  it('is what costOf charges more without the cache-read price', () => {
    const u = usage({ inputTokens: 10_000, cacheReadTokens: 6000, outputTokens: 100 });
    const { cacheRead: _, ...uncachedPrice } = SONNET;
    expect(cacheSavingsUsd(SONNET, u)).toBeCloseTo(costOf(uncachedPrice, u) - costOf(SONNET, u), 12);
  });
});

describe('resolveCost (PRODUCT.md: reported, estimated or unknown)', () => {
  const table = PriceTable.builtIn();
  const KNOWN = 'gpt-4o-2024-08-06'; // gpt-4o: $2.50 in, $10 out per million
  const UNKNOWN = 'acme-private-model';
  const tokens = usage({ inputTokens: 1000, outputTokens: 500 });
  const estimate = (1000 * 2.5 + 500 * 10) / 1e6;

  const cases: Array<[name: string, model: string, reported: number | null, expected: ResolvedCost]> = [
    ['reported cost, known model', KNOWN, 0.05, { costUsd: 0.05, costSource: 'reported' }],
    ['reported cost, unknown model', UNKNOWN, 0.05, { costUsd: 0.05, costSource: 'reported' }],
    ['zero reported, known model: estimated', KNOWN, 0, { costUsd: estimate, costSource: 'estimated' }],
    ['missing, known model: estimated', KNOWN, null, { costUsd: estimate, costSource: 'estimated' }],
    ['zero reported, unknown model: reported 0', UNKNOWN, 0, { costUsd: 0, costSource: 'reported' }],
    ['missing, unknown model: unknown', UNKNOWN, null, { costUsd: 0, costSource: 'unknown' }],
    ['negative reported counts as missing', KNOWN, -1, { costUsd: estimate, costSource: 'estimated' }],
    ['NaN reported counts as missing', UNKNOWN, Number.NaN, { costUsd: 0, costSource: 'unknown' }],
  ];

  it.each(cases)('%s', (_name, model, reportedCostUsd, expected) => {
    const got = resolveCost(table, { provider: 'openai', model, reportedCostUsd, ...tokens });
    expect(got.costSource).toBe(expected.costSource);
    expect(got.costUsd).toBeCloseTo(expected.costUsd, 12);
  });

  it('estimates Anthropic prompt caching on a dated Bedrock id', () => {
    const got = resolveCost(table, {
      provider: 'aws.bedrock',
      model: 'us.anthropic.claude-3-5-sonnet-20241022-v2:0',
      reportedCostUsd: null,
      ...usage({ inputTokens: 10_000, cacheReadTokens: 8000, outputTokens: 200 }),
    });
    expect(got).toEqual({ costUsd: expect.closeTo((2000 * 3 + 8000 * 0.3 + 200 * 15) / 1e6, 12), costSource: 'estimated' });
  });
});
