import { calcPrice, findProvider } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { BundledPrices, costOf, describeSource, type TokenUsage } from '../../src/pricing/index.js';

/*
 * The bundled prices (@pydantic/genai-prices): llmtop's provider names mapped onto the
 * package's, long-prompt tiers, prices by date, a new model never priced as an older sibling,
 * and each rule's rates agreeing with the package's own calcPrice.
 */

const prices = new BundledPrices();
const NOW = Date.UTC(2026, 11, 7, 12);

const usage = (u: Partial<TokenUsage>): TokenUsage => ({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, ...u });
const cost = (provider: string, model: string, u: Partial<TokenUsage>, atMs = NOW) => {
  const rule = prices.rule(provider, model, atMs);
  return rule && costOf(rule, usage(u));
};

describe('list prices', () => {
  it.each([
    // The calls: a new model, two long prompts past the 200k tier.
    ['anthropic', 'claude-opus-4-6', { inputTokens: 10_000, outputTokens: 1000 }, 0.075],
    ['anthropic', 'claude-sonnet-4-5', { inputTokens: 300_000, outputTokens: 1000 }, 1.8225],
    ['google', 'gemini-2.5-pro', { inputTokens: 300_000, outputTokens: 1000 }, 0.765],
    // At the tier's edge: 200,000 is the base price, 200,001 the tier's, for the whole call.
    ['anthropic', 'claude-sonnet-4-5', { inputTokens: 200_000, outputTokens: 1000 }, (200_000 * 3 + 1000 * 15) / 1e6],
    ['anthropic', 'claude-sonnet-4-5', { inputTokens: 200_001, outputTokens: 1000 }, (200_001 * 6 + 1000 * 22.5) / 1e6],
    // Cache reads at the cache price, the input tokens counting them.
    ['anthropic', 'claude-sonnet-4-5-20250929', { inputTokens: 110_000, cacheReadTokens: 100_000, outputTokens: 1000 }, 0.075],
    ['openai', 'gpt-4o', { inputTokens: 10_000, cacheReadTokens: 8000, outputTokens: 1000 }, 0.025],
    ['google', 'gemini-2.5-flash', { inputTokens: 10_000, cacheReadTokens: 8000, outputTokens: 1000 }, 0.00334],
    // Cache writes at Anthropic's 5-minute write price.
    ['anthropic', 'claude-sonnet-4-5', { inputTokens: 130_000, cacheReadTokens: 100_000, cacheWriteTokens: 20_000, outputTokens: 1000 }, 0.15],
  ] as const)('%s %s %j → $%d', (provider, model, u, usd) => {
    expect(cost(provider, model, u)).toBeCloseTo(usd, 9);
  });

  it('prices a call at its own time: claude-opus-4-6 had a long-prompt tier until 2026-03-13', () => {
    const long = { inputTokens: 300_000, outputTokens: 1000 };
    expect(cost('anthropic', 'claude-opus-4-6', long, Date.UTC(2026, 1, 1))).toBeCloseTo(3.0375, 9);
    expect(cost('anthropic', 'claude-opus-4-6', long, NOW)).toBeCloseTo(1.525, 9);
  });

  it('knows context windows where the data does, and guesses none where it does not', () => {
    expect(prices.rule('anthropic', 'claude-opus-4-6', NOW)?.contextWindow).toBe(1_000_000);
    expect(prices.rule('openai', 'gpt-4o-mini', NOW)?.contextWindow).toBe(128_000);
    expect(prices.rule('google', 'gemini-2.5-pro', NOW)?.contextWindow).toBeNull();
  });
});

describe('which model a name is', () => {
  it.each([
    ['openai', 'gpt-4o-mini-2024-07-18', 'openai', 'gpt-4o-mini'],
    ['anthropic', 'claude-sonnet-4-5-20250929', 'anthropic', 'claude-sonnet-4-5'],
    ['google', 'models/gemini-2.5-flash', 'google', 'gemini-2.5-flash'],
    ['google', 'claude-sonnet-4-5@20250929', 'google', 'claude-sonnet-4-5'],
    ['bedrock', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'aws', 'regional.anthropic.claude-sonnet-4-5-20250929-v1:0'],
    ['bedrock', 'claude-sonnet-4-5', 'anthropic', 'claude-sonnet-4-5'],
    ['xai', 'grok-4', 'x-ai', 'grok-4-0709'],
    ['azure', 'gpt-4o', 'azure', 'gpt-4o'],
    // A provider the data does not know: the model's name decides.
    ['acme-gateway', 'gpt-4o', 'openai', 'gpt-4o'],
  ] as const)('%s %s → %s %s', (provider, model, matchedProvider, matchedModel) => {
    expect(prices.rule(provider, model, NOW)).toMatchObject({ provider: matchedProvider, model: matchedModel });
  });

  it.each([
    // A new or unknown model is not its older sibling: unpriced rather than wrong.
    ['anthropic', 'claude-opus-4-60'],
    ['anthropic', 'claude-sonnet-5-5'],
    ['anthropic', 'claude-haiku-4-5-mini'],
    ['google', 'gemini-1.5-flash-8b'],
    ['google', 'gemini-2.5-pro-ultra'],
    ['openai', 'gpt-5.9'],
    ['openai', 'gpt-4o-2099-01-01'],
    ['acme', 'acme-llm-9'],
    ['openai', ''],
  ] as const)('%s %j → no price', (provider, model) => {
    expect(prices.rule(provider, model, NOW)).toBeNull();
  });
});

describe('rates agree with the package', () => {
  it("a call's cost is calcPrice's total, for every model of the main providers, at random usages and across tiers", () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let compared = 0;
    for (const providerId of ['openai', 'anthropic', 'google', 'mistral', 'deepseek', 'x-ai']) {
      for (const model of findProvider({ providerId })!.models) {
        const rule = prices.rule(providerId === 'x-ai' ? 'xai' : providerId, model.id, NOW);
        if (!rule || rule.model !== model.id) continue;
        for (let i = 0; i < 5; i++) {
          const input = Math.floor(rand() * (i < 2 ? 400_000 : 5000));
          const cacheRead = Math.floor(rand() * input * 0.6);
          const cacheWrite = Math.floor(rand() * (input - cacheRead) * 0.5);
          const output = Math.floor(rand() * 4000);
          const reasoning = Math.floor(rand() * output);
          const theirs = calcPrice(
            { input_tokens: input, cache_read_tokens: cacheRead, cache_write_tokens: cacheWrite, output_tokens: output, output_reasoning_tokens: reasoning },
            model.id,
            { providerId: rule.provider, timestamp: new Date(NOW) },
          )!.total_price;
          const ours = costOf(rule, usage({ inputTokens: input, cacheReadTokens: cacheRead, cacheWriteTokens: cacheWrite, outputTokens: output, reasoningTokens: reasoning }));
          expect(ours, `${providerId}/${model.id} ${input}/${cacheRead}/${cacheWrite}/${output}/${reasoning}`).toBeCloseTo(theirs, 9);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(500);
  });
});

describe('the source', () => {
  // A newer package in the lockfile fails this until PUBLISHED (bundled.ts) says when its data is from.
  it('names the installed package and when its data was published', () => {
    expect(prices.source).toEqual({ kind: 'bundled', package: '@pydantic/genai-prices', version: '0.1.8', published: '2026-09-23' });
    expect(describeSource(prices.source)).toBe('@pydantic/genai-prices 0.1.8 (bundled data of 2026-09-23)');
  });

  it('answers the same on repeated lookups, and for timed prices per minute', () => {
    const a = prices.rule('deepseek', 'deepseek-chat', NOW);
    expect(prices.rule('deepseek', 'deepseek-chat', NOW)).toBe(a);
    expect(prices.rule('anthropic', 'claude-opus-4-6', NOW)).toBe(prices.rule('anthropic', 'claude-opus-4-6', NOW));
  });
});
