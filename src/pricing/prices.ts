import { BundledPrices } from './bundled.js';
import { FilePrices } from './file-prices.js';
import { loadPricingFile } from './pricing-file.js';
import type { PriceRule, PriceSource, Pricer } from './rule.js';

/** Bump when llmtop works out differently what prices decide: stored calls are then worked out again. */
const RULES_VERSION = 2;

/** The prices llmtop uses: a `--pricing` file's first, then the bundled ones. */
export class Prices implements Pricer {
  readonly fingerprint: string;

  constructor(
    private readonly bundled: BundledPrices,
    private readonly file: FilePrices | null = null,
  ) {
    this.fingerprint = `rules ${RULES_VERSION}; ${bundled.fingerprint}; ${file?.fingerprint ?? 'no pricing file'}`;
  }

  /** The bundled prices, and a `--pricing FILE` (read now: a bad file throws PricingFileError). */
  static load(pricingFile: string | null): Prices {
    return new Prices(new BundledPrices(), pricingFile ? new FilePrices(loadPricingFile(pricingFile)) : null);
  }

  rule(provider: string, model: string, atMs: number): PriceRule | null {
    return this.file?.rule(provider, model) ?? this.bundled.rule(provider, model, atMs);
  }

  get sources(): PriceSource[] {
    return this.file ? [this.file.source, this.bundled.source] : [this.bundled.source];
  }
}
