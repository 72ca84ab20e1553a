import type { QueryRow, QuerySpec } from '../domain/query.js';
import type { CaptureCounts } from '../domain/sources.js';

export interface CaptureMeterOptions {
  /** The store's query engine: a call's `source` is a stored column the live statistics do not keep. */
  query: (spec: QuerySpec) => QueryRow[];
  /** The live statistics' version: counted again only after a change. */
  version: () => number;
  now: () => number;
  /** Monotonic milliseconds, to time the query. */
  clock?: () => number;
}

/**
 * Counted again after a change, but never more than a twentieth of the time: a window of a few
 * calls is counted at every redraw, a day's million (a good part of a second) every few seconds.
 */
const MAX_SHARE = 20;

/**
 * The header's count of the window's calls by how they came: through the proxy (`proxy`, or an
 * instrumented call the proxy also saw: `openlit+proxy`) and over OTLP (every other source,
 * those joined with the proxy included). Counted by the store after a change, as often as its
 * cost allows.
 */
export class CaptureMeter {
  private last: { windowMs: number; version: number; atMs: number; counts: CaptureCounts } | null = null;
  private intervalMs = 0;

  constructor(private readonly o: CaptureMeterOptions) {}

  counts(windowMs: number): CaptureCounts {
    const now = this.o.now();
    const version = this.o.version();
    const l = this.last;
    if (l && l.windowMs === windowMs && (l.version === version || now - l.atMs < this.intervalMs)) return l.counts;
    const clock = this.o.clock ?? (() => performance.now());
    const t0 = clock();
    const rows = this.o.query({
      startMs: now - windowMs,
      endMs: now + 1,
      type: 'aggregate',
      intervalMs: null,
      aggregations: [{ type: 'count', column: null, name: 'count' }],
      groupBy: ['source'],
      filters: [],
    });
    this.intervalMs = (clock() - t0) * MAX_SHARE;
    const counts = countBySource(rows);
    this.last = { windowMs, version, atMs: now, counts };
    return counts;
  }
}

export function countBySource(rows: readonly QueryRow[]): CaptureCounts {
  const counts: CaptureCounts = { proxy: 0, otlp: 0 };
  for (const r of rows) {
    const source = String(r.source ?? '');
    const n = Number(r.count ?? 0);
    if (source === 'proxy' || source.endsWith('+proxy')) counts.proxy += n;
    if (source !== 'proxy') counts.otlp += n;
  }
  return counts;
}
