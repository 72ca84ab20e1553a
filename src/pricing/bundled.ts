import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { calcPrice, findProvider, type MatchLogic, type ModelPrice } from '@pydantic/genai-prices';
import { cleanModelName, isSnapshotOf } from './model-names.js';
import type { PriceRule, PriceSource, Rates, Tier } from './rule.js';

const PACKAGE = '@pydantic/genai-prices';

/**
 * When the versions llmtop was checked against were published: the package says nothing of
 * its data's date, and its version is the only handle. A newer version shows without a date.
 */
const PUBLISHED: Record<string, string> = { '0.1.8': '2026-09-23' };

/** llmtop's provider names (normalize/provider.ts) where genai-prices spells them otherwise. */
const PROVIDER_IDS: Record<string, string> = { bedrock: 'aws', xai: 'x-ai', 'together-ai': 'together', together_ai: 'together' };

/** Bedrock ids name their vendor: us.anthropic.claude-…, meta.llama3-…: priced at the vendor when Bedrock has no row. */
const BEDROCK_ID = /^(?:(?:us|us-gov|eu|apac|au|ca|jp|global)\.)?([a-z0-9-]+)\.(.+?)(?:-v\d+(?::\d+)?)?$/;

/** Rules remembered, keyed by provider and model (names come from the wire: bounded). */
const MEMO_LIMIT = 4096;
/** Models whose price depends on the date or the time of day are remembered per minute. */
const TIMED_BUCKET_MS = 60_000;
/** Marks a model whose price depends on time. */
const TIMED = Symbol('timed');

function installedVersion(): string {
  // The package exports no package.json; it sits above its entry point.
  const entry = createRequire(import.meta.url).resolve(PACKAGE);
  return (JSON.parse(readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Prices from @pydantic/genai-prices, its data bundled in the package (offline; a newer
 * install brings newer prices). Each rule's rates come from the library's own calcPrice, once
 * per tier: a call's cost is linear in its tokens within a tier, so one probe per kind of token
 * gives the rate; tiers (long-prompt prices) and dated prices stay the library's to decide.
 */
export class BundledPrices {
  readonly source: PriceSource;
  private readonly memo = new Map<string, PriceRule | null | typeof TIMED>();
  private readonly timed = new Map<string, PriceRule | null>();

  constructor() {
    const version = installedVersion();
    this.source = { kind: 'bundled', package: PACKAGE, version, published: PUBLISHED[version] ?? null };
  }

  get fingerprint(): string {
    return `${PACKAGE}@${(this.source as { version: string }).version}`;
  }

  rule(provider: string, model: string, atMs: number): PriceRule | null {
    const key = `${provider}\u0000${model}`;
    const hit = this.memo.get(key);
    if (hit === TIMED) {
      const timedKey = `${key}\u0000${Math.floor(atMs / TIMED_BUCKET_MS)}`;
      let rule = this.timed.get(timedKey);
      if (rule === undefined) {
        rule = this.find(provider, model, atMs)?.rule ?? null;
        if (this.timed.size >= MEMO_LIMIT) this.timed.clear();
        this.timed.set(timedKey, rule);
      }
      return rule;
    }
    if (hit !== undefined) return hit;
    const found = this.find(provider, model, atMs);
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    this.memo.set(key, found?.timed ? TIMED : (found?.rule ?? null));
    return found?.rule ?? null;
  }

  private find(provider: string, model: string, atMs: number): { rule: PriceRule; timed: boolean } | null {
    const name = cleanModelName(model);
    if (name === '') return null;
    const timestamp = new Date(Number.isFinite(atMs) && Math.abs(atMs) < 8.64e15 ? atMs : Date.now());
    const id = PROVIDER_IDS[provider] ?? provider;
    // A provider the data does not know would match nothing: the model's name decides then.
    const providerId = findProvider({ providerId: id }) ? id : undefined;
    const direct = this.match(name, providerId, timestamp);
    if (direct) return direct;
    if (provider !== 'bedrock') return null;
    // A Bedrock id names its vendor (us.anthropic.claude-…); a bare name is the vendor's model.
    const bedrock = BEDROCK_ID.exec(name);
    const vendor = bedrock && findProvider({ providerId: bedrock[1]! }) ? bedrock : null;
    return vendor ? this.match(vendor[2]!, vendor[1]!, timestamp) : this.match(name, undefined, timestamp);
  }

  private match(name: string, providerId: string | undefined, timestamp: Date): { rule: PriceRule; timed: boolean } | null {
    const opts = providerId === undefined ? { timestamp } : { providerId, timestamp };
    const total = (usage: Record<string, number>): number | null => {
      try {
        return calcPrice(usage, name, opts)?.total_price ?? null;
      } catch {
        return null;
      }
    };
    let found;
    try {
      found = calcPrice({ input_tokens: 0, output_tokens: 0 }, name, opts);
    } catch {
      return null;
    }
    if (!found || !wellDefined(found.model.match, name)) return null;
    const fee = total({ input_tokens: 0, output_tokens: 0 }) ?? 0;
    const thresholds = tierStarts(found.model_price);
    const tiers: Tier[] = [];
    for (let i = 0; i < thresholds.length; i++) {
      const above = thresholds[i]!;
      const next = thresholds[i + 1];
      // A probe size inside the tier: just past its start, or for the base tier up to 1000.
      const size = above >= 0 ? above + 1 : Math.max(1, Math.min(1000, next ?? 1000));
      const rates = probeRates(total, fee, size);
      if (!rates) return null;
      tiers.push({ above, rates });
    }
    const rule: PriceRule = {
      provider: found.provider.id,
      model: found.model.id,
      source: this.source,
      contextWindow: found.model.context_window ?? null,
      tiers,
    };
    return { rule, timed: Array.isArray(found.model.prices) };
  }
}

/** The rates of one tier, from the library's totals for `size` tokens of each kind. */
function probeRates(total: (usage: Record<string, number>) => number | null, fee: number, size: number): Rates | null {
  const input = total({ input_tokens: size });
  const cacheRead = total({ input_tokens: size, cache_read_tokens: size });
  const cacheWrite = total({ input_tokens: size, cache_write_tokens: size });
  const output = total({ input_tokens: size, output_tokens: size });
  const reasoning = total({ input_tokens: size, output_tokens: size, output_reasoning_tokens: size });
  if (input === null || cacheRead === null || cacheWrite === null || output === null || reasoning === null) return null;
  return {
    fee,
    input: (input - fee) / size,
    cacheRead: (cacheRead - fee) / size,
    cacheWrite: (cacheWrite - fee) / size,
    output: (output - input) / size,
    reasoning: (reasoning - input) / size,
  };
}

/** -1 for the base price, then where each tier starts (input tokens above it), ascending. */
function tierStarts(price: ModelPrice): number[] {
  const starts = new Set<number>([-1]);
  for (const v of Object.values(price)) if (v && typeof v === 'object') for (const t of v.tiers) starts.add(t.start);
  return [...starts].sort((a, b) => a - b);
}

/**
 * Whether the clause that matched pins the name down. genai-prices matches some families by
 * `starts_with` or `contains`, which would give claude-opus-4-60 the price of claude-opus-4-6;
 * such a match stands only when the rest of the name is a date or a version.
 */
function wellDefined(match: MatchLogic, name: string): boolean {
  const alt = name.replace(/-(20\d{2})(\d{2})(\d{2})(?=-|:|$)/g, '-$1-$2-$3'); // genai-prices tries this spelling too
  return leaves(match, name).some((l) => pins(l, name)) || leaves(match, alt).some((l) => pins(l, alt));
}

type Leaf = { equals: string } | { starts_with: string } | { ends_with: string } | { contains: string } | { regex: string };

function leaves(m: MatchLogic, name: string): Leaf[] {
  const any = m as Record<string, unknown>;
  if (Array.isArray(any.or)) return (any.or as MatchLogic[]).flatMap((x) => leaves(x, name));
  if (Array.isArray(any.and)) {
    const parts = (any.and as MatchLogic[]).map((x) => leaves(x, name));
    return parts.every((p) => p.length > 0) ? parts.flat() : [];
  }
  const l = m as Leaf;
  if ('equals' in l) return name === l.equals.toLowerCase() ? [l] : [];
  if ('starts_with' in l) return name.startsWith(l.starts_with.toLowerCase()) ? [l] : [];
  if ('ends_with' in l) return name.endsWith(l.ends_with.toLowerCase()) ? [l] : [];
  if ('contains' in l) return name.includes(l.contains.toLowerCase()) ? [l] : [];
  if ('regex' in l) return new RegExp(l.regex).test(name) ? [l] : [];
  return [];
}

function pins(l: Leaf, name: string): boolean {
  if ('equals' in l || 'ends_with' in l) return true;
  // An anchored regex pins the name; a negative-lookahead filter (^(?!.*-tts)) does not.
  if ('regex' in l) return l.regex.endsWith('$') && !l.regex.startsWith('^(?!');
  return 'starts_with' in l ? isSnapshotOf(name, l.starts_with) : isSnapshotOf(name, l.contains, 'anywhere');
}
