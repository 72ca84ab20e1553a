import type { GroupKey } from './call.js';

export interface Aggregate {
  requests: number;
  errors: number;
  requestsPerSecond: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** The calls with a known cost; a floor when unpricedCalls > 0. */
  costUsd: number;
  /** The part of costUsd estimated from prices rather than reported by the SDK. */
  estimatedCostUsd: number;
  /** Calls whose cost is unknown (no price for their model): left out of costUsd. */
  unpricedCalls: number;
  /** What prompt caching saved: cache-read tokens at the input price less at the cache-read price. */
  cacheSavingsUsd: number;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  p95TtftMs: number | null;
  /** Output tokens per second net of TTFT, over the calls that produced output. */
  p50OutputTokensPerSecond: number | null;
  p95OutputTokensPerSecond: number | null;
  /** How full the models' context windows were, percent; null when no call's window is known. */
  p95ContextPercent: number | null;
}

export type Group = Aggregate & Partial<Record<GroupKey, string>>;

export interface Summary {
  window: string;
  windowSeconds: number;
  totals: Aggregate;
  groups: Group[];
}

export interface SummaryQuery {
  windowMs: number;
  /** The window ends this long before now: `windowMs` for the window before the current one. */
  offsetMs?: number;
  groupBy: readonly GroupKey[];
  filter: Partial<Record<GroupKey, string>>;
}
