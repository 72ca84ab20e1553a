import fs from 'node:fs';
import { parseModelArg, priceAnswer, storedPrices, type PerMillion, type PriceAnswer, type Pricer } from '../pricing/index.js';
import { CallStore } from '../store/call-store.js';
import { formatCount } from '../views/format.js';
import { sanitizeLine } from '../views/sanitize.js';
import { UsageError } from './flags.js';

/** A list price as written: cents, or as many places as it has ($0.125, $0.0375). */
const usd = (n: number) => `$${Math.abs(n * 100 - Math.round(n * 100)) < 1e-9 ? n.toFixed(2) : String(Number(n.toPrecision(6)))}`;
const prices = (p: PerMillion) => `in ${usd(p.input)}  out ${usd(p.output)}  cache read ${usd(p.cacheRead)}  cache write ${usd(p.cacheWrite)}`;

/** Readable text: a block per model, names from the store sanitized. */
export function pricesText(answers: readonly PriceAnswer[]): string {
  const out: string[] = [];
  for (const a of answers) {
    const name = sanitizeLine(a.provider ? `${a.provider}/${a.model}` : a.model);
    const calls = a.calls === undefined ? '' : `  (${formatCount(a.calls)} ${a.calls === 1 ? 'call' : 'calls'} stored)`;
    if (!a.price) {
      out.push(`${name}  no price known: its cost shows as ?${calls}`);
      out.push(`  price it with --pricing FILE: {"models": {${JSON.stringify(sanitizeLine(a.model))}: {"input": <USD per 1M>, "output": <USD per 1M>}}}`);
      continue;
    }
    const p = a.price;
    out.push(`${name}  →  ${sanitizeLine(`${p.provider}/${p.model}`)}${calls}`);
    out.push(`  per 1M tokens: ${prices(p.perMillion)}`);
    for (const t of p.tiers) out.push(`  prompts over ${formatCount(t.aboveInputTokens)} tokens: ${prices(t.perMillion)}`);
    out.push(`  context window: ${p.contextWindow === null ? 'unknown' : `${p.contextWindow.toLocaleString('en-US')} tokens`}`);
    out.push(`  source: ${sanitizeLine(p.source)}`);
  }
  return out.length ? `${out.join('\n')}\n` : 'No calls stored yet: name a model, such as llmtop prices claude-opus-4-6\n';
}

/**
 * `llmtop prices [MODEL...]`: the price each model would be billed at, and its source; with no
 * model, the models stored in the db file, unpriced ones first.
 */
export function runPrices(o: { models: string[]; json: boolean; db: string; pricer: Pricer; now: number; out: (text: string) => void }): number {
  let answers: PriceAnswer[];
  if (o.models.length > 0) {
    answers = o.models.map((arg) => {
      const { provider, model } = parseModelArg(arg);
      return priceAnswer(o.pricer, provider, model, o.now);
    });
  } else {
    if (o.db !== ':memory:' && !fs.existsSync(o.db)) throw new UsageError(`no llmtop database at ${o.db}; name a model, or pass --db`);
    const store = new CallStore({ path: o.db, maxCalls: Number.MAX_SAFE_INTEGER, retentionMs: Number.MAX_SAFE_INTEGER, now: () => o.now });
    try {
      answers = storedPrices(store.models(), o.pricer, o.now);
    } finally {
      store.close();
    }
  }
  o.out(o.json ? `${JSON.stringify({ prices: answers }, null, 2)}\n` : pricesText(answers));
  return 0;
}
