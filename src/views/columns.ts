import { GROUP_KEYS, type GroupKey } from '../domain/call.js';
import type { Aggregate, Group } from '../domain/summary.js';
import {
  cacheShare,
  errorShare,
  formatCost,
  formatCount,
  formatDuration,
  formatPercent,
  formatRate,
  formatTokens,
} from './format.js';
import { sanitizeLine } from './sanitize.js';
import type { Thresholds } from './thresholds.js';

/** The columns `s` cycles through, in table order; all sort descending. */
export const SORT_KEYS = ['requests', 'p50', 'p95', 'ttft', 'tokens', 'cache', 'cost', 'errors'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export const SORT_LABELS: Record<SortKey, string> = {
  requests: 'requests',
  p50: 'P50',
  p95: 'P95',
  ttft: 'P95 TTFT',
  tokens: 'tokens',
  cache: 'cache hit',
  cost: 'cost',
  errors: 'error %',
};

const SORT_VALUE: Record<SortKey, (a: Aggregate) => number> = {
  requests: (a) => a.requests,
  p50: (a) => a.p50LatencyMs ?? -1,
  p95: (a) => a.p95LatencyMs ?? -1,
  ttft: (a) => a.p95TtftMs ?? -1,
  tokens: (a) => a.inputTokens + a.outputTokens,
  cache: (a) => cacheShare(a) ?? -1,
  cost: (a) => a.costUsd,
  errors: (a) => errorShare(a) ?? -1,
};

export interface Column {
  title: string;
  width: number;
  value: (a: Aggregate) => string;
  /** How the TUI colours the cell. */
  tone?: 'cost' | 'errors' | 'saved';
  /** Past a threshold: the TUI shows the cell in red. */
  over?: (a: Aggregate, t: Thresholds) => boolean;
}

const estimated = (a: Aggregate) => a.estimatedCostUsd > 0;

const reqs: Column = { title: 'REQS', width: 5, value: (a) => formatCount(a.requests) };
const rps: Column = { title: 'REQ/S', width: 5, value: (a) => formatRate(a.requestsPerSecond) };
const cache: Column = { title: 'CACHE', width: 5, value: (a) => formatPercent(cacheShare(a)) };
const cost: Column = { title: 'COST', width: 9, value: (a) => formatCost(a.costUsd, estimated(a)), tone: 'cost' };
const errs: Column = { title: 'ERR%', width: 5, value: (a) => formatPercent(errorShare(a)), tone: 'errors' };
const slowP95 = (a: Aggregate, t: Thresholds) => a.p95LatencyMs !== null && a.p95LatencyMs > t.durationMs;
const saved: Column = { title: 'SAVED', width: 9, value: (a) => formatCost(a.cacheSavingsUsd), tone: 'saved' };

/** 80 columns: tokens as one total, short titles. */
const NARROW: readonly Column[] = [
  reqs,
  rps,
  { title: 'P50', width: 5, value: (a) => formatDuration(a.p50LatencyMs) },
  { title: 'P95', width: 5, value: (a) => formatDuration(a.p95LatencyMs), over: slowP95 },
  { title: 'TTFT', width: 5, value: (a) => formatDuration(a.p95TtftMs) },
  { title: 'TOKENS', width: 6, value: (a) => formatTokens(a.inputTokens + a.outputTokens) },
  cache,
  cost,
  errs,
];

/** Wide terminals and the snapshot: input and output tokens apart, full titles. */
const WIDE: readonly Column[] = [
  { ...reqs, width: 6 },
  { ...rps, width: 6 },
  { title: 'P50', width: 6, value: (a) => formatDuration(a.p50LatencyMs) },
  { title: 'P95', width: 6, value: (a) => formatDuration(a.p95LatencyMs), over: slowP95 },
  { title: 'P95 TTFT', width: 8, value: (a) => formatDuration(a.p95TtftMs) },
  { title: 'IN', width: 6, value: (a) => formatTokens(a.inputTokens) },
  { title: 'OUT', width: 6, value: (a) => formatTokens(a.outputTokens) },
  cache,
  cost,
  saved,
  errs,
];

export function tableColumns(wide: boolean): readonly Column[] {
  return wide ? WIDE : NARROW;
}

/** Columns of numbers plus one space before each. */
export function numericWidth(columns: readonly Column[]): number {
  return columns.reduce((sum, c) => sum + c.width + 1, 0);
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
