import { cacheSavingsPerToken, type PriceTable } from '../pricing/index.js';

/**
 * `LiveStatsOptions.savings` from a price table: what one cache-read token would have cost at the
 * model's input price, less what it costs at its cache-read price; 0 for a model without a price.
 */
export function savingsFrom(prices: Pick<PriceTable, 'lookup'>): (provider: string, model: string) => number {
  return (provider, model) => {
    const match = prices.lookup(provider, model);
    return match ? cacheSavingsPerToken(match.price) : 0;
  };
}
