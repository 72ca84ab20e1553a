import type { CallStatus } from './call.js';

/**
 * What llmtop keeps of every span, LLM call or not: enough to draw a run's tree of agent, tool
 * and chain spans around its calls.
 */
export interface SpanSkeleton {
  traceId: string;
  spanId: string;
  /** Empty for a root. */
  parentSpanId: string;
  name: string;
  service: string;
  startMs: number;
  endMs: number;
}

/** The part of an LlmCall a run shows; its text is read from the calls when opened. */
export interface RunCall {
  id: string;
  spanId: string;
  timeMs: number;
  durationMs: number;
  service: string;
  provider: string;
  model: string;
  operation: string;
  inputTokens: number;
  outputTokens: number;
  /** Null when no price is known. */
  costUsd: number | null;
  status: CallStatus;
  /** How full the model's context window was, percent; null when the window is unknown. */
  contextPercent: number | null;
}

/** A trace seen as one unit of work: an agent turn, a request to the app, a chain. */
export interface RunSummary {
  traceId: string;
  /** The root span's name, or "<service> · <operation> <model>" of the first call while the root is missing. */
  name: string;
  service: string;
  /** Whether the root span has arrived. */
  rooted: boolean;
  startMs: number;
  /** First start to last end, over spans and calls. */
  wallMs: number;
  calls: number;
  errors: number;
  /** Distinct models, in order of first use. */
  models: string[];
  inputTokens: number;
  outputTokens: number;
  /** The calls with a known cost: a floor when unpricedCalls > 0. */
  costUsd: number;
  unpricedCalls: number;
  /** Share of the wall time with at least one LLM call in flight, 0 to 1. */
  modelShare: number;
  /** The fullest context window of its calls, percent; null when no call's window is known. */
  peakContextPercent: number | null;
}

/** One span of a run's tree, with the LLM call it is, if any. */
export interface RunNode {
  span: SpanSkeleton;
  call: RunCall | null;
  children: RunNode[];
}

export interface RunDetail extends RunSummary {
  /** The root first, then spans whose parent never arrived, each with its descendants. */
  tree: RunNode[];
}

export const RUN_SORTS = ['cost', 'calls', 'duration', 'time'] as const;
export type RunSort = (typeof RUN_SORTS)[number];

export interface RunQuery {
  /** Runs with activity in the last windowMs. */
  windowMs: number;
  limit: number;
  sort: RunSort;
}
