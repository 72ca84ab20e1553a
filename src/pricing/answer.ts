import { providerFromModel } from '../normalize/provider.js';
import { describeSource, type PriceRule, type Pricer, type Rates } from './rule.js';

/** USD per million tokens, as providers list prices. */
export interface PerMillion {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** What llmtop says of one model's price: the price and where it comes from, or that none is known. */
export interface PriceAnswer {
  /** As asked, or as stored. */
  provider: string;
  model: string;
  /** Calls of it in the store, when listing the store's models. */
  calls?: number;
  price: {
    /** The provider and model the source matched. */
    provider: string;
    model: string;
    source: string;
    perMillion: PerMillion;
    /** Long prompts: the price of a call whose input tokens are above each. */
    tiers: { aboveInputTokens: number; perMillion: PerMillion }[];
    contextWindow: number | null;
  } | null;
}

const perMillion = (r: Rates): PerMillion => {
  const m = (usd: number) => Number((usd * 1e6).toPrecision(12));
  return { input: m(r.input), output: m(r.output), cacheRead: m(r.cacheRead), cacheWrite: m(r.cacheWrite) };
};

/** The answer for one model at a time. */
export function priceAnswer(pricer: Pricer, provider: string, model: string, atMs: number): PriceAnswer {
  const rule: PriceRule | null = pricer.rule(provider, model, atMs);
  return {
    provider,
    model,
    price: rule && {
      provider: rule.provider,
      model: rule.model,
      source: describeSource(rule.source),
      perMillion: perMillion(rule.tiers[0]!.rates),
      tiers: rule.tiers.slice(1).map((t) => ({ aboveInputTokens: t.above, perMillion: perMillion(t.rates) })),
      contextWindow: rule.contextWindow,
    },
  };
}

/** `provider/model`, or a model whose provider its name tells (gpt-4o is OpenAI's). */
export function parseModelArg(arg: string): { provider: string; model: string } {
  const slash = arg.indexOf('/');
  if (slash > 0) return { provider: arg.slice(0, slash).toLowerCase(), model: arg.slice(slash + 1) };
  return { provider: providerFromModel(arg) ?? '', model: arg };
}

/** The stored models' prices with their calls, unpriced first (then as given: most calls first). */
export function storedPrices(models: readonly { provider: string; model: string; calls: number }[], pricer: Pricer, atMs: number): PriceAnswer[] {
  return models
    .map((m) => ({ ...priceAnswer(pricer, m.provider, m.model, atMs), calls: m.calls }))
    .sort((a, b) => Number(a.price !== null) - Number(b.price !== null));
}
