/**
 * What a call is priced by: the rates of one model at one provider, from one source, with the
 * tiers its provider bills long prompts at. Rates are USD per token.
 */
export interface Rates {
  /** A flat fee per request (a few models charge one). */
  fee: number;
  /** Input tokens neither read from nor written to the cache. */
  input: number;
  cacheRead: number;
  cacheWrite: number;
  /** Output tokens that are not reasoning. */
  output: number;
  /** Reasoning tokens, which every convention counts inside the output tokens. */
  reasoning: number;
}

export interface Tier {
  /** The tier applies to a call whose input tokens (cache included) are more than this. */
  above: number;
  rates: Rates;
}

export type PriceSource =
  | { kind: 'bundled'; package: string; version: string; published: string | null }
  | { kind: 'file'; path: string };

export interface PriceRule {
  /** The provider as the source names it (genai-prices' provider id, or the file's key). */
  provider: string;
  /** The model the source matched. */
  model: string;
  source: PriceSource;
  /** Context window in tokens; null when the source does not know it (never guessed). */
  contextWindow: number | null;
  /** By `above`, lowest first; the first is the base price (above -1). */
  tiers: Tier[];
}

/** Finds the rule for a call's provider and model at its time, or null: no price known. */
export interface Pricer {
  rule(provider: string, model: string, atMs: number): PriceRule | null;
  /** Changes when any price may have: the store re-prices its estimated calls when it does. */
  readonly fingerprint: string;
}

/** The tier a call of `inputTokens` is billed at. */
export function tierFor(rule: PriceRule, inputTokens: number): Tier {
  let tier = rule.tiers[0]!;
  for (const t of rule.tiers) if (inputTokens > t.above) tier = t;
  return tier;
}

export function describeSource(s: PriceSource): string {
  return s.kind === 'file' ? `--pricing ${s.path}` : `${s.package} ${s.version}${s.published ? ` (bundled data of ${s.published})` : ' (bundled data)'}`;
}
