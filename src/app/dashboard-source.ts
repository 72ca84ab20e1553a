import type { LlmCall } from '../domain/call.js';
import type { Summary, SummaryQuery } from '../domain/summary.js';
import type { RelayStatus } from '../forward/relay.js';
import type { SourcesReport } from '../domain/sources.js';
import type { CallFilter, Distribution, LiveStats, Series } from '../stats/live-stats.js';
import type { DashboardSource } from '../views/source.js';

/** What the TUI reads: the live statistics, and the relay's state when --forward is on. */
export class LiveDashboard implements DashboardSource {
  private relaySeen = '';
  private relayChanges = 0;

  constructor(
    private readonly stats: LiveStats,
    private readonly relayStatus: (() => RelayStatus) | null,
    private readonly sourcesReport: (() => SourcesReport) | null = null,
  ) {}

  /** The statistics' version, bumped also when the relay's state changes, so the header follows it. */
  get version(): number {
    if (this.relayStatus) {
      const r = this.relayStatus();
      const seen = `${r.state} ${r.queued} ${r.dropped}`;
      if (seen !== this.relaySeen) {
        this.relaySeen = seen;
        this.relayChanges++;
      }
    }
    return this.stats.version + this.relayChanges;
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
    return this.stats.call(id);
  }

  distribution(windowMs: number, filter?: CallFilter): Distribution {
    return this.stats.distribution(windowMs, filter);
  }

  relay(): RelayStatus | null {
    return this.relayStatus?.() ?? null;
  }

  sources(): SourcesReport {
    return this.sourcesReport?.() ?? { sources: [], hints: [] };
  }
}
