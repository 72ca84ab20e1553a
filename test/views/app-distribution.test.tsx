import { cleanup } from 'ink-testing-library';
import stringWidth from 'string-width';
import { afterEach, describe, expect, test } from 'vitest';
import { LiveStats } from '../../src/stats/live-stats.js';
import { tableColumns } from '../../src/views/columns.js';
import { logLine } from '../../src/views/panels/CallLog.js';
import { cellSeg } from '../../src/views/panels/ModelTable.js';
import { formatClockUtc } from '../../src/views/format.js';
import { KEY } from '../helpers/ink-terminal.js';
import { lineWith, linesOf, renderApp } from '../helpers/render-app.js';
import { dashboardCalls, makeCall, NOW, statsWith } from '../helpers/view-calls.js';

afterEach(() => cleanup());

function expectFits(frame: string, columns: number, rows: number) {
  const lines = linesOf(frame);
  expect(lines.length).toBeLessThanOrEqual(rows - 1);
  for (const l of lines) expect(stringWidth(l), l).toBeLessThanOrEqual(columns);
}

describe('latency distribution (d)', () => {
  test('d shows the selected row: log-spaced buckets, counts, P50 P95 P99 marked, for duration and TTFT', async () => {
    const r = await renderApp(statsWith(dashboardCalls()));
    await r.press('d');
    const frame = r.frame();
    expect(lineWith(frame, '▸ LATENCY')).toContain('openai/gpt-4o · 5m');
    expect(frame).not.toContain('TABLE');
    expect(lineWith(frame, 'latency · 20 calls')).toContain('TTFT · 20 calls');
    // 100..2000 ms: exact percentiles, interpolated.
    expect(lineWith(frame, 'P50 1.1s  P95 1.9s  P99 2.0s')).toMatch(/P99 2\.0s +P50 1\.1s/);
    const buckets = linesOf(frame).filter((l) => /^ +<\d/.test(l)).map((l) => l.trim().split(/ +/).filter((w) => !/^[█▏▎▍▌▋▊▉]+$/.test(w)));
    expect(buckets.map((b) => b.slice(0, 2))).toEqual([
      ['<150ms', '1'], ['<200ms', '0'], ['<300ms', '1'], ['<500ms', '2'], ['<700ms', '2'], ['<1.0s', '3'], ['<1.5s', '5'], ['<2.0s', '5'], ['<3.0s', '1'],
    ]);
    expect(lineWith(frame, '<1.5s')).toMatch(/5 ◂P50 .*5 ◂P50$/);
    expect(lineWith(frame, '<2.0s')).toMatch(/5 ◂P95\/99 .*5 ◂P95\/99$/);
  });

  test('↓ picks the next table row; w changes the window; Esc goes back to the dashboard', async () => {
    const r = await renderApp(statsWith(dashboardCalls()));
    await r.press('d', KEY.down);
    let frame = r.frame();
    expect(lineWith(frame, '▸ LATENCY')).toContain('anthropic/claude-sonnet-4-5');
    expect(lineWith(frame, 'latency · 4 calls')).toContain('TTFT · 0 calls');
    expect(frame).toContain('no streamed calls');
    expect(lineWith(frame, '<5.0s')).toContain('4 ◂P50/95/99');
    await r.press(KEY.up, 'w');
    expect(lineWith(r.frame(), '▸ LATENCY')).toContain('openai/gpt-4o · 15m');
    await r.press(KEY.esc);
    frame = r.frame();
    expect(frame).toContain('▸ TABLE');
    expect(frame).not.toContain('LATENCY');
    // The selection moved in the distribution stays on the table.
    await r.press('d', 'd');
    expect(r.frame()).toContain('▸ TABLE');
  });

  test('the filter narrows the distribution; a source without distributions says so', async () => {
    const stats = statsWith(dashboardCalls());
    const r = await renderApp(stats);
    await r.press('/', 'claude', KEY.enter, 'd');
    expect(lineWith(r.frame(), '▸ LATENCY')).toContain('anthropic/claude-sonnet-4-5');
    expect(r.frame()).toContain('latency · 4 calls');
    cleanup();
    const withoutDistribution = {
      version: 0,
      now: NOW,
      summary: stats.summary.bind(stats),
      series: stats.series.bind(stats),
      recent: stats.recent.bind(stats),
      call: stats.call.bind(stats),
    };
    const bare = await renderApp(stats, undefined, { source: withoutDistribution });
    await bare.press('d');
    expect(bare.frame()).toContain('this source keeps no per-call latencies');
  });

  test.each([
    [80, 24],
    [60, 20],
    [140, 45],
    [100, 12],
  ])('%ix%i: the distribution fits, long names and wide ranges included', async (columns, rows) => {
    const calls = Array.from({ length: 200 }, (_, i) =>
      makeCall({ model: `model-${'x'.repeat(80)}`, timeMs: NOW - i * 1000, durationMs: 2 ** (i % 24), ttftMs: i % 3 ? 1.5 ** (i % 30) : null }),
    );
    const r = await renderApp(statsWith(calls), { columns, rows });
    await r.press('d');
    expectFits(r.frame(), columns, rows);
    expect(r.frame()).toContain('LATENCY');
    expect(r.frame()).toContain('◂P50');
  });
});

describe('thresholds (seed 001)', () => {
  const opts = { isSelected: false, focused: false, width: 120, cols: { model: 14, service: 0, tokens: 9, context: 0 }, wide: false, noContent: false, formatTime: formatClockUtc };

  test('log: a call over 10 s or over 1,000 tokens shows that value in red', () => {
    const color = (c: ReturnType<typeof makeCall>, t?: { durationMs: number; tokens: number }, find = 's') =>
      logLine(c, { ...opts, thresholds: t }).find((s) => s.text.trim().endsWith(find))?.color;
    expect(color(makeCall({ durationMs: 12_000 }), undefined, '12.0s')).toBe('red');
    expect(color(makeCall({ durationMs: 9_000 }), undefined, '9.0s')).toBeUndefined();
    expect(color(makeCall({ inputTokens: 900, outputTokens: 200 }), undefined, '900/200')).toBe('red');
    expect(color(makeCall({ inputTokens: 900, outputTokens: 100 }), undefined, '900/100')).toBeUndefined();
    // Configurable.
    expect(color(makeCall({ durationMs: 3000 }), { durationMs: 2000, tokens: 1e9 }, '3.0s')).toBe('red');
    expect(color(makeCall({ inputTokens: 900, outputTokens: 200 }), { durationMs: 2000, tokens: 5000 }, '900/200')).toBeUndefined();
  });

  test('table: a P95 over the threshold is red', () => {
    const stats = statsWith([makeCall({ model: 'slow', durationMs: 15_000 }), makeCall({ model: 'fast', durationMs: 500 })]);
    const groups = stats.summary({ windowMs: 300_000, groupBy: ['model'], filter: {} }).groups;
    const p95 = tableColumns(80).find((c) => c.title === 'P95')!;
    const slow = groups.find((g) => g.model === 'slow')!;
    const fast = groups.find((g) => g.model === 'fast')!;
    expect(cellSeg(p95, slow, { durationMs: 10_000, tokens: 1000 }).color).toBe('red');
    expect(cellSeg(p95, fast, { durationMs: 10_000, tokens: 1000 }).color).toBeUndefined();
    expect(cellSeg(p95, fast, { durationMs: 400, tokens: 1000 }).color).toBe('red');
  });

  test('the App passes its thresholds down: the distribution counts the calls over them', async () => {
    const calls = [makeCall({ durationMs: 12_000 }), makeCall({ durationMs: 500 }), makeCall({ durationMs: 3000 })];
    let r = await renderApp(statsWith(calls));
    await r.press('d');
    expect(lineWith(r.frame(), 'latency · 3 calls')).toContain('1 (33%) over 10.0s');
    cleanup();
    r = await renderApp(statsWith(calls), undefined, { thresholds: { durationMs: 2000, tokens: 1000 } });
    await r.press('d');
    expect(lineWith(r.frame(), 'latency · 3 calls')).toContain('2 (67%) over 2.0s');
  });
});

describe('cache savings', () => {
  const savings = () => 1e-5;
  const withSavings = () => {
    const stats = new LiveStats({ horizonMs: 24 * 3600_000, recentCapacity: 1000, now: () => NOW, savings });
    stats.apply({ upserted: dashboardCalls(), deleted: [], replaced: [] });
    return stats;
  };

  test('header shows what the cache saved; wide tables get a SAVED column', async () => {
    const r = await renderApp(withSavings(), { columns: 140, rows: 45 });
    const frame = r.frame();
    // 20 gpt calls × 250 cache reads × $0.00001.
    expect(linesOf(frame)[1]).toContain('cost ~$0.6000  cache saved $0.0500');
    expect(lineWith(frame, 'REQS')).toMatch(/COST +SAVED +ERR%$/);
    expect(lineWith(frame, 'openai/gpt-4o  ')).toMatch(/\$0\.2000 +\$0\.0500 +0%$/);
    expect(lineWith(frame, 'anthropic/claude-sonnet-4-5  ')).toMatch(/~\$0\.4000 +\$0 +25%$/);
  });

  test('no savings, no header note; 80 columns keep the narrow table', async () => {
    const r = await renderApp(statsWith(dashboardCalls()), { columns: 80, rows: 24 });
    expect(r.frame()).not.toContain('saved');
    expect(r.frame()).not.toContain('SAVED');
    const narrow = await renderApp(withSavings(), { columns: 80, rows: 24 });
    expectFits(narrow.frame(), 80, 24);
    // Shorter words so the savings still fit.
    expect(linesOf(narrow.frame())[1]).toBe('24 req  0.08 req/s  4.2% err  in 20.4k out 4.2k  cost ~$0.6000  saved $0.0500');
  });
});
