import { afterEach, describe, expect, test } from 'vitest';
import { BudgetMonitor } from '../../src/app/budget.js';
import { LiveDashboard } from '../../src/app/dashboard-source.js';
import { MoneyMeter } from '../../src/app/money.js';
import type { Budget, MoneySource } from '../../src/domain/money.js';
import { UTC_CALENDAR } from '../../src/stats/burn.js';
import { LiveStats } from '../../src/stats/live-stats.js';
import { CallStore } from '../../src/store/call-store.js';
import { displayWidth } from '../../src/views/sanitize.js';
import { makeCall } from '../helpers/view-calls.js';

// Colours are what this file checks: chalk (under Ink) reads FORCE_COLOR once, when it loads.
const before = process.env.FORCE_COLOR;
process.env.FORCE_COLOR = '1';
const { renderApp, linesOf } = await import('../helpers/render-app.js');
if (before === undefined) delete process.env.FORCE_COLOR;
else process.env.FORCE_COLOR = before;

const HOUR = 3600_000;
/** 12:30 UTC: half the hour and 11.5 hours of the day left. */
const NOW = Date.UTC(2025, 0, 2, 12, 30);
const ANSI = /\u001b\[[0-9;]*m/g;
const plain = (s: string) => s.replace(ANSI, '');
const GREEN = '\u001b[32m';
const YELLOW = '\u001b[33m';
const RED = '\u001b[31m';

const stores: CallStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

/**
 * Real statistics and store: ten calls of $0.05 in the last five minutes ($0.10/min, $6/h) and $2
 * this morning: $2.50 today. By the end of the hour $0.50 + 30 × $0.10; of the day $2.50 + 690 × $0.10.
 */
function dashboard(budget: Budget | null) {
  const now = () => NOW;
  const store = new CallStore({ path: ':memory:', maxCalls: 1000, retentionMs: 7 * 24 * HOUR, now });
  stores.push(store);
  const stats = new LiveStats({ horizonMs: 24 * HOUR, recentCapacity: 100, now });
  const calls = [
    makeCall({ timeMs: Date.UTC(2025, 0, 2, 8), costUsd: 2 }),
    ...Array.from({ length: 10 }, (_, i) => makeCall({ timeMs: NOW - 290_000 + i * 29_000, costUsd: 0.05 })),
  ];
  stats.apply(store.commit({ upserted: calls, deleted: [] }));
  const meter = new MoneyMeter({ live: (s) => stats.costSince(s), query: (s) => store.query(s), version: () => stats.version, now, calendar: UTC_CALENDAR });
  const monitor = budget
    ? new BudgetMonitor({ budget, now, calendar: UTC_CALENDAR, startedAt: NOW - HOUR, spentSince: (s) => meter.spentSince(s) })
    : null;
  monitor?.check();
  const money: MoneySource = { read: (windowMs) => ({ burn: meter.burn(windowMs), budget: monitor?.status() ?? null }), version: 0 };
  return new LiveDashboard(stats, { money });
}

async function moneyLine(budget: Budget | null, size: { columns: number; rows: number }) {
  const r = await renderApp(dashboard(budget), size);
  const lines = linesOf(r.frame());
  expect(lines).toHaveLength(size.rows - 1);
  for (const l of lines) expect(displayWidth(plain(l))).toBeLessThanOrEqual(size.columns);
  return lines[2]!;
}

describe('the money line, third in the header', () => {
  test.each([
    [
      'no budget, 80x24',
      null,
      80,
      24,
      'burn $0.1000/min  $6.00/h  → $3.50 by end of hour  → $71.50 by end of day',
      null,
    ],
    [
      'no budget, 140x45',
      null,
      140,
      45,
      'burn $0.1000/min  $6.00/h  → $3.50 by end of hour  → $71.50 by end of day',
      null,
    ],
    [
      'under 80%, 80x24: green',
      { limitUsd: 5, period: 'day' },
      80,
      24,
      '$0.1000/min $6.00/h → $3.50 hour → $71.50 day  [█████░░░░░] 50% of $5/day',
      GREEN,
    ],
    [
      'under 80%, 140x45: green',
      { limitUsd: 5, period: 'day' },
      140,
      45,
      'burn $0.1000/min  $6.00/h  → $3.50 by end of hour  → $71.50 by end of day  budget [█████░░░░░] 50% of $5/day',
      GREEN,
    ],
    [
      'past 80%, 80x24: yellow, with the notice',
      { limitUsd: 3, period: 'day' },
      80,
      24,
      '$6.00/h → $71.50 day  [████░] 83% of $3/day  ⚠ 80% reached 12:30:00',
      YELLOW,
    ],
    [
      'past 80%, 140x45: yellow, with the notice',
      { limitUsd: 3, period: 'day' },
      140,
      45,
      'burn $0.1000/min  $6.00/h  → $3.50 by end of hour  → $71.50 by end of day  budget [████████░░] 83% of $3/day  ⚠ 80% reached 12:30:00',
      YELLOW,
    ],
    [
      'past 100%, 80x24: red',
      { limitUsd: 2, period: 'day' },
      80,
      24,
      '$6.00/h → $71.50 day  [█████] 125% of $2/day  ⚠ 100% reached 12:30:00',
      RED,
    ],
    [
      'past 100% of an hourly budget, 140x45: red',
      { limitUsd: 0.5, period: 'hour' },
      140,
      45,
      'burn $0.1000/min  $6.00/h  → $3.50 by end of hour  → $71.50 by end of day  budget [██████████] 100% of $0.50/h  ⚠ 100% reached 12:30:00',
      RED,
    ],
  ] as const)('%s', async (_name, budget, columns, rows, text, color) => {
    const line = await moneyLine(budget, { columns, rows });
    expect(plain(line).trimEnd()).toBe(text);
    if (color) {
      // The filled cells and the percentage carry the gauge's colour.
      expect(line).toMatch(new RegExp(`${color.replace('[', '\\[')}█+`));
      expect(line).toMatch(new RegExp(`${color.replace('[', '\\[')}\\d+%`));
    }
  });
});
