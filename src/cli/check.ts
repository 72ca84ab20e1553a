import type { LlmCall } from '../domain/call.js';
import { parseDuration } from '../stats/windows.js';
import type { LoopAlert } from '../domain/loop.js';
import { formatCost, formatDuration } from '../views/format.js';
import { sanitizeLine } from '../views/sanitize.js';
import { UsageError } from './flags.js';

/** What `llmtop check` adds up, for all calls, one model or one run. */
export interface CheckAggregate {
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  /** Of the calls with a known cost: a floor when unpricedCalls > 0. */
  costUsd: number;
  /** Some of the cost was estimated from prices. */
  costEstimated: boolean;
  /** Calls whose cost is unknown (no price for their model). */
  unpricedCalls: number;
  p95LatencyMs: number | null;
  p95TtftMs: number | null;
}

export type ModelRow = CheckAggregate & { provider: string; model: string };

/** One run: the calls of one trace. */
export type RunRow = CheckAggregate & {
  /** '' for calls that came without a trace (log events). */
  traceId: string;
  service: string;
  startMs: number;
  /** From the first call's start to the last call's end. */
  wallMs: number;
};

export interface CheckSummary {
  totals: CheckAggregate;
  /** Most expensive first. */
  models: ModelRow[];
  /** In the order they started. */
  runs: RunRow[];
}

/** The limits given on the command line; null when not given. */
export interface Limits {
  maxCostUsd: number | null;
  maxP95Ms: number | null;
  maxTtftP95Ms: number | null;
  /** Percent, 0 to 100. */
  maxErrorRatePct: number | null;
  maxTokens: number | null;
  minCalls: number | null;
  /** Loops and retry storms flagged while the command ran. */
  maxLoops: number | null;
}

export interface RawLimits {
  maxCost?: string | undefined;
  maxP95?: string | undefined;
  maxTtftP95?: string | undefined;
  maxErrorRate?: string | undefined;
  maxTokens?: string | undefined;
  minCalls?: string | undefined;
  maxLoops?: string | undefined;
}

export interface Breach {
  flag: string;
  /** One line naming the limit and the value that broke it: `cost $0.42 over --max-cost $0.30`. */
  message: string;
}

/** Checks the limits as typed: `$0.30` or `0.30`, `1.5s` or `800ms`, `5` or `5%`, `10000`. */
export function parseLimits(raw: RawLimits): Limits {
  const opt = <T>(text: string | undefined, parse: (t: string) => T) => (text === undefined ? null : parse(text));
  const duration = (flag: string) => (t: string) => {
    const v = t === '' ? null : parseDuration(t);
    if (v === null) throw new UsageError(`${flag} "${t}" is not a duration such as 800ms or 2s`);
    return v;
  };
  return {
    maxCostUsd: opt(raw.maxCost, (t) => decimal(t.replace(/^\$/, ''), '--max-cost', t)),
    maxP95Ms: opt(raw.maxP95, duration('--max-p95')),
    maxTtftP95Ms: opt(raw.maxTtftP95, duration('--max-ttft-p95')),
    maxErrorRatePct: opt(raw.maxErrorRate, (t) => {
      const v = decimal(t.replace(/%$/, ''), '--max-error-rate', t);
      if (v > 100) throw new UsageError(`--max-error-rate "${t}" is a percentage from 0 to 100`);
      return v;
    }),
    maxTokens: opt(raw.maxTokens, (t) => whole(t, '--max-tokens')),
    minCalls: opt(raw.minCalls, (t) => whole(t, '--min-calls')),
    maxLoops: opt(raw.maxLoops, (t) => whole(t, '--max-loops')),
  };
}

function decimal(text: string, flag: string, typed: string): number {
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(text)) throw new UsageError(`${flag} "${typed}" is not a number such as 0.5`);
  return Number(text);
}

function whole(text: string, flag: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} "${text}" is not a whole number`);
  return Number(text);
}

/** Totals, one row per provider/model and one per trace, from every call the command made. */
export function summarize(calls: readonly LlmCall[]): CheckSummary {
  const models = new Map<string, LlmCall[]>();
  const runs = new Map<string, LlmCall[]>();
  for (const c of calls) {
    push(models, `${c.provider}\u0000${c.model}`, c);
    push(runs, c.traceId, c);
  }
  return {
    totals: aggregate(calls),
    models: [...models.values()]
      .map((cs) => ({ provider: cs[0]!.provider, model: cs[0]!.model, ...aggregate(cs) }))
      .sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests || `${a.provider}/${a.model}`.localeCompare(`${b.provider}/${b.model}`)),
    runs: [...runs.entries()]
      .map(([traceId, cs]) => {
        const startMs = Math.min(...cs.map((c) => c.timeMs));
        const endMs = Math.max(...cs.map((c) => c.timeMs + c.durationMs));
        return { traceId, service: cs[0]!.service, startMs, wallMs: endMs - startMs, ...aggregate(cs) };
      })
      .sort((a, b) => a.startMs - b.startMs || a.traceId.localeCompare(b.traceId)),
  };
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function aggregate(calls: readonly LlmCall[]): CheckAggregate {
  let errors = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  let costUsd = 0;
  let costEstimated = false;
  let unpricedCalls = 0;
  for (const c of calls) {
    if (c.status === 'error') errors++;
    inputTokens += c.inputTokens;
    outputTokens += c.outputTokens;
    if (c.costUsd === null) unpricedCalls++;
    else costUsd += c.costUsd;
    if (c.costSource === 'estimated' && c.costUsd !== null && c.costUsd > 0) costEstimated = true;
  }
  return {
    requests: calls.length,
    errors,
    inputTokens,
    outputTokens,
    costUsd,
    costEstimated,
    unpricedCalls,
    p95LatencyMs: p95(calls.map((c) => c.durationMs)),
    p95TtftMs: p95(calls.flatMap((c) => (c.ttftMs === null ? [] : [c.ttftMs]))),
  };
}

/** Exact, by nearest rank: a CI limit must not move with a sketch's error. */
export function p95(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(0.95 * sorted.length) - 1]!;
}

/** Error rate in percent; null without calls. */
export function errorRatePct(a: Pick<CheckAggregate, 'requests' | 'errors'>): number | null {
  return a.requests === 0 ? null : (a.errors / a.requests) * 100;
}

/**
 * The limits the totals break, each named. A limit on something not measured (P95 without calls,
 * TTFT without streamed calls) is not broken: --min-calls is the guard against an empty run.
 */
export function evaluate(totals: CheckAggregate, limits: Limits, loops: readonly LoopAlert[] = []): Breach[] {
  const out: Breach[] = [];
  const t = totals;
  if (limits.maxCostUsd !== null && t.costUsd > limits.maxCostUsd)
    out.push({ flag: '--max-cost', message: `cost ${preciseCost(t.costUsd)} over --max-cost ${preciseCost(limits.maxCostUsd)}` });
  if (limits.maxP95Ms !== null && t.p95LatencyMs !== null && t.p95LatencyMs > limits.maxP95Ms)
    out.push({ flag: '--max-p95', message: `P95 latency ${formatDuration(t.p95LatencyMs)} over --max-p95 ${formatDuration(limits.maxP95Ms)}` });
  if (limits.maxTtftP95Ms !== null && t.p95TtftMs !== null && t.p95TtftMs > limits.maxTtftP95Ms)
    out.push({ flag: '--max-ttft-p95', message: `TTFT P95 ${formatDuration(t.p95TtftMs)} over --max-ttft-p95 ${formatDuration(limits.maxTtftP95Ms)}` });
  const rate = errorRatePct(t);
  if (limits.maxErrorRatePct !== null && rate !== null && rate > limits.maxErrorRatePct)
    out.push({ flag: '--max-error-rate', message: `error rate ${percent(rate)} (${t.errors} of ${t.requests}) over --max-error-rate ${percent(limits.maxErrorRatePct)}` });
  const tokens = t.inputTokens + t.outputTokens;
  if (limits.maxTokens !== null && tokens > limits.maxTokens)
    out.push({ flag: '--max-tokens', message: `tokens ${tokens} over --max-tokens ${limits.maxTokens}` });
  if (limits.minCalls !== null && t.requests < limits.minCalls)
    out.push({ flag: '--min-calls', message: `${t.requests} LLM calls under --min-calls ${limits.minCalls}` });
  if (limits.maxLoops !== null && loops.length > limits.maxLoops) {
    const first = loops[loops.length - 1]!;
    const what = first.kind === 'loop' ? `${first.count} calls of "${sanitizeLine(first.what).slice(0, 60)}"` : `${first.count} ${sanitizeLine(first.what)} failures`;
    out.push({ flag: '--max-loops', message: `${loops.length} loops over --max-loops ${limits.maxLoops}: the first, ${sanitizeLine(first.service)} ${sanitizeLine(first.model)}, ${what}` });
  }
  return out;
}

/**
 * What the user must know besides the limits: a cost that leaves unpriced calls out is a floor,
 * and a --max-cost passed on a floor says so, naming the models to price.
 */
export function notes(summary: CheckSummary, limits: Limits): string[] {
  const t = summary.totals;
  if (t.unpricedCalls === 0) return [];
  const models = summary.models.filter((m) => m.unpricedCalls > 0).map((m) => `${m.provider}/${m.model}`);
  const what = `${t.unpricedCalls} ${t.unpricedCalls === 1 ? 'call' : 'calls'} unpriced (${models.join(', ')}); price them with --pricing FILE`;
  const unknown = t.unpricedCalls === t.requests;
  if (limits.maxCostUsd === null || t.costUsd > limits.maxCostUsd) return [unknown ? `cost unknown: ${what}` : `cost ${costText(t)} leaves out ${what}`];
  const limit = `--max-cost ${preciseCost(limits.maxCostUsd)}`;
  return [unknown ? `cost unknown, so ${limit} was not checked: ${what}` : `cost ${costText(t)} is under ${limit} only as far as prices are known: ${what}`];
}

/** A cost as the report shows it: ≥ when calls are left out, ~ when some of it is estimated, ? when none was priced. */
export function costText(a: Pick<CheckAggregate, 'costUsd' | 'costEstimated' | 'unpricedCalls' | 'requests'>): string {
  if (a.unpricedCalls > 0 && a.unpricedCalls === a.requests) return '?';
  return `${a.unpricedCalls > 0 ? '≥' : ''}${a.costEstimated ? '~' : ''}${preciseCost(a.costUsd)}`;
}

/** Cents are not enough to compare against a limit such as $0.30 (formatCost shows 4 decimals below $1). */
export function preciseCost(usd: number): string {
  return usd >= 1 ? `$${usd.toFixed(2)}` : formatCost(usd);
}

function percent(p: number): string {
  return `${Number(p.toFixed(2))}%`;
}
