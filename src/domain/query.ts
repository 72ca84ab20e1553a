/** A validated POST /api/v1/query, in the shape of the LLM gateway metrics query API (seed 003). */
export const QUERY_NUMBER_COLUMNS = [
  'durationMs',
  'ttftMs',
  'inputTokens',
  'outputTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'reasoningTokens',
  'costUsd',
] as const;
export const QUERY_TEXT_COLUMNS = [
  'provider',
  'model',
  'service',
  'environment',
  'operation',
  'user',
  'status',
  'costSource',
  'source',
  'error',
  'errorType',
  'finishReason',
  'traceId',
] as const;
export const AGGREGATION_TYPES = ['count', 'sum', 'avg', 'min', 'max', 'p50', 'p90', 'p95', 'p99'] as const;
export const FILTER_OPERATORS = ['EQUAL', 'NOT_EQUAL', 'IN', 'NOT_IN', 'IS_NULL'] as const;

export type NumberColumn = (typeof QUERY_NUMBER_COLUMNS)[number];
export type TextColumn = (typeof QUERY_TEXT_COLUMNS)[number];
export type AggregationType = (typeof AGGREGATION_TYPES)[number];

export interface Aggregation {
  type: AggregationType;
  /** Absent for count. */
  column: NumberColumn | null;
  /** The row field: `count` or `<type>_<column>`. */
  name: string;
}

export type Filter =
  | { field: TextColumn | NumberColumn; operator: 'EQUAL' | 'NOT_EQUAL'; value: string | number }
  | { field: TextColumn | NumberColumn; operator: 'IN' | 'NOT_IN'; value: (string | number)[] }
  | { field: TextColumn | NumberColumn; operator: 'IS_NULL'; value: boolean };

export interface QuerySpec {
  startMs: number;
  endMs: number;
  type: 'timeseries' | 'aggregate';
  /** Bucket width for a timeseries. */
  intervalMs: number | null;
  aggregations: Aggregation[];
  groupBy: TextColumn[];
  filters: Filter[];
}

export type QueryRow = Record<string, string | number | null>;

/** Percentiles of a query are exact: the q-quantile, interpolating between the closest ranks; null when there are none. */
export function quantile(values: readonly number[], q: number): number | null {
  return quantileSorted(Float64Array.from(values).sort(), q);
}

/** Linear interpolation between the closest ranks of values sorted ascending. */
export function quantileSorted(sorted: Float64Array, q: number): number | null {
  if (sorted.length === 0) return null;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** The answer's order: by timestamp, then by group. */
export function sortRows(rows: QueryRow[], groupBy: readonly string[]): void {
  const order = ['timestamp', ...groupBy];
  rows.sort((a, b) => {
    for (const k of order) {
      const x = String(a[k] ?? '');
      const y = String(b[k] ?? '');
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
}
