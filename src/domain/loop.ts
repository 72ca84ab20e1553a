/** N near-identical calls within a span of time: an agent repeating itself, or retries of one failure. */
export interface LoopRule {
  count: number;
  windowMs: number;
}

/** The default: 5 in 2 minutes (`--loop 5/2m`). */
export const DEFAULT_LOOP_RULE: LoopRule = { count: 5, windowMs: 120_000 };

/**
 * A loop flagged: the same prompt to the same model again and again (`loop`), or failing calls of
 * one kind in a burst (`retry-storm`, such as 429s being retried).
 */
export interface LoopAlert {
  kind: 'loop' | 'retry-storm';
  /** Stable while the loop goes on. */
  id: string;
  service: string;
  model: string;
  /** A loop: the repeated prompt's first line; a storm: the kind of failure (error type). */
  what: string;
  /** Calls in it so far. */
  count: number;
  /** What they cost so far; a floor when unpricedCalls > 0. */
  costUsd: number;
  unpricedCalls: number;
  firstMs: number;
  lastMs: number;
  /** When it was flagged. */
  flaggedMs: number;
  sessionId: string | null;
}
