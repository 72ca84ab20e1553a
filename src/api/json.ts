import type { LlmCall } from '../domain/call.js';
import type { RunCall, RunDetail, RunNode, RunSummary } from '../domain/run.js';
import type { SessionDetail, SessionSummary, SessionTurn } from '../domain/session.js';
import type { Summary } from '../domain/summary.js';
import type { PriceAnswer } from '../pricing/index.js';
import { ERROR_CLASS_LABELS, type ErrorClass, type ErrorRow } from '../stats/errors.js';

/*
 * The API's answers as JSON: camelCase, times in ISO form. What the HTTP API sends, what a reader
 * of the db file answers with, and what `--json` prints.
 */

/** A call as the API shows it. */
export type CallJson = { id: string; time: string } & Omit<LlmCall, 'id' | 'timeMs'>;

export function callJson(c: LlmCall): CallJson {
  const { timeMs, id, ...rest } = c;
  return { id, time: new Date(timeMs).toISOString(), ...rest };
}

/** GET /api/v1/calls: newest first; `matched` (all the stored calls that match) only for a search. */
export interface CallsJson {
  calls: CallJson[];
  matched?: number;
}

/** A run: time in ISO form, wall time as durationMs. */
export type RunJson = Omit<RunSummary, 'startMs' | 'wallMs'> & { time: string; durationMs: number };

export function runJson(r: RunSummary): RunJson {
  return {
    traceId: r.traceId,
    name: r.name,
    service: r.service,
    rooted: r.rooted,
    time: new Date(r.startMs).toISOString(),
    durationMs: r.wallMs,
    calls: r.calls,
    errors: r.errors,
    models: r.models,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    costUsd: r.costUsd,
    unpricedCalls: r.unpricedCalls,
    modelShare: r.modelShare,
    peakContextPercent: r.peakContextPercent,
  };
}

export interface RunsJson {
  runs: RunJson[];
}

/** A call in a run's tree: no text (get the call by its id for that). */
export type RunCallJson = { id: string; time: string } & Omit<RunCall, 'id' | 'timeMs'>;

export interface RunNodeJson {
  spanId: string;
  parentSpanId: string;
  name: string;
  service: string;
  time: string;
  durationMs: number;
  call: RunCallJson | null;
  children: RunNodeJson[];
}

/** GET /api/v1/runs/<traceId>: the run and its tree. */
export type RunTreeJson = RunJson & { spans: RunNodeJson[] };

export function runTreeJson(r: RunDetail): RunTreeJson {
  return { ...runJson(r), spans: r.tree.map(nodeJson) };
}

function nodeJson(n: RunNode): RunNodeJson {
  const { span, call } = n;
  return {
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: span.name,
    service: span.service,
    time: new Date(span.startMs).toISOString(),
    durationMs: span.endMs - span.startMs,
    call: call && runCallJson(call),
    children: n.children.map(nodeJson),
  };
}

function runCallJson(c: RunCall): RunCallJson {
  const { timeMs, id, ...rest } = c;
  return { id, time: new Date(timeMs).toISOString(), ...rest };
}

/** A session: its first and last call's times in ISO form. */
export type SessionJson = Omit<SessionSummary, 'startMs' | 'lastMs'> & { start: string; lastActivity: string };

export function sessionJson(s: SessionSummary): SessionJson {
  return {
    id: s.id,
    service: s.service,
    status: s.status,
    start: new Date(s.startMs).toISOString(),
    lastActivity: new Date(s.lastMs).toISOString(),
    turnCount: s.turnCount,
    calls: s.calls,
    errors: s.errors,
    models: s.models,
    inputTokens: s.inputTokens,
    outputTokens: s.outputTokens,
    costUsd: s.costUsd,
    unpricedCalls: s.unpricedCalls,
    peakContextPercent: s.peakContextPercent,
  };
}

/** GET /api/v1/sessions. */
export interface SessionsJson {
  sessions: SessionJson[];
}

export type SessionTurnJson = Omit<SessionTurn, 'startMs' | 'endMs'> & { time: string; durationMs: number };

/** GET /api/v1/sessions/<id>: the session and its turns, oldest first. */
export type SessionDetailJson = SessionJson & { turns: SessionTurnJson[] };

export function sessionDetailJson(s: SessionDetail): SessionDetailJson {
  return { ...sessionJson(s), turns: s.turns.map(({ startMs, endMs, ...t }) => ({ ...t, time: new Date(startMs).toISOString(), durationMs: endMs - startMs })) };
}

/** One row of the errors view: a model and a kind of problem, how often, and its newest call. */
export interface ErrorRowJson {
  provider: string;
  model: string;
  kind: ErrorClass;
  /** The kind in words: "rate limit", "truncated", ... */
  label: string;
  count: number;
  /** What the newest call says went wrong, in one line. */
  message: string;
  latest: CallJson;
}

export function errorRowJson(r: ErrorRow, latest: LlmCall): ErrorRowJson {
  return { provider: r.provider, model: r.model, kind: r.kind, label: ERROR_CLASS_LABELS[r.kind], count: r.count, message: r.message, latest: callJson(latest) };
}

/** GET /api/v1/errors. */
export interface ErrorsJson {
  window: string;
  windowSeconds: number;
  errors: ErrorRowJson[];
}

/** GET /api/v1/prices, and `llmtop prices --json`. */
export interface PricesJson {
  prices: PriceAnswer[];
}

export type SummaryJson = Summary;
