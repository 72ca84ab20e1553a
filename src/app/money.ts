import type { QueryRow, QuerySpec } from '../domain/query.js';
import type { Burn } from '../domain/money.js';
import { burnRate, currentDay, currentHour, type Calendar } from '../stats/burn.js';

export interface MoneyMeterOptions {
  /** `LiveStats.costSince`: USD since a time, from memory, or null past the live horizon. */
  live: (startMs: number) => number | null;
  /** The store's query engine, for sums that reach past the live horizon. */
  query: (spec: QuerySpec) => QueryRow[];
  /** The live statistics' version: a sum is read again only after a change. */
  version: () => number;
  now: () => number;
  calendar: Calendar;
}

/** Spend over time for the burn rate and budgets. A day or a session can reach past the live statistics: then the store sums it. */
export class MoneyMeter {
  private readonly sums = new Map<number, number>();
  private sumsVersion = -1;

  constructor(private readonly opts: MoneyMeterOptions) {}

  /** USD spent from `startMs` until now; remembered until the statistics change. */
  spentSince(startMs: number): number {
    const version = this.opts.version();
    if (version !== this.sumsVersion) {
      this.sums.clear();
      this.sumsVersion = version;
    }
    let usd = this.sums.get(startMs);
    if (usd === undefined) this.sums.set(startMs, (usd = this.sum(startMs)));
    return usd;
  }

  burn(windowMs: number): Burn {
    const now = this.opts.now();
    const hour = currentHour(now, this.opts.calendar);
    const day = currentDay(now, this.opts.calendar);
    return burnRate({
      now,
      windowMs,
      // The window's start moves every millisecond: not worth remembering.
      windowUsd: this.sum(now - windowMs),
      hourSpentUsd: this.spentSince(hour.startMs),
      daySpentUsd: this.spentSince(day.startMs),
      hour,
      day,
    });
  }

  private sum(startMs: number): number {
    const live = this.opts.live(startMs);
    if (live !== null) return live;
    const [row] = this.opts.query({
      startMs,
      endMs: this.opts.now() + 1,
      type: 'aggregate',
      intervalMs: null,
      aggregations: [{ type: 'sum', column: 'costUsd', name: 'sum_costUsd' }],
      groupBy: [],
      filters: [],
    });
    return Number(row?.sum_costUsd ?? 0);
  }
}
