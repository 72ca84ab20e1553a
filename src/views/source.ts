import type { CacheCold } from '../domain/cache.js';
import type { CallMatches, LlmCall } from '../domain/call.js';
import type { SessionDetail, SessionQuery, SessionSummary } from '../domain/session.js';
import type { LoopAlert } from '../domain/loop.js';
import type { RunDetail, RunQuery, RunSummary } from '../domain/run.js';
import type { Summary, SummaryQuery } from '../domain/summary.js';
import type { RelayStatus } from '../forward/relay.js';
import type { Money } from '../domain/money.js';
import type { ErrorRow } from '../stats/errors.js';
import type { CaptureCounts, SourcesReport } from '../domain/sources.js';
import type { CallFilter, Distribution, Series } from '../stats/live-stats.js';

/**
 * What the views read: the part of LiveStats they use, so any source with these members (a
 * LiveStats, or a stand-in in a benchmark) can drive the dashboard. Views never touch SQLite.
 */
export interface DashboardSource {
  /** Bumped on every applied change: unchanged means nothing to redraw. */
  readonly version: number;
  /** The source's clock, milliseconds since the epoch. */
  readonly now: number;
  summary(q: SummaryQuery, search?: string): Summary;
  series(windowMs: number, points: number, filter?: CallFilter): Series;
  recent(limit: number, filter?: CallFilter): LlmCall[];
  call(id: string): LlmCall | undefined;
  /**
   * Durations and TTFTs of the window's calls that pass the filter, sorted: the `d` view. Optional
   * so that a stand-in source without it still drives the dashboard (the view says so).
   */
  distribution?(windowMs: number, filter?: CallFilter): Distribution;
  /** The window's errors, truncations and near-context calls per model and class: the `e` view. Optional like distribution. */
  errors?(windowMs: number, filter?: CallFilter): ErrorRow[];
  /** The --forward relay's state, when llmtop relays to an upstream collector. */
  relay?(): RelayStatus | null;
  /** Burn rate over the window (unfiltered: money is counted whole) and the --budget's state. */
  money?(windowMs: number): Money | null;
  /** Calls grouped by trace (the `r` view); optional like distribution. */
  runs?(q: RunQuery): RunSummary[];
  run?(traceId: string): RunDetail | undefined;
  /** Senders and what their telemetry lacks: the `o` view. */
  sources?(): SourcesReport;
  /**
   * The stored calls whose prompt, response or error hold every word typed (as prefixes), newest
   * stored first, over the whole store; and how many match. Optional like distribution.
   */
  search?(words: string, limit: number): CallMatches;
  /** Conversations with a call in the window (the `S` view), and one with its turns; optional like distribution. */
  sessions?(q: SessionQuery): SessionSummary[];
  /** Loops and retry storms flagged with a call since `sinceMs`, newest first. */
  loops?(sinceMs: number): LoopAlert[];
  session?(id: string): SessionDetail | undefined;
  /** A session's call whose prompt cache went cold, and why; optional like distribution. */
  cacheCold?(callId: string): CacheCold | undefined;
  /** The window's calls by how they came (proxy, OTLP), when the provider proxy is on. */
  capture?(windowMs: number): CaptureCounts | null;
}
