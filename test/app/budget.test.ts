import { describe, expect, test } from 'vitest';
import { BELL, BudgetMonitor, bellOnCrossing } from '../../src/app/budget.js';
import { MoneyMeter } from '../../src/app/money.js';
import type { Budget, BudgetLevel } from '../../src/domain/money.js';
import { UTC_CALENDAR } from '../../src/stats/burn.js';
import { LiveStats } from '../../src/stats/live-stats.js';
import { CallStore } from '../../src/store/call-store.js';
import { makeCall } from '../helpers/view-calls.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const at = (h: number, m = 0, day = 10) => Date.UTC(2025, 2, day, h, m);

/** A real store and live statistics on a fake clock, with a budget monitor over them. */
function world(budget: Budget, startedAt: number, horizonMs = 24 * HOUR) {
  let t = startedAt;
  const now = () => t;
  const store = new CallStore({ path: ':memory:', maxCalls: 100_000, retentionMs: 7 * 24 * HOUR, now });
  const stats = new LiveStats({ horizonMs, recentCapacity: 100, now });
  const meter = new MoneyMeter({ live: (s) => stats.costSince(s), query: (s) => store.query(s), version: () => stats.version, now, calendar: UTC_CALENDAR });
  const monitor = new BudgetMonitor({ budget, now, calendar: UTC_CALENDAR, startedAt, spentSince: (s) => meter.spentSince(s) });
  const crossings: BudgetLevel[] = [];
  monitor.onCrossing((c) => crossings.push(c.level));
  return {
    monitor,
    crossings,
    /** A call costing `usd` at time `ms` (the clock moves there), then a check, as the timer does. */
    spend(ms: number, usd: number) {
      t = ms;
      stats.apply(store.commit({ upserted: [makeCall({ timeMs: ms - 1000, costUsd: usd })], deleted: [] }));
      return monitor.check();
    },
    tick(ms: number) {
      t = ms;
      return monitor.check();
    },
  };
}

type Step = [atMs: number, usd: number, crossedSoFar: BudgetLevel[], share: number];

describe('BudgetMonitor: each form crosses 80% and 100% once, and re-arms in the next period', () => {
  test.each<[string, Budget, number, Step[]]>([
    [
      '$5 per day',
      { limitUsd: 5, period: 'day' },
      at(9),
      [
        [at(9, 10), 3, [], 0.6],
        [at(10), 1, [80], 0.8],
        [at(11), 0.5, [80], 0.9],
        [at(12), 0.5, [80, 100], 1],
        [at(13), 1, [80, 100], 1.2],
        [at(23, 59), 0.2, [80, 100], 1.24],
        // Midnight: a new day, both levels armed again.
        [at(0, 30, 11), 3.5, [80, 100], 0.7],
        [at(1, 0, 11), 0.5, [80, 100, 80], 0.8],
        [at(2, 0, 11), 2, [80, 100, 80, 100], 1.2],
      ],
    ],
    [
      '$2 per hour',
      { limitUsd: 2, period: 'hour' },
      at(14),
      [
        [at(14, 10), 1.6, [80], 0.8],
        [at(14, 20), 0.3, [80], 0.95],
        [at(14, 30), 0.1, [80, 100], 1],
        [at(14, 59), 1, [80, 100], 1.5],
        [at(15, 5), 1, [80, 100], 0.5],
        [at(15, 40), 0.6, [80, 100, 80], 0.8],
        [at(16, 1), 2.5, [80, 100, 80, 100], 1.25],
      ],
    ],
    [
      '$20 per session',
      { limitUsd: 20, period: 'session' },
      at(22),
      [
        [at(22, 30), 10, [], 0.5],
        [at(23, 30), 6, [80], 0.8],
        // A new day does not re-arm a session budget.
        [at(0, 30, 11), 2, [80], 0.9],
        [at(9, 0, 11), 2, [80, 100], 1],
        [at(10, 0, 12), 5, [80, 100], 1.25],
      ],
    ],
  ])('%s', (_name, budget, startedAt, steps) => {
    const w = world(budget, startedAt);
    for (const [ms, usd, crossed, share] of steps) {
      const s = w.spend(ms, usd);
      expect(w.crossings, `after spending $${usd} at ${new Date(ms).toISOString()}`).toEqual(crossed);
      expect(s.share).toBeCloseTo(share, 9);
      // Checks with nothing new announce nothing again.
      w.tick(ms + 1000);
      expect(w.crossings).toEqual(crossed);
    }
  });

  test('a session budget counts only what was spent since llmtop started', () => {
    const w = world({ limitUsd: 1, period: 'session' }, at(12));
    // Stored earlier today, before this start.
    w.spend(at(11), 5);
    expect(w.tick(at(12, 1)).spentUsd).toBe(0);
    expect(w.crossings).toEqual([]);
  });

  test('a day budget counts the whole day from the store when it reaches past the live horizon', () => {
    const w = world({ limitUsd: 10, period: 'day' }, at(0, 5), HOUR);
    w.spend(at(0, 10), 4);
    w.spend(at(23, 50), 4.5);
    expect(w.crossings).toEqual([80]);
    expect(w.tick(at(23, 55)).spentUsd).toBeCloseTo(8.5, 9);
  });

  test('one check that passes both levels announces 100% only; the last crossing is in the status', () => {
    const w = world({ limitUsd: 1, period: 'hour' }, at(9));
    const s = w.spend(at(9, 5), 1.5);
    expect(w.crossings).toEqual([100]);
    expect(s.lastCrossing).toMatchObject({ level: 100, atMs: at(9, 5), budget: { limitUsd: 1, period: 'hour' } });
    expect(w.monitor.status().lastCrossing?.level).toBe(100);
    // The next hour: the notice belongs to the hour that had it.
    expect(w.tick(at(10, 1)).lastCrossing).toBeNull();
  });

  test('the bell is written once per crossing, however often the budget is checked', () => {
    const w = world({ limitUsd: 5, period: 'day' }, at(9));
    const written: string[] = [];
    bellOnCrossing(w.monitor, (text) => written.push(text));
    w.spend(at(9, 1), 4.2);
    for (let i = 0; i < 10; i++) w.tick(at(9, 2 + i));
    w.spend(at(9, 30), 0.1);
    expect(written).toEqual([BELL]);
    w.spend(at(9, 40), 1);
    for (let i = 0; i < 10; i++) w.tick(at(10, i));
    expect(written).toEqual([BELL, BELL]);
  });
});
