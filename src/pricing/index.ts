export { BUILT_IN_PRICES, PRICES_AS_OF } from './prices.js';
export type { Price, PriceEntries } from './prices.js';
export { PriceTable, normalizeModelName } from './price-table.js';
export type { PriceMatch } from './price-table.js';
export { cacheSavingsPerToken, costOf, resolveCost, uncachedInputTokens } from './cost.js';
export type { CostInput, ResolvedCost, TokenUsage } from './cost.js';
export { PricingFileError, loadPricingFile } from './pricing-file.js';
