import type { CallMatches, LlmCall } from '../domain/call.js';
import type { SessionDetail, SessionQuery, SessionSummary } from '../domain/session.js';
import type { LoopAlert } from '../domain/loop.js';
import type { CacheWatch } from '../stats/cache-watch.js';
import type { LoopWatch } from '../stats/loops.js';
import type { CacheCold } from '../domain/cache.js';
import type { Money, MoneySource } from '../domain/money.js';
import type { RunDetail, RunQuery, RunSummary } from '../domain/run.js';
import type { Summary, SummaryQuery } from '../domain/summary.js';
import type { RelayStatus } from '../forward/relay.js';
import type { ErrorRow } from '../stats/errors.js';
import type { CaptureCounts, SourcesReport } from '../domain/sources.js';
import type { CallFilter, Distribution, LiveStats, Series } from '../stats/live-stats.js';
import type { RunIndex } from '../stats/runs.js';
import type { DashboardSource } from '../views/source.js';

/** The runs, and a call by id from the store once it has left the calls held in memory. */
export interface RunsBehind {
  index: Pick<RunIndex, 'version' | 'runs' | 'run'>;
  call: (id: string) => LlmCall | undefined;
}

/** What the dashboard reads beside the live statistics; each part is optional, and its view says so when absent. */
export interface DashboardParts {
  /** The --forward relay's state. */
  relay?: (() => RelayStatus) | null;
  money?: MoneySource | null;
  runs?: RunsBehind | null;
  sources?: (() => SourcesReport) | null;
  /** Text search over the store (the `/` filter's matches in prompts, responses and errors). */
  search?: ((words: string, limit: number) => CallMatches) | null;
  /** Conversations, read from the store. */
  sessions?: { list: (q: SessionQuery) => SessionSummary[]; get: (id: string) => SessionDetail | undefined } | null;
  /** The loops flagged as calls are stored. */
  loops?: Pick<LoopWatch, 'alerts'> | null;
  /** Sessions' calls whose prompt cache went cold. */
  cache?: Pick<CacheWatch, 'mark'> | null;
  capture?: ((windowMs: number) => CaptureCounts) | null;
}

/** What the TUI reads: the live statistics, and the parts of the running llmtop around them. */
export class LiveDashboard implements DashboardSource {
  private relaySeen = '';
  private relayChanges = 0;
  private readonly relayStatus: (() => RelayStatus) | null;
  private readonly moneySource: MoneySource | null;
  private readonly runsBehind: RunsBehind | null;
  private readonly sourcesReport: (() => SourcesReport) | null;
  /** Only where there is a store to search: a dashboard without one has no text matches to count. */
  readonly search?: (words: string, limit: number) => CallMatches;
  readonly sessions?: (q: SessionQuery) => SessionSummary[];
  readonly session?: (id: string) => SessionDetail | undefined;
  readonly loops?: (sinceMs: number) => LoopAlert[];
  readonly cacheCold?: (callId: string) => CacheCold | undefined;
  private readonly captureCounts: ((windowMs: number) => CaptureCounts) | null;

  constructor(
    private readonly stats: LiveStats,
    parts: DashboardParts = {},
  ) {
    this.relayStatus = parts.relay ?? null;
    this.moneySource = parts.money ?? null;
    this.runsBehind = parts.runs ?? null;
    this.sourcesReport = parts.sources ?? null;
    if (parts.search) this.search = parts.search;
    if (parts.loops) {
      const watch = parts.loops;
      this.loops = (sinceMs) => watch.alerts(sinceMs);
    }
    if (parts.cache) {
      const watch = parts.cache;
      this.cacheCold = (id) => watch.mark(id);
    }
    if (parts.sessions) {
      this.sessions = parts.sessions.list;
      this.session = parts.sessions.get;
    }
    this.captureCounts = parts.capture ?? null;
  }

  /** The statistics' version, bumped also when the relay's state changes or a budget is crossed, so the header follows them. */
  get version(): number {
    if (this.relayStatus) {
      const r = this.relayStatus();
      const seen = `${r.state} ${r.queued} ${r.dropped}`;
      if (seen !== this.relaySeen) {
        this.relaySeen = seen;
        this.relayChanges++;
      }
    }
    // A root span arriving changes a run without changing any call.
    return this.stats.version + this.relayChanges + (this.moneySource?.version ?? 0) + (this.runsBehind?.index.version ?? 0);
  }

  get now(): number {
    return this.stats.now;
  }

  summary(q: SummaryQuery, search?: string): Summary {
    return this.stats.summary(q, search);
  }

  series(windowMs: number, points: number, filter?: CallFilter): Series {
    return this.stats.series(windowMs, points, filter);
  }

  recent(limit: number, filter?: CallFilter): LlmCall[] {
    return this.stats.recent(limit, filter);
  }

  call(id: string): LlmCall | undefined {
    return this.stats.call(id) ?? this.runsBehind?.call(id);
  }

  runs(q: RunQuery): RunSummary[] {
    return this.runsBehind?.index.runs(q) ?? [];
  }

  run(traceId: string): RunDetail | undefined {
    return this.runsBehind?.index.run(traceId);
  }

  distribution(windowMs: number, filter?: CallFilter): Distribution {
    return this.stats.distribution(windowMs, filter);
  }

  errors(windowMs: number, filter?: CallFilter): ErrorRow[] {
    return this.stats.errors(windowMs, filter);
  }

  relay(): RelayStatus | null {
    return this.relayStatus?.() ?? null;
  }

  money(windowMs: number): Money | null {
    return this.moneySource?.read(windowMs) ?? null;
  }

  sources(): SourcesReport {
    return this.sourcesReport?.() ?? { sources: [], hints: [] };
  }

  capture(windowMs: number): CaptureCounts | null {
    return this.captureCounts?.(windowMs) ?? null;
  }
}
