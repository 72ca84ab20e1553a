import type { CacheCold } from '../domain/cache.js';
import type { CallMatches, GroupKey, LlmCall } from '../domain/call.js';
import type { LoopAlert } from '../domain/loop.js';
import type { Money } from '../domain/money.js';
import type { CaptureCounts } from '../domain/sources.js';
import type { RunDetail, RunSort, RunSummary } from '../domain/run.js';
import type { Summary } from '../domain/summary.js';
import type { RelayStatus } from '../forward/relay.js';
import { matches, type Series } from '../stats/live-stats.js';
import type { DashboardSource } from './source.js';
import type { RowFilter } from './state.js';

/** Everything one frame shows, read from the source in one go. */
export interface DataQuery {
  windowMs: number;
  groupBy: readonly GroupKey[];
  search: string;
  rowFilter: RowFilter | null;
  points: number;
  logLimit: number;
  /** Also read the window before this one, of the same length (`c`). */
  compare: boolean;
  /** Set while the runs view is open: its order, and the run opened as a tree. */
  runs?: { sort: RunSort; limit: number; traceId: string | null };
}

export interface Snapshot {
  /** The source version this was read at. */
  version: number;
  /** The source clock when read. */
  readAt: number;
  /** The source clock when the summary was read: an idle re-read may keep an older one. */
  summaryAt: number;
  summary: Summary;
  series: Series;
  /** Newest first, filtered by search and row filter. */
  recent: LlmCall[];
  /** Whether the source has any call at all, whatever the filters. */
  anyCalls: boolean;
  /** The --forward relay, when there is one. */
  relay: RelayStatus | null;
  /** Burn rate and budget, when the source counts money. */
  money: Money | null;
  /** The window's calls by how they came, when the provider proxy is on. */
  capture: CaptureCounts | null;
  /** The previous window's summary when comparing, else null. */
  previous: Summary | null;
  /** The window's runs, when the query asks for them. */
  runs: RunSummary[];
  run: RunDetail | null;
  /** With a search typed: the stored calls whose text matches it (a page), how many in all, and when read. */
  found: (CallMatches & { readAt: number }) | null;
  /** Loops and retry storms with a call in the window, newest first. */
  loops: LoopAlert[];
  /** The log's calls whose prompt cache went cold, by id. */
  cold: ReadonlyMap<string, CacheCold>;
}

/** How often a search over the store is run again while calls arrive: counting a common word over a million calls is not free. */
export const SEARCH_REFRESH_MS = 1000;

/**
 * Everything one frame shows. Given the previous read and nothing applied since (same version),
 * only time has moved on: the chart, the money line, the window before (`c`) and the runs
 * still move with it, but the log does not, and the window's summary, most of a read's cost
 * (tens of ms for 100,000 calls), changes only as calls leave the window or, stamped ahead of
 * the clock, enter it. The chart counts the same calls: while its count is the summary's, the
 * summary is kept, yet never longer than SUMMARY_MAX_AGE_MS in case one left as another came.
 */
export function readSnapshot(source: DashboardSource, q: DataQuery, prev?: Snapshot): Snapshot {
  const version = source.version;
  const readAt = source.now;
  const idle = prev !== undefined && prev.version === version;
  const search = q.search || undefined;
  const series = source.series(q.windowMs, q.points, { search });
  const keep = idle && readAt - prev.summaryAt < SUMMARY_MAX_AGE_MS && sum(series.requests) === prev.summary.totals.requests;
  const summary = keep ? prev.summary : source.summary({ windowMs: q.windowMs, groupBy: q.groupBy, filter: {} }, search);
  const previous = q.compare ? source.summary({ windowMs: q.windowMs, offsetMs: q.windowMs, groupBy: q.groupBy, filter: {} }, search) : null;
  const found = search === undefined || !source.search ? null : idle || (prev?.found && readAt - prev.found.readAt < SEARCH_REFRESH_MS) ? prev!.found : { ...source.search(search, q.logLimit), readAt };
  const byName = () => source.recent(q.logLimit, { search, keys: q.rowFilter ?? undefined });
  // The log: calls whose names match, and the stored calls whose text does, newest first.
  const recent = idle ? prev.recent : found ? mergeNewest(byName(), found.calls.filter((c) => matches(c, { keys: q.rowFilter ?? undefined })), q.logLimit) : byName();
  const filtered = Boolean(search || q.rowFilter);
  const anyCalls = keep ? prev.anyCalls : summary.totals.requests > 0 || recent.length > 0 || (filtered && source.recent(1).length > 0);
  const runs = q.runs ? (source.runs?.({ windowMs: q.windowMs, limit: q.runs.limit, sort: q.runs.sort }) ?? []) : [];
  const run = q.runs?.traceId ? (source.run?.(q.runs.traceId) ?? null) : null;
  return {
    version,
    readAt,
    summaryAt: keep ? prev.summaryAt : readAt,
    summary,
    series,
    recent,
    anyCalls,
    relay: source.relay?.() ?? null,
    money: source.money?.(q.windowMs) ?? null,
    capture: source.capture?.(q.windowMs) ?? null,
    previous,
    runs,
    run,
    found,
    loops: source.loops?.(readAt - q.windowMs) ?? [],
    cold: idle ? prev.cold : coldOf(source, recent),
  };
}

const NO_MARKS: ReadonlyMap<string, CacheCold> = new Map();

function coldOf(source: DashboardSource, calls: readonly LlmCall[]): ReadonlyMap<string, CacheCold> {
  if (!source.cacheCold) return NO_MARKS;
  const out = new Map<string, CacheCold>();
  for (const c of calls) {
    const mark = c.sessionId === null ? undefined : source.cacheCold(c.id);
    if (mark) out.set(c.id, mark);
  }
  return out.size === 0 ? NO_MARKS : out;
}

/** Two lists of calls, newest first, as one without the calls they share. */
function mergeNewest(a: readonly LlmCall[], b: readonly LlmCall[], limit: number): LlmCall[] {
  const seen = new Set(a.map((c) => c.id));
  return [...a, ...b.filter((c) => !seen.has(c.id))].sort((x, y) => y.timeMs - x.timeMs).slice(0, limit);
}

/** The longest an idle dashboard keeps a summary whose call count still matches the chart's. */
export const SUMMARY_MAX_AGE_MS = 60_000;

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

export function queryKey(q: DataQuery): string {
  return JSON.stringify(q);
}

/**
 * How long an idle dashboard waits before re-reading only because time moved on (calls leave the
 * window, the chart shifts): one chart bucket, at least a second, at most a minute. Reading a
 * window of 100,000 calls takes tens of milliseconds, too much to repeat every second for nothing.
 */
export function idleRefreshMs(windowMs: number, points: number): number {
  return Math.min(60_000, Math.max(1000, windowMs / Math.max(1, points)));
}

/** Whether two reads would draw the same frame (the log's calls compared by identity). */
export function sameContent(a: Snapshot, b: Snapshot): boolean {
  return (
    a.anyCalls === b.anyCalls &&
    a.relay?.state === b.relay?.state &&
    a.relay?.queued === b.relay?.queued &&
    a.relay?.dropped === b.relay?.dropped &&
    a.recent.length === b.recent.length &&
    // Calls read from the store are new objects on every read: the same when they say the same.
    a.recent.every((c, i) => c === b.recent[i] || JSON.stringify(c) === JSON.stringify(b.recent[i])) &&
    a.found?.matched === b.found?.matched &&
    JSON.stringify(a.loops) === JSON.stringify(b.loops) &&
    JSON.stringify([...a.cold]) === JSON.stringify([...b.cold]) &&
    sameNumbers(a.series.requests, b.series.requests) &&
    sameNumbers(a.series.tokens, b.series.tokens) &&
    sameNumbers(a.series.costUsd, b.series.costUsd) &&
    (a.summary === b.summary || JSON.stringify(a.summary) === JSON.stringify(b.summary)) &&
    JSON.stringify(a.money) === JSON.stringify(b.money) &&
    a.capture?.proxy === b.capture?.proxy &&
    a.capture?.otlp === b.capture?.otlp &&
    JSON.stringify(a.previous) === JSON.stringify(b.previous) &&
    JSON.stringify(a.runs) === JSON.stringify(b.runs) &&
    JSON.stringify(a.run) === JSON.stringify(b.run)
  );
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
