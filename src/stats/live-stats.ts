import { LATEST_START_MS, type GroupKey, type LlmCall, type StoredCall } from '../domain/call.js';
import type { QueryRow, QuerySpec } from '../domain/query.js';
import type { Summary, SummaryQuery } from '../domain/summary.js';
import type { Committed } from '../domain/changes.js';
import { aggregate } from './aggregate.js';
import { CellTable, type Cell } from './cells.js';
import { classify, errorRows, type ErrorRow, type Problem, type ProblemKind, type ProblemSeen } from './errors.js';
import { answerable, memoryQuery } from './query.js';
import { hashId } from './id-hash.js';
import { RecentCalls } from './recent.js';
import { Timeline, type EachRow, type TimelineCursor, type TimelineRow } from './timeline.js';
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

/** Durations and TTFTs of the calls of a window, sorted ascending: what a histogram is drawn from. */
export interface Distribution {
  durationsMs: number[];
  /** Only calls with a TTFT (streamed). */
  ttftsMs: number[];
}

export interface LiveStatsOptions {
  /** How far back the windows reach: calls older than this are forgotten. */
  horizonMs: number;
  /** How many recent calls keep their prompt and response in memory for the log. */
  recentCapacity: number;
  /** Characters of prompt and response those calls hold at most (no limit without it). */
  recentTextChars?: number;
  now: () => number;
  /**
   * What prompt caching saves on a model per cache-read token against its input price, USD (see
   * `savingsFrom` in ./savings.ts for the prices' answer). Without it, savings are 0.
   */
  savings?: (provider: string, model: string) => number;
  /** The model's context window in tokens, from the prices; null when unknown. */
  contextWindow?: (provider: string, model: string) => number | null;
}

/**
 * Windowed statistics answered from memory, so that neither the API nor the TUI reads SQLite
 * per request. Fed with the same changes the store commits; `version` counts them, so a view
 * can skip a redraw when nothing changed.
 */
export class LiveStats {
  private readonly timeline: Timeline;
  private readonly cells = new CellTable();
  /** The prices' answer for each cell's model, asked once. */
  private readonly contextWindows = new Map<Cell, number | null>();
  private readonly recentCalls: RecentCalls;
  /** Kinds of problem met lately, to share (a bounded cache: messages that name a request id never repeat). */
  private readonly problemKinds = new Map<string, ProblemKind>();
  private changes = 0;

  constructor(private readonly opts: LiveStatsOptions) {
    this.recentCalls = new RecentCalls(opts.recentCapacity, opts.recentTextChars);
    this.timeline = new Timeline(
      (cell) => {
        const usd = opts.savings?.(cell.provider, cell.model) ?? 0;
        return Number.isFinite(usd) && usd > 0 ? usd : 0;
      },
      (cell) => this.contextWindowOf(cell),
    );
  }

  get version(): number {
    return this.changes;
  }

  get now(): number {
    return this.opts.now();
  }

  /** Takes what the store committed: it says where each call it deleted or replaced was. */
  apply(changes: Committed): void {
    for (const r of changes.deleted) {
      this.timeline.remove(r.timeMs, hashId(r.id));
      this.recentCalls.delete(r.id);
    }
    for (const r of changes.replaced) this.timeline.remove(r.timeMs, hashId(r.id));
    for (const call of changes.upserted) {
      this.timeline.insert(this.toRow(call, this.cells.intern(call)));
      this.recentCalls.put(call);
    }
    this.forgetOld();
    if (changes.upserted.length + changes.deleted.length > 0) this.changes++;
  }

  /**
   * The calls read back from the store at start (`each` hands them to its visitor, which keeps
   * nothing of the object): counted, but not kept for the log (see `remember`).
   */
  load(each: (visit: (c: Readonly<StoredCall>) => void) => void): void {
    each((c) => this.timeline.insert(this.toRow(c, this.cells.internJson(c.groupKeys)), false));
    this.forgetOld();
    this.changes++;
  }

  /** Calls already counted, again with their text: the log's newest calls read back at start. */
  remember(calls: readonly LlmCall[]): void {
    for (const call of calls) this.recentCalls.put(call);
    this.changes++;
  }

  summary(q: SummaryQuery, search?: string): Summary {
    const windowSeconds = q.windowMs / 1000;
    const include = cellFilter({ keys: q.filter, search });
    const { totals, groups } = aggregate(this.inWindow(q.windowMs, q.offsetMs ?? 0), q.groupBy, windowSeconds, include);
    return { window: formatWindow(q.windowMs), windowSeconds, totals, groups };
  }

  series(windowMs: number, points: number, filter: CallFilter = {}): Series {
    const bucketMs = windowMs / points;
    const start = this.opts.now() - windowMs;
    const include = cachedFilter(filter);
    const s: Series = {
      bucketMs,
      requests: new Array<number>(points).fill(0),
      tokens: new Array<number>(points).fill(0),
      costUsd: new Array<number>(points).fill(0),
      errors: new Array<number>(points).fill(0),
    };
    this.inWindow(windowMs)((r) => {
      if (!include(r.cell)) return;
      const i = Math.min(points - 1, Math.floor((r.timeMs - start) / bucketMs));
      s.requests[i]!++;
      s.tokens[i]! += r.inputTokens + r.outputTokens;
      s.costUsd[i]! += r.costUsd ?? 0;
      if (r.status === 'error') s.errors[i]!++;
    });
    return s;
  }

  /** Every duration and TTFT in the window that passes the filter, each list sorted ascending. */
  distribution(windowMs: number, filter: CallFilter = {}): Distribution {
    const include = cachedFilter(filter);
    const durationsMs: number[] = [];
    const ttftsMs: number[] = [];
    this.inWindow(windowMs)((r) => {
      if (!include(r.cell)) return;
      durationsMs.push(Math.max(0, r.durationMs));
      if (r.ttftMs !== null) ttftsMs.push(Math.max(0, r.ttftMs));
    });
    const asc = (a: number, b: number) => a - b;
    return { durationsMs: durationsMs.sort(asc), ttftsMs: ttftsMs.sort(asc) };
  }

  /** The window's errors, truncations and near-context calls, per model and class (the `e` view). */
  errors(windowMs: number, filter: CallFilter = {}): ErrorRow[] {
    const include = cachedFilter(filter);
    const seen: ProblemSeen[] = [];
    this.timeline.each(this.opts.now() - windowMs, this.opts.now(), (r) => {
      const p = r.problem;
      if (!p || !include(r.cell)) return;
      const { error, errorType, finishReason, classes, contextWindow } = p.kind;
      const { provider, model } = r.cell;
      seen.push({ call: { id: p.id, timeMs: r.timeMs, provider, model, inputTokens: r.inputTokens, error, errorType, finishReason }, classes, contextWindow });
    });
    return errorRows(seen, (c) => this.timeline.find(c.timeMs, hashId(c.id), callOf)!);
  }

  /** The newest calls with their text, newest first. */
  recent(limit: number, filter: CallFilter = {}): LlmCall[] {
    return this.recentCalls.newest(limit, (c) => matches(c, filter));
  }

  call(id: string): LlmCall | undefined {
    return this.recentCalls.get(id);
  }

  /**
   * A POST /api/v1/query from memory, or null when the range reaches past the horizon or names a
   * field the rows do not keep: the store answers those.
   */
  query(spec: QuerySpec): QueryRow[] | null {
    const end = this.opts.now();
    if (spec.startMs < end - this.opts.horizonMs || !answerable(spec)) return null;
    return memoryQuery((visit) => this.timeline.each(Math.floor(spec.startMs) - 1, Math.max(spec.endMs, end), visit), spec);
  }

  /** USD spent from `startMs` until now, or null when that reaches past the horizon: the store answers those. */
  costSince(startMs: number): number | null {
    const end = this.opts.now();
    if (startMs < end - this.opts.horizonMs) return null;
    let usd = 0;
    this.timeline.each(startMs, end, (r) => (usd += r.costUsd ?? 0));
    return usd;
  }

  private inWindow(windowMs: number, offsetMs = 0): EachRow {
    const end = this.opts.now() - offsetMs;
    return (visit, visitPart) => this.timeline.each(end - windowMs, end, visit, visitPart);
  }

  private toRow(c: CallFigures, cell: Cell): TimelineRow {
    return {
      hash: hashId(c.id),
      // As the store keeps it, so that its removal finds the row.
      timeMs: Math.min(c.timeMs, LATEST_START_MS),
      cell,
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
      problem: this.problemOf(c, cell),
    };
  }

  private contextWindowOf(cell: Cell): number | null {
    let contextWindow = this.contextWindows.get(cell);
    if (contextWindow === undefined) this.contextWindows.set(cell, (contextWindow = this.opts.contextWindow?.(cell.provider, cell.model) ?? null));
    return contextWindow;
  }

  private problemOf(c: CallFigures, cell: Cell): Problem | null {
    const contextWindow = this.contextWindowOf(cell);
    const classes = classify(c, contextWindow);
    if (classes.length === 0) return null;
    // Calls that failed alike share their kind: the same message a thousand times is kept once.
    const key = `${classes.join()}\u0000${c.error}\u0000${c.errorType}\u0000${c.finishReason}\u0000${contextWindow}`;
    let kind = this.problemKinds.get(key);
    if (!kind) {
      if (this.problemKinds.size >= MAX_PROBLEM_KINDS) this.problemKinds.clear();
      this.problemKinds.set(key, (kind = { classes, error: c.error, errorType: c.errorType, finishReason: c.finishReason, contextWindow }));
    }
    return { id: c.id, traceId: c.traceId, spanId: c.spanId, source: c.source, kind };
  }

  private forgetOld(): void {
    this.timeline.dropBefore(this.opts.now() - this.opts.horizonMs);
  }

}

const MAX_PROBLEM_KINDS = 1000;

/** What a row is made of besides its cell: a call as committed, or as read back at start. */
type CallFigures = Omit<StoredCall, 'groupKeys'>;

/** A problem's call put together again from its row: as the store has it, without its text. */
function callOf(r: TimelineCursor): LlmCall {
  const p = r.problem!;
  const { cell } = r;
  return {
    id: p.id,
    timeMs: r.timeMs,
    traceId: p.traceId,
    spanId: p.spanId,
    service: cell.service,
    environment: cell.environment,
    provider: cell.provider,
    model: cell.model,
    operation: cell.operation,
    durationMs: r.durationMs,
    ttftMs: r.ttftMs,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    cacheReadTokens: r.cacheReadTokens,
    cacheWriteTokens: r.cacheWriteTokens,
    reasoningTokens: r.reasoningTokens,
    costUsd: r.costUsd,
    costSource: r.costSource,
    status: r.status,
    error: p.kind.error,
    errorType: p.kind.errorType,
    finishReason: p.kind.finishReason,
    user: cell.user === '' ? null : cell.user,
    prompt: null,
    response: null,
    source: p.source,
    // The timeline keeps neither: the example opened from the errors view is read from the store when it can be.
    sessionId: null,
    contextPercent: null,
  };
}

const SEARCHED: readonly GroupKey[] = ['provider', 'model', 'service', 'environment', 'operation', 'user'];

export function matches(c: Partial<Record<GroupKey, string | null>>, filter: CallFilter): boolean {
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

function cellFilter(filter: CallFilter): (cell: Cell) => boolean {
  return (cell) => matches(cell, filter);
}

/** A filter decided once per cell. */
function cachedFilter(filter: CallFilter): (cell: Cell) => boolean {
  const seen = new Map<Cell, boolean>();
  return (cell) => {
    let ok = seen.get(cell);
    if (ok === undefined) seen.set(cell, (ok = matches(cell, filter)));
    return ok;
  };
}
