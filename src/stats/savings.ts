import type { LlmCall } from '../domain/call.js';
import { cacheSavingsUsd, type PriceTable } from '../pricing/index.js';

/**
 * `LiveStatsOptions.savings` from a price table: what a call's cache reads would have cost at the
 * model's input price, less what they cost at its cache-read price; 0 for a model without a price.
 */
export function savingsFrom(prices: Pick<PriceTable, 'lookup'>): (call: LlmCall) => number {
  return (call) => {
    const match = prices.lookup(call.provider, call.model);
    return match ? cacheSavingsUsd(match.price, call) : 0;
  };
}
