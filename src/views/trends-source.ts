import type { GroupKey } from '../domain/call.js';

/** One group's usage in one bucket (an hour, or a local day). */
export interface TrendRow {
  /** Start of the bucket, milliseconds since the epoch: one of `TrendSeries.starts`. */
  startMs: number;
  /** The group's keys, as grouped by; '' for a missing one. */
  key: Partial<Record<GroupKey, string>>;
  requests: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
}

export interface TrendSeries {
  /** Bucket starts, oldest first: 24 hours, or 7 days. Buckets without calls have no rows. */
  starts: number[];
  rows: TrendRow[];
  /** When the rows were read, milliseconds since the epoch. */
  readAt: number;
}

/**
 * Usage beyond the live window, read from the store (the views never query SQLite themselves):
 * the `t` view. Implementations answer from a cache refreshed at most once a minute.
 */
export interface TrendsSource {
  /** Per hour over the last 24 hours, the current hour last. */
  hourly(groupBy: readonly GroupKey[]): TrendSeries;
  /** Per local day over the last 7 days, today last. */
  daily(groupBy: readonly GroupKey[]): TrendSeries;
}
