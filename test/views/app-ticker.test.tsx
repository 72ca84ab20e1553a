import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, test } from 'vitest';
import type { DashboardSource } from '../../src/views/source.js';
import { settle } from '../helpers/ink-terminal.js';
import { linesOf, renderApp } from '../helpers/render-app.js';
import { dashboardCalls, makeCall, NOW, statsWith } from '../helpers/view-calls.js';

afterEach(() => cleanup());

describe('redraw ticker', () => {
  test('new calls appear on the next tick, without a key press (default 4 fps)', async () => {
    const stats = statsWith(dashboardCalls());
    const r = await renderApp(stats, undefined, { fps: undefined });
    stats.apply({ upserted: [makeCall({ id: 'new', model: 'fresh-model', timeMs: NOW - 1 })], deleted: [], replaced: [] });
    expect(r.frame()).not.toContain('fresh-model');
    await settle(400);
    expect(r.frame()).toContain('fresh-model');
    expect(linesOf(r.frame())[1]).toMatch(/^25 req /);
  });

  test('idle: nothing changed, nothing rendered', async () => {
    const r = await renderApp(statsWith(dashboardCalls()));
    await settle(100);
    const before = r.frames.length;
    await settle(500); // ten ticks at 20 fps
    expect(r.frames.length).toBe(before);
  });

  test('a burst of calls renders once per tick, not once per call', async () => {
    const stats = statsWith(dashboardCalls());
    const r = await renderApp(stats);
    const before = r.frames.length;
    const started = Date.now();
    for (let i = 0; i < 200; i++) {
      stats.apply({ upserted: [makeCall({ id: `burst-${i}`, model: 'burst-model', timeMs: NOW - 2 })], deleted: [], replaced: [] });
      if (i % 10 === 9) await settle(15);
    }
    // The last tick renders the last of them; on a busy machine it may come late, so wait for it (up to 3 s).
    for (let waited = 0; waited < 3000 && !/burst-model +200 /.test(r.frame()); waited += 60) await settle(60);
    const ticks = Math.ceil((Date.now() - started) / 50) + 1;
    const frames = r.frames.length - before;
    expect(frames).toBeGreaterThan(0);
    expect(frames).toBeLessThanOrEqual(ticks);
    expect(frames).toBeLessThan(40);
    expect(r.frame()).toMatch(/burst-model +200 /);
  });

  test('idle but time moves on: re-read at most once a second, and calls leave the window', async () => {
    let now = NOW;
    const stats = statsWith(dashboardCalls(), () => now);
    const r = await renderApp(stats);
    await settle(100);
    const before = r.frames.length;
    now += 500;
    await settle(200);
    expect(r.frames.length).toBe(before);
    now += 6 * 60_000;
    await settle(200);
    expect(r.frames.length).toBe(before + 1);
    expect(linesOf(r.frame())[1]).toMatch(/^0 req /);
    // The calls left the window but are still the newest in memory: the log keeps them.
    expect(r.frame()).toContain('question 0');
  });
});

/** A real LiveStats behind counters of summary and chart reads (delegation, not a stand-in). */
function counted(stats: ReturnType<typeof statsWith>): DashboardSource & { reads: number; seriesReads: number } {
  const source = {
    reads: 0,
    seriesReads: 0,
    get version() {
      return stats.version;
    },
    get now() {
      return stats.now;
    },
    summary: (...a: Parameters<typeof stats.summary>) => {
      source.reads++;
      return stats.summary(...a);
    },
    series: (...a: Parameters<typeof stats.series>) => {
      source.seriesReads++;
      return stats.series(...a);
    },
    recent: stats.recent.bind(stats),
    call: stats.call.bind(stats),
  };
  return source;
}

describe('what the ticker reads', () => {
  test('reads once per change, not per tick; a read that shows nothing new renders nothing', async () => {
    let now = NOW;
    // Calls an hour old: outside the 5m window, still the newest in memory.
    const stats = statsWith(dashboardCalls().map((c) => ({ ...c, timeMs: c.timeMs - 3600_000 })), () => now);
    const source = counted(stats);
    const r = await renderApp(stats, undefined, { source });
    await settle(100);
    const reads = source.reads;
    const seriesReads = source.seriesReads;
    const frames = r.frames.length;
    await settle(300);
    expect(source.reads).toBe(reads);
    // A chart bucket later (12 s at 100 columns) the chart is read again, but not the summary:
    // no call left the window. The frame would be the same: none is drawn.
    now += 13_000;
    await settle(200);
    expect(source.seriesReads).toBe(seriesReads + 1);
    expect(source.reads).toBe(reads);
    expect(r.frames.length).toBe(frames);
    // A change is read on the next tick.
    stats.apply({ upserted: [makeCall({ id: 'n1', model: 'new-model', timeMs: now - 10 })], deleted: [], replaced: [] });
    await settle(200);
    expect(source.reads).toBe(reads + 1);
    expect(r.frame()).toContain('new-model');
  });

  test('idle: the summary is read again when calls leave the window, not before', async () => {
    let now = NOW;
    // 250 s older: gpt-4o 251-270 s old, the claude calls 280-283 s.
    const stats = statsWith(dashboardCalls().map((c) => ({ ...c, timeMs: c.timeMs - 250_000 })), () => now);
    const source = counted(stats);
    const r = await renderApp(stats, undefined, { source });
    await settle(100);
    expect(linesOf(r.frame())[1]).toMatch(/^24 req /);
    const reads = source.reads;
    // A chart bucket on, every call is still in the window: the chart moved, not the summary.
    const before = r.frame();
    now += 13_000;
    await settle(200);
    expect(source.reads).toBe(reads);
    expect(r.frame()).not.toBe(before);
    expect(linesOf(r.frame())[1]).toMatch(/^24 req /);
    // Another on, the claude calls have left: the chart's count shows it, the summary follows.
    now += 13_000;
    await settle(200);
    expect(source.reads).toBe(reads + 1);
    expect(linesOf(r.frame())[1]).toMatch(/^20 req /);
    expect(r.frame()).not.toContain('claude-sonnet-4-5');
  });

  test('idle: the summary is read again at least once a minute', async () => {
    let now = NOW;
    // Calls an hour old: the window stays empty, its count 0.
    const stats = statsWith(dashboardCalls().map((c) => ({ ...c, timeMs: c.timeMs - 3600_000 })), () => now);
    const source = counted(stats);
    await renderApp(stats, undefined, { source });
    await settle(100);
    const reads = source.reads;
    now += 13_000;
    await settle(200);
    expect(source.reads).toBe(reads);
    now += 48_000;
    await settle(200);
    expect(source.reads).toBe(reads + 1);
  });

  test('idle: a call stamped ahead of the clock is counted once time reaches it', async () => {
    let now = NOW;
    const ahead = makeCall({ id: 'ahead', model: 'early-model', timeMs: NOW + 20_000 });
    const stats = statsWith([...dashboardCalls(), ahead], () => now);
    const r = await renderApp(stats);
    await settle(100);
    expect(linesOf(r.frame())[1]).toMatch(/^24 req /);
    now += 25_000;
    await settle(200);
    expect(linesOf(r.frame())[1]).toMatch(/^25 req /);
    expect(r.frame()).toMatch(/early-model +1 /);
  });
});
