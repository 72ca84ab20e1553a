import type { CallStat, GroupKey, LlmCall } from '../domain/call.js';
import type { Summary, SummaryQuery } from '../domain/summary.js';
import type { CallChanges } from '../store/changes.js';
import { aggregate } from './aggregate.js';
import { formatWindow } from './windows.js';

export interface Series {
  /** Width of one point, milliseconds. */
  bucketMs: number;
  requests: number[];
  /** Input plus output tokens. */
  tokens: number[];
  costUsd: number[];
  errors: number[];
}

export interface CallFilter {
  /** Exact match on each named key. */
  keys?: Partial<Record<GroupKey, string>>;
  /** Case-insensitive substring of provider, model, service, environment, operation or user. */
  search?: string;
}

export interface LiveStatsOptions {
  /** How far back the windows reach: calls older than this are forgotten. */
  horizonMs: number;
  /** How many recent calls keep their prompt and response in memory for the log. */
  recentCapacity: number;
  now: () => number;
}

/**
 * Windowed statistics answered from memory, so that neither the API nor the TUI reads SQLite
 * per request. Fed with the same changes the store commits; `version` counts them, so a view
 * can skip a redraw when nothing changed.
 */
export class LiveStats {
  private readonly rows = new Map<string, CallStat>();
  private readonly recentCalls = new Map<string, LlmCall>();
  private changes = 0;

  constructor(private readonly opts: LiveStatsOptions) {}

  get version(): number {
    return this.changes;
  }

  get now(): number {
    return this.opts.now();
  }

  apply(changes: CallChanges): void {
    for (const id of changes.deleted) {
      this.rows.delete(id);
      this.recentCalls.delete(id);
    }
    for (const call of changes.upserted) {
      this.rows.set(call.id, toStat(call));
      if (this.recentCalls.has(call.id) || this.recentCalls.size < this.opts.recentCapacity || this.isRecent(call)) {
        this.recentCalls.delete(call.id);
        this.recentCalls.set(call.id, call);
      }
    }
    while (this.recentCalls.size > this.opts.recentCapacity) this.recentCalls.delete(this.recentCalls.keys().next().value!);
    this.forgetOld();
    if (changes.upserted.length + changes.deleted.length > 0) this.changes++;
  }

  summary(q: SummaryQuery, search?: string): Summary {
    const windowSeconds = q.windowMs / 1000;
    const { totals, groups } = aggregate(this.inWindow(q.windowMs, { keys: q.filter, search }), q.groupBy, windowSeconds);
    return { window: formatWindow(q.windowMs), windowSeconds, totals, groups };
  }

  series(windowMs: number, points: number, filter: CallFilter = {}): Series {
    const bucketMs = windowMs / points;
    const end = this.opts.now();
    const s: Series = {
      bucketMs,
      requests: new Array<number>(points).fill(0),
      tokens: new Array<number>(points).fill(0),
      costUsd: new Array<number>(points).fill(0),
      errors: new Array<number>(points).fill(0),
    };
    for (const c of this.inWindow(windowMs, filter)) {
      const i = Math.min(points - 1, Math.floor((c.timeMs - (end - windowMs)) / bucketMs));
      s.requests[i]!++;
      s.tokens[i]! += c.inputTokens + c.outputTokens;
      s.costUsd[i]! += c.costUsd;
      if (c.status === 'error') s.errors[i]!++;
    }
    return s;
  }

  /** The newest calls with their text, newest first. */
  recent(limit: number, filter: CallFilter = {}): LlmCall[] {
    const out = [...this.recentCalls.values()].filter((c) => matches(c, filter));
    out.sort((a, b) => b.timeMs - a.timeMs);
    return out.slice(0, limit);
  }

  call(id: string): LlmCall | undefined {
    return this.recentCalls.get(id);
  }

  /** Every stat in the window, for callers that aggregate their own way. */
  *inWindow(windowMs: number, filter: CallFilter = {}): Generator<CallStat> {
    const end = this.opts.now();
    const start = end - windowMs;
    for (const c of this.rows.values()) {
      if (c.timeMs >= start && c.timeMs <= end && matches(c, filter)) yield c;
    }
  }

  private isRecent(call: LlmCall): boolean {
    const oldest = this.recentCalls.values().next().value;
    return !oldest || call.timeMs >= oldest.timeMs;
  }

  private forgetOld(): void {
    const cutoff = this.opts.now() - this.opts.horizonMs;
    for (const [id, c] of this.rows) {
      if (c.timeMs >= cutoff) break;
      this.rows.delete(id);
    }
  }
}

function toStat(c: LlmCall): CallStat {
  return {
    id: c.id,
    timeMs: c.timeMs,
    service: c.service,
    environment: c.environment,
    provider: c.provider,
    model: c.model,
    operation: c.operation,
    durationMs: c.durationMs,
    ttftMs: c.ttftMs,
    inputTokens: c.inputTokens,
    outputTokens: c.outputTokens,
    cacheReadTokens: c.cacheReadTokens,
    cacheWriteTokens: c.cacheWriteTokens,
    reasoningTokens: c.reasoningTokens,
    costUsd: c.costUsd,
    costSource: c.costSource,
    status: c.status,
    user: c.user,
  };
}

const SEARCHED: readonly GroupKey[] = ['provider', 'model', 'service', 'environment', 'operation', 'user'];

export function matches(c: CallStat, filter: CallFilter): boolean {
  if (filter.keys) {
    for (const [k, v] of Object.entries(filter.keys) as [GroupKey, string | undefined][]) {
      if (v !== undefined && (c[k] ?? '') !== v) return false;
    }
  }
  if (filter.search) {
    const needle = filter.search.toLowerCase();
    if (!SEARCHED.some((k) => (c[k] ?? '').toLowerCase().includes(needle))) return false;
  }
  return true;
}
