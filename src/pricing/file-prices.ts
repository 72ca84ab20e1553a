import { createHash } from 'node:crypto';
import { cleanModelName, isSnapshotOf } from './model-names.js';
import type { PricingFile } from './pricing-file.js';
import type { PriceRule, PriceSource } from './rule.js';

const PER_TOKEN = 1 / 1_000_000; // the file's prices are per million tokens

/**
 * The prices of a `--pricing FILE`, consulted before the bundled ones. A key names a model
 * (`gpt-4o`), or a model at one provider (`groq/llama-3.3-70b-versatile`); it prices that
 * model and its dated or versioned snapshots, never another model whose name merely starts
 * the same.
 */
export class FilePrices {
  readonly source: PriceSource;
  readonly fingerprint: string;
  private readonly rules: { provider: string | null; model: string; rule: PriceRule }[] = [];

  constructor(file: PricingFile) {
    this.source = { kind: 'file', path: file.path };
    this.fingerprint = `file:${createHash('sha1').update(file.text).digest('hex').slice(0, 16)}`;
    for (const [key, price] of Object.entries(file.entries)) {
      const slash = key.indexOf('/');
      const provider = slash > 0 ? key.slice(0, slash).trim().toLowerCase() : null;
      const model = cleanModelName(slash > 0 ? key.slice(slash + 1) : key);
      const input = price.input * PER_TOKEN;
      const output = price.output * PER_TOKEN;
      this.rules.push({
        provider,
        model,
        rule: {
          provider: provider ?? '',
          model: key,
          source: this.source,
          contextWindow: price.contextWindow ?? null,
          tiers: [
            {
              above: -1,
              rates: {
                fee: 0,
                input,
                cacheRead: (price.cacheRead ?? price.input) * PER_TOKEN,
                cacheWrite: (price.cacheWrite ?? price.input) * PER_TOKEN,
                output,
                reasoning: output,
              },
            },
          ],
        },
      });
    }
    // A key naming the provider before one that does not; a longer name (a snapshot's own price) before its model's.
    this.rules.sort((a, b) => Number(b.provider !== null) - Number(a.provider !== null) || b.model.length - a.model.length);
  }

  private readonly memo = new Map<string, PriceRule | null>();

  rule(provider: string, model: string): PriceRule | null {
    const key = `${provider}\u0000${model}`;
    let rule = this.memo.get(key);
    if (rule === undefined) {
      const name = cleanModelName(model);
      rule = this.rules.find((r) => (r.provider === null || r.provider === provider) && isSnapshotOf(name, r.model))?.rule ?? null;
      // Names come from the wire: bounded.
      if (this.memo.size >= 4096) this.memo.clear();
      this.memo.set(key, rule);
    }
    return rule;
  }
}
