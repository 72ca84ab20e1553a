import { totalInputTokens, type CostSource } from '../domain/call.js';
import { tierFor, type PriceRule, type Pricer } from './rule.js';

export interface TokenUsage {
  /** Cache reads and writes included (totalInputTokens), as the GenAI conventions count them. */
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Part of outputTokens, in every convention read. */
  reasoningTokens: number;
}

/** Token counts come from the wire: treat negative, NaN or missing as 0. */
const count = (n: number): number => (Number.isFinite(n) && n > 0 ? n : 0);

/**
 * Cost in USD at the rule's tier for the call's input: uncached input, cache reads, cache
 * writes, output and the reasoning part of it, each at its rate, plus any per-request fee.
 */
export function costOf(rule: PriceRule, usage: TokenUsage): number {
  const cacheRead = count(usage.cacheReadTokens);
  const cacheWrite = count(usage.cacheWriteTokens);
  const input = totalInputTokens(count(usage.inputTokens), cacheRead, cacheWrite);
  const output = count(usage.outputTokens);
  const reasoning = Math.min(count(usage.reasoningTokens), output);
  const r = tierFor(rule, input).rates;
  return (
    r.fee +
    (input - cacheRead - cacheWrite) * r.input +
    cacheRead * r.cacheRead +
    cacheWrite * r.cacheWrite +
    (output - reasoning) * r.output +
    reasoning * r.reasoning
  );
}

/** What one cache-read token would have cost as plain input, less what it costs (base tier). */
export function cacheSavingsPerToken(rule: PriceRule): number {
  const r = rule.tiers[0]!.rates;
  return Math.max(0, r.input - r.cacheRead);
}

export interface CostInput extends TokenUsage {
  provider: string;
  model: string;
  /** When the call started: prices change over time. */
  timeMs: number;
  /** Cost the SDK reported (gen_ai.usage.cost, cost_usd), or null when it reported none. */
  reportedCostUsd: number | null;
}

export interface ResolvedCost {
  /** Null when no price is known: never $0 for that. */
  costUsd: number | null;
  costSource: CostSource;
}

/**
 * How full the model's context window was: input tokens (cache included) over the window, in
 * percent; null when the window is unknown (never guessed).
 */
export function contextPercent(pricer: Pricer, call: Pick<CostInput, 'provider' | 'model' | 'timeMs' | 'inputTokens'>): number | null {
  const window = pricer.rule(call.provider, call.model, call.timeMs)?.contextWindow;
  return window ? (count(call.inputTokens) / window) * 100 : null;
}

/**
 * The cost to record for a call (PRODUCT.md): a positive reported cost is kept; a missing one,
 * or 0 (SDKs report 0 when they have no price, openlit offline), is estimated from the prices;
 * with no price it is unknown.
 */
export function resolveCost(pricer: Pricer, call: CostInput): ResolvedCost {
  const reported = call.reportedCostUsd;
  if (reported !== null && Number.isFinite(reported) && reported > 0) return { costUsd: reported, costSource: 'reported' };
  const rule = pricer.rule(call.provider, call.model, call.timeMs);
  return rule ? { costUsd: costOf(rule, call), costSource: 'estimated' } : { costUsd: null, costSource: 'unknown' };
}
