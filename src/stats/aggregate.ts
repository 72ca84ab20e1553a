import { DDSketch } from '@datadog/sketches-js';
import type { CallStat, GroupKey } from '../domain/call.js';
import type { Aggregate, Group } from '../domain/summary.js';

/** Percentiles come from DDSketch: 1% relative error, mergeable, bounded memory. */
const RELATIVE_ACCURACY = 0.01;

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
  private readonly latency = new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });
  private readonly ttft = new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });

  add(c: CallStat): void {
    this.requests++;
    if (c.status === 'error') this.errors++;
    this.inputTokens += c.inputTokens;
    this.outputTokens += c.outputTokens;
    this.cacheReadTokens += c.cacheReadTokens;
    this.cacheWriteTokens += c.cacheWriteTokens;
    this.reasoningTokens += c.reasoningTokens;
    this.costUsd += c.costUsd;
    if (c.costSource === 'estimated') this.estimatedCostUsd += c.costUsd;
    this.latency.accept(Math.max(0, c.durationMs));
    if (c.ttftMs !== null) this.ttft.accept(Math.max(0, c.ttftMs));
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
      p50LatencyMs: quantile(this.latency, 0.5),
      p95LatencyMs: quantile(this.latency, 0.95),
      p95TtftMs: quantile(this.ttft, 0.95),
    };
  }
}

function quantile(sketch: DDSketch, q: number): number | null {
  return sketch.count === 0 ? null : sketch.getValueAtQuantile(q);
}

/** Aggregates calls per combination of the groupBy keys; groups ordered by requests, then key. */
export function aggregate(
  calls: Iterable<CallStat>,
  groupBy: readonly GroupKey[],
  windowSeconds: number,
): { totals: Aggregate; groups: Group[] } {
  const total = new Accumulator();
  const groups = new Map<string, { key: Partial<Record<GroupKey, string>>; acc: Accumulator }>();
  for (const c of calls) {
    total.add(c);
    if (groupBy.length === 0) continue;
    const parts = groupBy.map((k) => c[k] ?? '');
    const id = parts.join('\u0000');
    let g = groups.get(id);
    if (!g) {
      const key: Partial<Record<GroupKey, string>> = {};
      groupBy.forEach((k, i) => (key[k] = parts[i]!));
      g = { key, acc: new Accumulator() };
      groups.set(id, g);
    }
    g.acc.add(c);
  }
  const out: Group[] = [...groups.values()].map((g) => ({ ...g.key, ...g.acc.result(windowSeconds) }));
  out.sort((a, b) => b.requests - a.requests || groupLabel(a, groupBy).localeCompare(groupLabel(b, groupBy)));
  return { totals: total.result(windowSeconds), groups: out };
}

export function groupLabel(g: Partial<Record<GroupKey, string>>, groupBy: readonly GroupKey[]): string {
  return groupBy.map((k) => g[k] ?? '').join('/');
}
