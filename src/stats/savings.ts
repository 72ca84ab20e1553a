import { cacheSavingsPerToken, type Pricer } from '../pricing/index.js';

/**
 * `LiveStatsOptions.savings` from the prices: what one cache-read token would have cost as
 * plain input, less what it costs as a cache read; 0 for a model without a price.
 */
export function savingsFrom(prices: Pricer, now: () => number): (provider: string, model: string) => number {
  return (provider, model) => {
    const rule = prices.rule(provider, model, now());
    return rule ? cacheSavingsPerToken(rule) : 0;
  };
}
