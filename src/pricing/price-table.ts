import { BUILT_IN_PRICES } from './prices.js';
import type { Price, PriceEntries } from './prices.js';

export interface PriceMatch {
  /** The table's name for the model that matched (e.g. "gpt-4o" for "gpt-4o-2024-08-06"). */
  model: string;
  price: Price;
}

// Bedrock inference-profile regions and model vendors: us.anthropic.claude-..., meta.llama3-...
const REGION_PREFIX = /^(?:us|eu|apac|au|ca|jp|global|us-gov)\./;
const VENDOR_PREFIX = /^(?:anthropic|meta|mistral|cohere|amazon|ai21|deepseek|openai|google|xai|qwen|writer)\./;

/**
 * Reduce the many spellings of a model name to one comparable form:
 * "us.anthropic.claude-3-5-sonnet-20241022-v2:0" → "claude-3-5-sonnet-20241022-v2:0",
 * "models/gemini-1.5-pro" → "gemini-1-5-pro", "claude-sonnet-4-5@20250929" → "claude-sonnet-4-5".
 * Dots become dashes because hosts disagree on them (claude-3.5-sonnet vs claude-3-5-sonnet).
 * Suffixes (dates, -latest, -v2:0, -preview) are left on: prefix matching handles them.
 */
export function normalizeModelName(name: string): string {
  let s = name.trim().toLowerCase();
  s = s.slice(s.lastIndexOf('/') + 1); // openai/gpt-4o, models/gemini-1.5-pro, publishers/.../models/x
  const at = s.indexOf('@'); // Vertex AI: claude-sonnet-4-5@20250929
  if (at >= 0) s = s.slice(0, at);
  s = s.replace(REGION_PREFIX, '').replace(VENDOR_PREFIX, '');
  return s.replace(/[\s._]+/g, '-');
}

/** `key` names `name` if it is the whole name or a prefix ending at a separator: gpt-4o ⊂ gpt-4o-2024-08-06, not gpt-4 ⊂ gpt-4o. */
function namesModel(key: string, name: string): boolean {
  if (!name.startsWith(key)) return false;
  const next = name[key.length];
  return next === undefined || next === '-' || next === ':';
}

const MEMO_LIMIT = 4096;

/** An immutable model → price table with forgiving, longest-match lookups. */
export class PriceTable {
  /** Normalized key → match, longest key first so the most specific name wins. */
  private readonly byName: ReadonlyArray<readonly [string, PriceMatch]>;
  /** Keys holding a "/" (overrides such as "groq/llama-3.3-70b-versatile") match only exactly. */
  private readonly qualified = new Map<string, PriceMatch>();
  /** Lookups run per call; model names repeat, so remember answers (bounded: names come from the wire). */
  private readonly memo = new Map<string, PriceMatch | null>();

  private constructor(private readonly entries: ReadonlyArray<readonly [string, Price]>) {
    const byName = new Map<string, PriceMatch>();
    for (const [model, price] of entries) {
      // Later entries win, so overrides replace built-ins however they spell the name.
      if (model.includes('/')) this.qualified.set(model.trim().toLowerCase(), { model, price });
      else byName.set(normalizeModelName(model), { model, price });
    }
    this.byName = [...byName].sort((a, b) => b[0].length - a[0].length);
  }

  static builtIn(): PriceTable {
    return new PriceTable(Object.entries(BUILT_IN_PRICES));
  }

  static fromEntries(entries: PriceEntries): PriceTable {
    return new PriceTable(Object.entries(entries));
  }

  /** A new table in which `entries` add models or replace the price of existing ones (whole rows). */
  withOverrides(entries: PriceEntries): PriceTable {
    return new PriceTable([...this.entries, ...Object.entries(entries)]);
  }

  /** Number of priced models. */
  get size(): number {
    return this.byName.length + this.qualified.size;
  }

  /** The price of a model as reported by any SDK, or null when no table entry names it. */
  lookup(provider: string, model: string): PriceMatch | null {
    const memoKey = `${provider}\u0000${model}`;
    const hit = this.memo.get(memoKey);
    if (hit !== undefined) return hit;
    const found = this.find(provider, model);
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    this.memo.set(memoKey, found);
    return found;
  }

  private find(provider: string, model: string): PriceMatch | null {
    if (this.qualified.size > 0) {
      const raw = model.trim().toLowerCase();
      const exact = this.qualified.get(`${provider.trim().toLowerCase()}/${raw}`) ?? this.qualified.get(raw);
      if (exact) return exact;
    }
    const name = normalizeModelName(model);
    if (name === '') return null;
    for (const [key, match] of this.byName) if (namesModel(key, name)) return match;
    return null;
  }
}
