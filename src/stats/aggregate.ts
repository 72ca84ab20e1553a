import { DDSketch } from '@datadog/sketches-js';
import type { CallNumbers, GroupKey } from '../domain/call.js';
import type { Aggregate, Group } from '../domain/summary.js';
import type { Cell } from './cells.js';
import type { EachRow } from './timeline.js';

/** Percentiles come from DDSketch: 1% relative error, mergeable, bounded memory. */
const RELATIVE_ACCURACY = 0.01;

/** Context use in bins of a quarter percent up to 200%: an increment per call, where a sketch took a fifth of a summary's time. */
const CONTEXT_BINS_PER_PERCENT = 4;
const CONTEXT_MAX_PERCENT = 200;

class PercentHistogram {
  private bins: Uint32Array | null = null;
  private count = 0;

  accept(percent: number): void {
    this.bins ??= new Uint32Array(CONTEXT_MAX_PERCENT * CONTEXT_BINS_PER_PERCENT + 1);
    const i = Math.min(this.bins.length - 1, Math.max(0, Math.floor(percent * CONTEXT_BINS_PER_PERCENT)));
    this.bins[i]!++;
    this.count++;
  }

  merge(o: PercentHistogram): void {
    if (!o.bins) return;
    this.bins ??= new Uint32Array(o.bins.length);
    for (let i = 0; i < o.bins.length; i++) this.bins[i]! += o.bins[i]!;
    this.count += o.count;
  }

  /** As the sketches answer (the value at rank q × (n − 1)): the middle of its bin. */
  quantile(q: number): number | null {
    if (!this.bins || this.count === 0) return null;
    const rank = q * (this.count - 1);
    let seen = 0;
    for (let i = 0; i < this.bins.length; i++) {
      seen += this.bins[i]!;
      if (seen > rank) return (i + 0.5) / CONTEXT_BINS_PER_PERCENT;
    }
    return CONTEXT_MAX_PERCENT;
  }
}

/** Running totals for one group while a window is scanned. */
export class Accumulator {
  requests = 0;
  errors = 0;
  inputTokens = 0;
  outputTokens = 0;
  cacheReadTokens = 0;
  cacheWriteTokens = 0;
  reasoningTokens = 0;
  costUsd = 0;
  estimatedCostUsd = 0;
  unpricedCalls = 0;
  cacheSavingsUsd = 0;
  private readonly latency = new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });
  private readonly ttft = new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });
  private readonly speed = new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });
  private readonly context = new PercentHistogram();

  add(c: StatRow): void {
    this.requests++;
    if (c.status === 'error') this.errors++;
    this.inputTokens += c.inputTokens;
    this.outputTokens += c.outputTokens;
    this.cacheReadTokens += c.cacheReadTokens;
    this.cacheWriteTokens += c.cacheWriteTokens;
    this.reasoningTokens += c.reasoningTokens;
    if (c.costUsd === null) this.unpricedCalls++;
    else {
      this.costUsd += c.costUsd;
      if (c.costSource === 'estimated') this.estimatedCostUsd += c.costUsd;
    }
    this.cacheSavingsUsd += c.cacheSavingsUsd;
    this.latency.accept(Math.max(0, c.durationMs));
    if (c.ttftMs !== null) this.ttft.accept(Math.max(0, c.ttftMs));
    if (c.outputTokensPerSecond !== null) this.speed.accept(c.outputTokensPerSecond);
    const context = c.contextPercent;
    if (context !== null) this.context.accept(context);
  }

  /** Adds another accumulator's rows: the totals are the groups merged, not every row added twice. */
  merge(o: Accumulator): void {
    this.requests += o.requests;
    this.errors += o.errors;
    this.inputTokens += o.inputTokens;
    this.outputTokens += o.outputTokens;
    this.cacheReadTokens += o.cacheReadTokens;
    this.cacheWriteTokens += o.cacheWriteTokens;
    this.reasoningTokens += o.reasoningTokens;
    this.costUsd += o.costUsd;
    this.estimatedCostUsd += o.estimatedCostUsd;
    this.unpricedCalls += o.unpricedCalls;
    this.cacheSavingsUsd += o.cacheSavingsUsd;
    this.latency.merge(o.latency);
    this.ttft.merge(o.ttft);
    this.speed.merge(o.speed);
    this.context.merge(o.context);
  }

  result(windowSeconds: number): Aggregate {
    return {
      requests: this.requests,
      errors: this.errors,
      requestsPerSecond: windowSeconds > 0 ? this.requests / windowSeconds : 0,
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      cacheReadTokens: this.cacheReadTokens,
      cacheWriteTokens: this.cacheWriteTokens,
      reasoningTokens: this.reasoningTokens,
      costUsd: this.costUsd,
      estimatedCostUsd: this.estimatedCostUsd,
      unpricedCalls: this.unpricedCalls,
      cacheSavingsUsd: this.cacheSavingsUsd,
      p50LatencyMs: quantile(this.latency, 0.5),
      p95LatencyMs: quantile(this.latency, 0.95),
      p95TtftMs: quantile(this.ttft, 0.95),
      p50OutputTokensPerSecond: quantile(this.speed, 0.5),
      p95OutputTokensPerSecond: quantile(this.speed, 0.95),
      p95ContextPercent: this.context.quantile(0.95),
    };
  }
}

function quantile(sketch: DDSketch, q: number): number | null {
  return sketch.count === 0 ? null : sketch.getValueAtQuantile(q);
}

/** The numbers of one call that the statistics add up, with the cell of its keys. */
export type StatRow = CallNumbers & {
  cell: Cell;
  /** What the prompt cache saved on this call, USD; 0 when unknown. */
  cacheSavingsUsd: number;
  /** Generation speed (./speed.ts); null when the call has none. */
  outputTokensPerSecond: number | null;
  /** Input tokens over the model's context window, in percent; null when the window is unknown. */
  contextPercent: number | null;
};

/**
 * Aggregates rows per combination of the groupBy keys; groups ordered by requests, then key.
 * `include` decides per cell, once, whether its rows count.
 */
export function aggregate(
  eachRow: EachRow,
  groupBy: readonly GroupKey[],
  windowSeconds: number,
  include: (cell: Cell) => boolean,
): { totals: Aggregate; groups: Group[] } {
  const total = new Accumulator();
  const groups = new Map<string, { key: Partial<Record<GroupKey, string>>; acc: Accumulator }>();
  // Per cell: null when excluded, else the accumulator of its group (undefined: not seen yet).
  const byCell = new Map<Cell, Accumulator | null>();
  const accumulatorOf = (cell: Cell): Accumulator | null => {
    let acc = byCell.get(cell);
    if (acc === undefined) {
      acc = !include(cell) ? null : groupBy.length > 0 ? groupOf(cell, groupBy, groups) : total;
      byCell.set(cell, acc);
    }
    return acc;
  };
  eachRow(
    (r) => accumulatorOf(r.cell)?.add(r),
    (part) => {
      for (const [cell, rows] of part) accumulatorOf(cell)?.merge(rows);
    },
  );
  if (groupBy.length > 0) for (const g of groups.values()) total.merge(g.acc);
  const out: Group[] = [...groups.values()].map((g) => ({ ...g.key, ...g.acc.result(windowSeconds) }));
  out.sort((a, b) => b.requests - a.requests || groupLabel(a, groupBy).localeCompare(groupLabel(b, groupBy)));
  return { totals: total.result(windowSeconds), groups: out };
}

function groupOf(cell: Cell, groupBy: readonly GroupKey[], groups: Map<string, { key: Partial<Record<GroupKey, string>>; acc: Accumulator }>): Accumulator {
  const id = groupBy.map((k) => cell[k]).join('\u0000');
  let g = groups.get(id);
  if (!g) {
    const key: Partial<Record<GroupKey, string>> = {};
    for (const k of groupBy) key[k] = cell[k];
    g = { key, acc: new Accumulator() };
    groups.set(id, g);
  }
  return g.acc;
}

function groupLabel(g: Partial<Record<GroupKey, string>>, groupBy: readonly GroupKey[]): string {
  return groupBy.map((k) => g[k] ?? '').join('/');
}
