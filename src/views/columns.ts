import { GROUP_KEYS, type GroupKey } from '../domain/call.js';
import { WIDE_COLUMNS } from './layout.js';
import type { Aggregate, Group } from '../domain/summary.js';
import {
  CONTEXT_WARN_PERCENT,
  cacheShare,
  errorShare,
  formatCost,
  formatContext,
  formatCount,
  formatDuration,
  formatPercent,
  formatRate,
  formatSpeed,
  formatSumCost,
  formatTokens,
} from './format.js';
import type { BadWay } from './compare.js';
import { sanitizeLine } from './sanitize.js';
import type { Thresholds } from './thresholds.js';

/** The columns `s` cycles through, in table order; all sort descending. */
export const SORT_KEYS = ['requests', 'p50', 'p95', 'ttft', 'tokens', 'cache', 'cost', 'errors', 'speed', 'context'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export const SORT_LABELS: Record<SortKey, string> = {
  requests: 'requests',
  p50: 'P50',
  p95: 'P95',
  ttft: 'P95 TTFT',
  speed: 'tok/s',
  tokens: 'tokens',
  cache: 'cache hit',
  cost: 'cost',
  errors: 'error %',
  context: 'P95 context',
};

const SORT_VALUE: Record<SortKey, (a: Aggregate) => number> = {
  requests: (a) => a.requests,
  p50: (a) => a.p50LatencyMs ?? -1,
  p95: (a) => a.p95LatencyMs ?? -1,
  ttft: (a) => a.p95TtftMs ?? -1,
  speed: (a) => a.p50OutputTokensPerSecond ?? -1,
  tokens: (a) => a.inputTokens + a.outputTokens,
  cache: (a) => cacheShare(a) ?? -1,
  cost: (a) => a.costUsd,
  errors: (a) => errorShare(a) ?? -1,
  context: (a) => a.p95ContextPercent ?? -1,
};

export interface Column {
  title: string;
  width: number;
  value: (a: Aggregate) => string;
  /** How the TUI colours the cell. */
  tone?: 'cost' | 'errors' | 'saved';
  /** Past a threshold: the TUI shows the cell in red. */
  over?: (a: Aggregate, t: Thresholds) => boolean;
  /** The number compared with the previous window (`c`), and which way is bad. */
  compare: { value: (a: Aggregate) => number | null; bad: BadWay };
}

const reqs: Column = { title: 'REQS', width: 5, value: (a) => formatCount(a.requests), compare: { value: (a) => a.requests, bad: null } };
const rps: Column = { title: 'REQ/S', width: 5, value: (a) => formatRate(a.requestsPerSecond), compare: { value: (a) => a.requestsPerSecond, bad: null } };
const cache: Column = { title: 'CACHE', width: 5, value: (a) => formatPercent(cacheShare(a)), compare: { value: cacheShare, bad: 'down' } };
const cost: Column = { title: 'COST', width: 9, value: formatSumCost, tone: 'cost', compare: { value: (a) => a.costUsd, bad: 'up' } };
const errs: Column = { title: 'ERR%', width: 5, value: (a) => formatPercent(errorShare(a)), tone: 'errors', compare: { value: errorShare, bad: 'up' } };
const slowP95 = (a: Aggregate, t: Thresholds) => a.p95LatencyMs !== null && a.p95LatencyMs > t.durationMs;
const saved: Column = { title: 'SAVED', width: 9, value: (a) => formatCost(a.cacheSavingsUsd), tone: 'saved', compare: { value: (a) => a.cacheSavingsUsd, bad: 'down' } };
const p50: Column = { title: 'P50', width: 5, value: (a) => formatDuration(a.p50LatencyMs), compare: { value: (a) => a.p50LatencyMs, bad: 'up' } };
const p95: Column = { title: 'P95', width: 5, value: (a) => formatDuration(a.p95LatencyMs), over: slowP95, compare: { value: (a) => a.p95LatencyMs, bad: 'up' } };
const ttft: Column = { title: 'TTFT', width: 5, value: (a) => formatDuration(a.p95TtftMs), compare: { value: (a) => a.p95TtftMs, bad: 'up' } };
/** P50 output tokens per second net of TTFT: how fast the model writes once it has started. */
const speed: Column = { title: 'TOK/S', width: 5, value: (a) => formatSpeed(a.p50OutputTokensPerSecond), compare: { value: (a) => a.p50OutputTokensPerSecond, bad: 'down' } };
const tokens: Column = { title: 'TOKENS', width: 6, value: (a) => formatTokens(a.inputTokens + a.outputTokens), compare: { value: (a) => a.inputTokens + a.outputTokens, bad: null } };

/** P95 of how full the context window was: red from CONTEXT_WARN_PERCENT, when the model is near the end of it. */
const context: Column = {
  title: 'CTX95',
  width: 5,
  value: (a) => formatContext(a.p95ContextPercent),
  over: (a) => a.p95ContextPercent !== null && a.p95ContextPercent >= CONTEXT_WARN_PERCENT,
  compare: { value: (a) => a.p95ContextPercent, bad: 'up' },
};

/** 80 columns: tokens as one total, short titles. */
const NARROW: readonly Column[] = [reqs, rps, p50, p95, ttft, tokens, cache, cost, errs];

/** From 100 columns, speed beside latency and context use; at 80 model names would be cut to 13 characters. */
const MEDIUM: readonly Column[] = [reqs, rps, p50, p95, ttft, speed, tokens, context, cache, cost, errs];

/** Wide terminals and the snapshot: input and output tokens apart, full titles. */
const WIDE: readonly Column[] = [
  { ...reqs, width: 6 },
  { ...rps, width: 6 },
  { ...p50, width: 6 },
  { ...p95, width: 6 },
  { ...ttft, title: 'P95 TTFT', width: 8 },
  { ...speed, width: 6 },
  { title: 'IN', width: 6, value: (a) => formatTokens(a.inputTokens), compare: { value: (a) => a.inputTokens, bad: null } },
  { title: 'OUT', width: 6, value: (a) => formatTokens(a.outputTokens), compare: { value: (a) => a.outputTokens, bad: null } },
  { ...context, width: 6 },
  cache,
  cost,
  saved,
  errs,
];

/**
 * Comparing (`c`) puts a change beside each number, so fewer numbers fit: the ones a regression
 * shows in first (latency, cost, errors), then speed and the rest as the terminal widens.
 */
const COMPARE_NARROW: readonly Column[] = [reqs, p95, cost, errs];
const COMPARE_MEDIUM: readonly Column[] = [reqs, p95, speed, cost, errs];
const COMPARE_WIDE: readonly Column[] = [reqs, p50, p95, ttft, speed, tokens, cache, cost, errs];

/** Width of the change beside a compared number, and the space before it. */
export const CHANGE_WIDTH = 5;

const MEDIUM_COLUMNS = 100;
const COMPARE_WIDE_COLUMNS = 130;

/** The table's columns at a terminal width (Infinity: the snapshot), plain or compared. */
export function tableColumns(width: number, compare = false): readonly Column[] {
  if (compare) return width >= COMPARE_WIDE_COLUMNS ? COMPARE_WIDE : width >= MEDIUM_COLUMNS ? COMPARE_MEDIUM : COMPARE_NARROW;
  return width >= WIDE_COLUMNS ? WIDE : width >= MEDIUM_COLUMNS ? MEDIUM : NARROW;
}

/** Columns of numbers plus one space before each, and the changes when compared. */
export function numericWidth(columns: readonly Column[], compare = false): number {
  return columns.reduce((sum, c) => sum + c.width + 1 + (compare ? CHANGE_WIDTH + 1 : 0), 0);
}

/** Groups sorted by a column, descending, ties by label so rows do not jump around. */
export function sortGroups(groups: readonly Group[], sort: SortKey, groupBy: readonly GroupKey[]): Group[] {
  const value = SORT_VALUE[sort];
  return [...groups].sort((a, b) => value(b) - value(a) || rawLabel(a, groupBy).localeCompare(rawLabel(b, groupBy)));
}

/** A stable id for a group row: its raw key values. */
export function groupId(g: Partial<Record<GroupKey, string>>, groupBy: readonly GroupKey[]): string {
  return groupBy.map((k) => g[k] ?? '').join('\u0000');
}

function rawLabel(g: Partial<Record<GroupKey, string>>, groupBy: readonly GroupKey[]): string {
  return groupBy.map((k) => g[k] ?? '').join('/');
}

/** The displayed name of a group row: safe text, `(none)` for a missing key. */
export function groupLabel(g: Partial<Record<GroupKey, string>>, groupBy: readonly GroupKey[]): string {
  return groupBy.map((k) => sanitizeLine(g[k] || '(none)')).join('/');
}

/** The keys a summary was grouped by, read from its rows. */
export function groupKeysOf(groups: readonly Group[]): GroupKey[] {
  const first = groups[0];
  return first ? GROUP_KEYS.filter((k) => typeof first[k] === 'string') : [];
}
