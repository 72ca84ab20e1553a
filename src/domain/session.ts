/**
 * A conversation: a chat or a coding agent's session, many traces (turns) long, from
 * gen_ai.conversation.id, session.id or an agent's own conversation id.
 */
export interface SessionSummary {
  id: string;
  service: string;
  startMs: number;
  lastMs: number;
  /** User turns: traces, or for agents that send no trace, prompts in a row. */
  turnCount: number;
  calls: number;
  errors: number;
  /** Distinct models, most used first. */
  models: string[];
  inputTokens: number;
  outputTokens: number;
  /** Of the calls with a known cost: a floor when unpricedCalls > 0. */
  costUsd: number;
  unpricedCalls: number;
  /** The fullest context window of any call, in percent; null when no call's window is known. */
  peakContextPercent: number | null;
  /** Active: a call within the last SESSION_IDLE_MS; else idle. */
  status: 'active' | 'idle';
}

/** One turn of a session: what the user asked, and the calls it took. */
export interface SessionTurn {
  /** The trace of the turn, or null for an agent's turn without one. */
  traceId: string | null;
  startMs: number;
  endMs: number;
  /** The user's prompt, its first line; null when the calls carry none. */
  prompt: string | null;
  calls: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  unpricedCalls: number;
  /** The session's cost up to the end of this turn. */
  cumulativeCostUsd: number;
  /** The fullest context window of the turn's calls, in percent; null when unknown. */
  contextPercent: number | null;
}

export interface SessionDetail extends SessionSummary {
  /** In order, oldest first. */
  turns: SessionTurn[];
}

export const SESSION_SORTS = ['time', 'cost', 'calls', 'context'] as const;
export type SessionSort = (typeof SESSION_SORTS)[number];

export interface SessionQuery {
  /** Sessions with a call in the last windowMs. */
  windowMs: number;
  limit: number;
  sort: SessionSort;
}

/** What a session's turns are worked out from: one of its calls, with its prompt's beginning. */
export interface SessionCall {
  id: string;
  timeMs: number;
  durationMs: number;
  /** '' for a call without a trace (an agent's log event). */
  traceId: string;
  service: string;
  model: string;
  status: 'ok' | 'error';
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  contextPercent: number | null;
  prompt: string | null;
}

/**
 * Which turn a call belongs to: its trace, or for an agent's call without one (a log event), the
 * beginning of its prompt (an agent joins its user prompt to every call it makes for it).
 */
export const TURN_PROMPT_CHARS = 200;

/** A session without a call for this long is idle. */
export const SESSION_IDLE_MS = 5 * 60_000;
