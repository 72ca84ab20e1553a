import type { GroupKey } from '../domain/call.js';
import type { QueryRow, QuerySpec } from '../domain/query.js';
import { LOCAL_CALENDAR } from '../stats/burn.js';
import type { TrendRow, TrendSeries, TrendsSource } from '../views/trends-source.js';

const MINUTE = 60_000;
const HOUR = 3600_000;
/** Every time zone in use is a whole number of quarter hours from UTC: days are summed from these. */
const QUARTER = 15 * MINUTE;

export interface StoreTrendsOptions {
  /** `CallStore.query`. */
  query: (spec: QuerySpec) => QueryRow[];
  now?: () => number;
  /** A series is re-read from the store at most this often. */
  refreshMs?: number;
  /** Start of the day holding a time; the machine's local midnight unless told (tests use UTC). */
  startOfDay?: (ms: number) => number;
}

const AGGREGATIONS: QuerySpec['aggregations'] = [
  { type: 'count', column: null, name: 'count' },
  { type: 'sum', column: 'costUsd', name: 'sum_costUsd' },
  { type: 'sum', column: 'inputTokens', name: 'sum_inputTokens' },
  { type: 'sum', column: 'outputTokens', name: 'sum_outputTokens' },
];

/** The trends view's data, from the store's query engine, cached for a minute per grouping. */
export class StoreTrends implements TrendsSource {
  private readonly cache = new Map<string, TrendSeries>();
  private readonly now: () => number;
  private readonly refreshMs: number;
  private readonly startOfDay: (ms: number) => number;

  constructor(private readonly opts: StoreTrendsOptions) {
    this.now = opts.now ?? Date.now;
    this.refreshMs = opts.refreshMs ?? MINUTE;
    this.startOfDay = opts.startOfDay ?? LOCAL_CALENDAR.startOfDay;
  }

  hourly(groupBy: readonly GroupKey[]): TrendSeries {
    return this.cached(`h:${groupBy.join(',')}`, () => {
      const now = this.now();
      const current = Math.floor(now / HOUR) * HOUR;
      const starts = Array.from({ length: 24 }, (_, i) => current - (23 - i) * HOUR);
      return { starts, rows: this.read(starts[0]!, now, HOUR, groupBy, (t) => t), readAt: now };
    });
  }

  daily(groupBy: readonly GroupKey[]): TrendSeries {
    return this.cached(`d:${groupBy.join(',')}`, () => {
      const now = this.now();
      const starts: number[] = [this.startOfDay(now)];
      // Back a day at a time from noon (23 or 25 hours days around DST changes still land in the day before).
      while (starts.length < 7) starts.unshift(this.startOfDay(starts[0]! - 12 * HOUR));
      const dayOf = (t: number) => {
        let i = starts.length - 1;
        while (i > 0 && starts[i]! > t) i--;
        return starts[i]!;
      };
      return { starts, rows: this.read(starts[0]!, now, QUARTER, groupBy, dayOf), readAt: now };
    });
  }

  private cached(key: string, read: () => TrendSeries): TrendSeries {
    const hit = this.cache.get(key);
    if (hit && this.now() - hit.readAt < this.refreshMs) return hit;
    const fresh = read();
    this.cache.set(key, fresh);
    return fresh;
  }

  /** Sums per `bucketOf(interval start)` and group, from a timeseries query of the store. */
  private read(startMs: number, now: number, intervalMs: number, groupBy: readonly GroupKey[], bucketOf: (t: number) => number): TrendRow[] {
    const rows = this.opts.query({
      startMs,
      endMs: now + 1,
      type: 'timeseries',
      intervalMs,
      aggregations: AGGREGATIONS,
      groupBy: [...groupBy],
      filters: [],
    });
    const out = new Map<string, TrendRow>();
    for (const r of rows) {
      const startOf = bucketOf(Date.parse(String(r.timestamp)));
      const key: Partial<Record<GroupKey, string>> = {};
      for (const k of groupBy) key[k] = String(r[k] ?? '');
      const id = `${startOf}\u0000${groupBy.map((k) => key[k]).join('\u0000')}`;
      let row = out.get(id);
      if (!row) out.set(id, (row = { startMs: startOf, key, requests: 0, costUsd: 0, inputTokens: 0, outputTokens: 0 }));
      row.requests += Number(r.count ?? 0);
      row.costUsd += Number(r.sum_costUsd ?? 0);
      row.inputTokens += Number(r.sum_inputTokens ?? 0);
      row.outputTokens += Number(r.sum_outputTokens ?? 0);
    }
    return [...out.values()].sort((a, b) => a.startMs - b.startMs);
  }
}
