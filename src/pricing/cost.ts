import type { CostSource } from '../domain/call.js';
import type { PriceTable } from './price-table.js';
import type { Price } from './prices.js';

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Informational: already counted in outputTokens by every convention we read. */
  reasoningTokens: number;
}

const PER_TOKEN = 1 / 1_000_000; // prices are per million tokens

/** Token counts come from the wire: treat negative, NaN or missing as 0. */
const count = (n: number): number => (Number.isFinite(n) && n > 0 ? n : 0);

/**
 * Input tokens billed at the plain input price.
 *
 * OpenTelemetry GenAI semantics (and OpenAI, Gemini, DeepSeek) count cached tokens inside
 * input_tokens; Anthropic's API counts them separately. We cannot tell which a call used,
 * so: when inputTokens >= cacheRead + cacheWrite the cache tokens are taken to be inside it
 * and subtracted; otherwise they cannot be, and all of inputTokens is uncached.
 */
export function uncachedInputTokens(usage: TokenUsage): number {
  const input = count(usage.inputTokens);
  const cached = count(usage.cacheReadTokens) + count(usage.cacheWriteTokens);
  return input >= cached ? input - cached : input;
}

/**
 * Cost in USD: uncached input at the input price, cache reads at cacheRead and cache writes
 * at cacheWrite (each defaulting to the input price), output at the output price.
 * Reasoning tokens are part of outputTokens already, so they are not added again.
 */
export function costOf(price: Price, usage: TokenUsage): number {
  const usd =
    uncachedInputTokens(usage) * price.input +
    count(usage.cacheReadTokens) * (price.cacheRead ?? price.input) +
    count(usage.cacheWriteTokens) * (price.cacheWrite ?? price.input) +
    count(usage.outputTokens) * price.output;
  return usd * PER_TOKEN;
}

/** What one cache-read token would have cost at the input price, minus what it costs. */
export function cacheSavingsPerToken(price: Price): number {
  return (price.input - (price.cacheRead ?? price.input)) * PER_TOKEN;
}

export interface CostInput extends TokenUsage {
  provider: string;
  model: string;
  /** Cost the SDK reported (gen_ai.usage.cost, cost_usd), or null when it reported none. */
  reportedCostUsd: number | null;
}

export interface ResolvedCost {
  costUsd: number;
  costSource: CostSource;
}

/**
 * The cost to record for a call (PRODUCT.md): a positive reported cost is kept; a missing one,
 * or 0 while the model has a known price (SDKs report 0 when they could not fetch prices,
 * openlit offline), is estimated from the table; 0 for an unknown model stays a reported 0;
 * nothing at all for an unknown model is "unknown", counted as 0.
 */
export function resolveCost(table: PriceTable, call: CostInput): ResolvedCost {
  const reported = call.reportedCostUsd;
  const hasReported = reported !== null && Number.isFinite(reported) && reported >= 0;
  if (hasReported && reported > 0) return { costUsd: reported, costSource: 'reported' };
  const match = table.lookup(call.provider, call.model);
  if (match) return { costUsd: costOf(match.price, call), costSource: 'estimated' };
  if (hasReported) return { costUsd: 0, costSource: 'reported' };
  return { costUsd: 0, costSource: 'unknown' };
}
