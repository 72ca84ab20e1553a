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
