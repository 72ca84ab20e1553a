import { cleanup } from 'ink-testing-library';
import stringWidth from 'string-width';
import { afterEach, describe, expect, test } from 'vitest';
import type { GroupKey } from '../../src/domain/call.js';
import { blockSpark, trendGroups } from '../../src/views/panels/Trends.js';
import type { TrendRow, TrendSeries, TrendsSource } from '../../src/views/trends-source.js';
import { KEY } from '../helpers/ink-terminal.js';
import { lineWith, linesOf, renderApp } from '../helpers/render-app.js';
import { dashboardCalls, NOW, statsWith } from '../helpers/view-calls.js';

afterEach(() => cleanup());

const HOUR = 3600_000;
const DAY = 24 * HOUR;

function row(startMs: number, key: TrendRow['key'], costUsd: number, tokens: number, requests = 1): TrendRow {
  return { startMs, key, requests, costUsd, inputTokens: tokens, outputTokens: 0 };
}

/** A stand-in store: gpt-4o rising over the day, one claude hour, one old day of gemini; records what was asked. */
function fakeTrends() {
  const asked: string[] = [];
  const hours = Array.from({ length: 24 }, (_, i) => NOW - (23 - i) * HOUR);
  const days = Array.from({ length: 7 }, (_, i) => NOW - (6 - i) * DAY);
  const source: TrendsSource = {
    hourly(groupBy: readonly GroupKey[]): TrendSeries {
      asked.push(`hourly ${groupBy.join('/')}`);
      const gpt = hours.map((h, i) => row(h, { provider: 'openai', model: 'gpt-4o' }, (i + 1) * 0.1, (i + 1) * 1000));
      return { starts: hours, readAt: NOW, rows: [...gpt, row(hours[20]!, { provider: 'anthropic', model: 'claude' }, 5, 10, 3)] };
    },
    daily(groupBy: readonly GroupKey[]): TrendSeries {
      asked.push(`daily ${groupBy.join('/')}`);
      return { starts: days, readAt: NOW, rows: [row(days[0]!, { provider: 'google', model: 'gemini' }, 2, 500, 7)] };
    },
  };
  return { source, asked };
}

function expectFits(frame: string, columns: number, rows: number) {
  const lines = linesOf(frame);
  expect(lines.length).toBeLessThanOrEqual(rows - 1);
  for (const l of lines) expect(stringWidth(l), l).toBeLessThanOrEqual(columns);
}

describe('trends (t)', () => {
  test('per hour over the last day: total cost and tokens charts, then a line per group, most expensive first', async () => {
    const { source, asked } = fakeTrends();
    const r = await renderApp(statsWith(dashboardCalls()), { columns: 140, rows: 45 }, { trends: source });
    await r.press('t');
    const frame = r.frame();
    expect(lineWith(frame, '▸ TRENDS')).toContain('by provider/model · per hour, last 24 h · w 7 days · Esc back');
    // 0.1 + 0.2 + ... + 2.4 = 30, plus claude's 5.
    expect(lineWith(frame, 'cost per hour')).toContain('cost per hour · $35.00 in last 24 h');
    expect(lineWith(frame, 'tokens per hour')).toContain('tokens per hour · 300k in last 24 h');
    const groups = linesOf(frame).filter((l) => /^ {2}(openai|anthropic)\//.test(l));
    expect(groups[0]).toMatch(/^ {2}openai\/gpt-4o +▁.*█ +\$30\.00 +▁.*█ +300k +24$/);
    expect(groups[1]).toMatch(/^ {2}anthropic\/claude +█ +\$5\.00 +█ +10 +3$/);
    expect(lineWith(frame, 'COST/HOUR')).toMatch(/COST +TOKENS\/HOUR +TOKENS +REQS$/);
    expect(asked).toEqual(['hourly provider/model']);
  });

  test('w switches to per day over the last week, g regroups, t or Esc goes back', async () => {
    const { source, asked } = fakeTrends();
    const r = await renderApp(statsWith(dashboardCalls()), undefined, { trends: source });
    await r.press('t', 'w');
    expect(lineWith(r.frame(), '▸ TRENDS')).toContain('per day, last 7 days · w 24 h');
    expect(lineWith(r.frame(), 'google/gemini')).toMatch(/\$2\.00 +500 +7$/);
    // The window of the live view did not move.
    expect(linesOf(r.frame())[0]).toContain('window 5m');
    await r.press('g');
    expect(asked.at(-1)).toBe('daily provider');
    expect(lineWith(r.frame(), '▸ TRENDS')).toContain('by provider ·');
    await r.press('t');
    expect(r.frame()).toContain('▸ TABLE');
    await r.press('t', KEY.esc);
    expect(r.frame()).toContain('▸ TABLE');
    expect(r.frame()).not.toContain('TRENDS');
  });

  test('without a trends source the view says why it is empty', async () => {
    const r = await renderApp(statsWith(dashboardCalls()));
    await r.press('t');
    expect(r.frame()).toContain('no store behind this view');
  });

  test.each([
    [80, 24],
    [60, 20],
    [100, 12],
    [200, 60],
  ])('%ix%i: the trends view fits', async (columns, rows) => {
    const { source } = fakeTrends();
    const many: TrendsSource = {
      ...source,
      hourly: (g) => {
        const s = source.hourly(g);
        const extra = Array.from({ length: 40 }, (_, i) => row(s.starts[i % 24]!, { provider: 'p', model: `m${i}-${'x'.repeat(60)}` }, 0.01, 5));
        return { ...s, rows: [...s.rows, ...extra] };
      },
    };
    const r = await renderApp(statsWith(dashboardCalls()), { columns, rows }, { trends: many });
    await r.press('t');
    expectFits(r.frame(), columns, rows);
    expect(r.frame()).toContain('openai/gpt-4o');
    // 42 groups: all of them only on the tallest terminal.
    if (rows < 60) expect(r.frame()).toMatch(/… \d+ more groups/);
    else expect(r.frame()).toContain('p/m39-');
  });

  test('trendGroups and blockSpark', () => {
    const starts = [0, 1, 2];
    const groups = trendGroups(
      { starts, readAt: 0, rows: [row(0, { model: 'a' }, 1, 10), row(2, { model: 'a' }, 3, 30), row(1, { model: 'b' }, 4, 1), row(9, { model: 'c' }, 9, 9)] },
      ['model'],
    );
    expect(groups.map((g) => [g.label, g.costUsd, g.totalTokens])).toEqual([
      ['a', [1, 0, 3], 40],
      ['b', [0, 4, 0], 1],
    ]);
    expect(blockSpark([0, 1, 2, 4])).toBe(' ▂▄█');
    expect(blockSpark([0, 0], 2)).toBe('    ');
    expect(blockSpark([3], 3)).toBe('███');
  });
});
