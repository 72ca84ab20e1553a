export { Prices } from './prices.js';
export { BundledPrices } from './bundled.js';
export { FilePrices } from './file-prices.js';
export { cacheSavingsPerToken, contextPercent, costOf, resolveCost } from './cost.js';
export type { CostInput, ResolvedCost, TokenUsage } from './cost.js';
export { PricingFileError, loadPricingFile } from './pricing-file.js';
export type { Price, PricingFile } from './pricing-file.js';
export { describeSource, tierFor } from './rule.js';
export type { PriceRule, PriceSource, Pricer, Rates, Tier } from './rule.js';
