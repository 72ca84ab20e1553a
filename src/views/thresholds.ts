/** Values past these are shown in red (seed 001's defaults): per call, and the table's P95. */
export interface Thresholds {
  /** A call, or a row's P95, slower than this. */
  durationMs: number;
  /** A call with more input plus output tokens than this. */
  tokens: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { durationMs: 10_000, tokens: 1000 };
