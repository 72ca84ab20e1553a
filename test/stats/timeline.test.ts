import { describe, expect, it } from 'vitest';
import { aggregate, type StatRow } from '../../src/stats/aggregate.js';
import type { Cell } from '../../src/stats/cells.js';
import { hashId } from '../../src/stats/id-hash.js';
import { Timeline, type TimelineCursor, type TimelineRow } from '../../src/stats/timeline.js';

const CELL: Cell = { provider: 'openai', model: 'gpt-4o', service: 'web', environment: '', operation: 'chat', user: '' };

/** A row named by its number, which it carries as its input tokens. */
function row(n: number, timeMs: number, o: Partial<TimelineRow> = {}): TimelineRow {
  return {
    hash: hashId(`r${n}`), timeMs, cell: CELL, durationMs: 100, ttftMs: null, inputTokens: n, outputTokens: 0, cacheReadTokens: 0,
    cacheWriteTokens: 0, reasoningTokens: 0, costUsd: 0, costSource: 'reported',
    status: 'ok', problem: null, ...o,
  };
}
/** Reads each row as it comes: the timeline hands out one cursor, moved along. */
function read<T>(t: Timeline, start: number, end: number, f: (r: TimelineCursor) => T): T[] {
  const out: T[] = [];
  t.each(start, end, (r) => out.push(f(r)));
  return out;
}
const names = (t: Timeline, start: number, end: number) => read(t, start, end, (r) => r.inputTokens);

describe('Timeline', () => {
  it('keeps rows in time order whatever order they arrive in, and reads a window', () => {
    const t = new Timeline();
    for (const [n, time] of [[3, 30], [1, 10], [5, 50], [2, 20], [4, 40]] as const) t.insert(row(n, time));
    expect(names(t, 0, 100)).toEqual([1, 2, 3, 4, 5]);
    expect(names(t, 20, 40)).toEqual([2, 3, 4]);
    expect(names(t, 41, 49)).toEqual([]);
  });

  it('gives back every field of a row as it went in, with a null TTFT kept apart from 0, and the speed, savings and context use worked out', () => {
    const t = new Timeline(
      (cell) => (cell === CELL ? 0.25 : 0),
      (cell) => (cell === CELL ? 28 : null),
    );
    const kind = { classes: ['rateLimit' as const], error: 'Too Many Requests', errorType: '429', finishReason: null, contextWindow: null };
    const problem = { id: 'c7', traceId: 't', spanId: 's', source: 'gen_ai', kind };
    const full = row(7, 5, {
      durationMs: 1234.5678, ttftMs: 0, outputTokens: 11, cacheReadTokens: 12, cacheWriteTokens: 13, reasoningTokens: 14, costUsd: 0.000123,
      costSource: 'estimated', status: 'error', problem,
    });
    t.insert(full);
    t.insert(row(8, 6, { costSource: 'unknown', inputTokens: 2.6 }));
    const [a, b] = read(t, 0, 10, (r) => ({ ...pick(r), problem: r.problem }));
    const { hash: _, ...expected } = full;
    expect(a).toEqual({ ...expected, outputTokensPerSecond: 11 / 1.2345678, cacheSavingsUsd: 12 * 0.25, contextPercent: 25 });
    expect(b).toMatchObject({ cacheSavingsUsd: 0, ttftMs: null, outputTokensPerSecond: null, status: 'ok', costSource: 'unknown', inputTokens: 3, problem: null, contextPercent: 3 / 28 * 100 });
  });

  it("keeps each row's problem apart when ids share a hash, through moves between chunks, removal and compaction", () => {
    const t = new Timeline();
    const kind = { classes: ['server' as const], error: 'boom', errorType: '500', finishReason: null, contextWindow: null };
    const problem = (id: string) => ({ id, traceId: 't', spanId: 's', source: 'gen_ai', kind });
    const shared = 0x5eed;
    // Rows 0-2 share a hash; every 97th row has a problem of its own; rows then land in the middle of full chunks.
    for (const n of [0, 1, 2]) t.insert(row(n, 1000 + n * 10, { hash: shared, status: 'error', problem: problem(`shared-${n}`) }));
    for (let i = 3; i < 3000; i += 2) t.insert(row(i, i, { problem: i % 97 === 0 ? problem(`p${i}`) : null }));
    for (let i = 4; i < 3000; i += 2) t.insert(row(i, i, { problem: i % 97 === 0 ? problem(`p${i}`) : null }));
    const problems = () => read(t, 0, 5000, (r) => (r.problem ? `${r.inputTokens}:${r.problem.id}` : null)).filter((p) => p !== null);
    const expected = [...Array.from({ length: 3000 }, (_, i) => i).filter((i) => i >= 3 && i % 97 === 0).map((i) => `${i}:p${i}`)];
    expect(problems()).toEqual([...expected.filter((p) => Number(p.split(':')[0]) < 1000), '0:shared-0', '1:shared-1', '2:shared-2', ...expected.filter((p) => Number(p.split(':')[0]) > 1000)]);
    expect(t.remove(1010, shared)).toBe(true);
    expect(problems()).toContain('0:shared-0');
    expect(problems()).toContain('2:shared-2');
    expect(problems()).not.toContain('1:shared-1');
    // Most rows dead: the timeline compacts, and the problems stay with their rows.
    const chunksBefore = t.chunkCount;
    for (let i = 3; i < 2900; i++) if (i % 97 !== 0) t.remove(i, hashId(`r${i}`));
    expect(t.chunkCount).toBeLessThan(chunksBefore);
    expect(problems()).toEqual([...expected.filter((p) => Number(p.split(':')[0]) < 1000), '0:shared-0', '2:shared-2', ...expected.filter((p) => Number(p.split(':')[0]) > 1000)]);
    t.dropBefore(1015);
    expect(problems()).toEqual(['2:shared-2', ...expected.filter((p) => Number(p.split(':')[0]) > 1015)]);
  });

  it('removes a row by time and id, once; compacts once most are dead', () => {
    const t = new Timeline();
    for (let i = 0; i < 3000; i++) t.insert(row(i, i));
    for (let i = 0; i < 2000; i++) expect(t.remove(i, hashId(`r${i}`))).toBe(true);
    expect(t.remove(0, hashId('r0'))).toBe(false); // twice is once
    expect(t.remove(2500, hashId('r2501'))).toBe(false); // the time is another row's
    expect(t.size).toBe(1000);
    expect(names(t, 1998, 2001)).toEqual([2000, 2001]);
  });

  it('drops the rows older than a cutoff', () => {
    const t = new Timeline();
    for (const [n, time] of [[1, 1], [2, 2], [3, 3], [4, 4]]) t.insert(row(n!, time!));
    t.remove(2, hashId('r2'));
    t.dropBefore(3);
    expect(names(t, 0, 10)).toEqual([3, 4]);
    expect(t.size).toBe(2);
    expect(t.remove(1, hashId('r1'))).toBe(false);
  });

  it('finds a row to remove at its time as the store gives it back, to the microsecond', () => {
    const t = new Timeline();
    for (const [n, time] of [[1, 1000.0004], [2, 1000.9], [3, 1001.5], [4, 1003]]) t.insert(row(n!, time!));
    expect(t.remove(1000.000399, hashId('r1'))).toBe(true);
    expect(t.remove(1001.4995, hashId('r3'))).toBe(true);
    expect(t.remove(1002.99, hashId('r4'))).toBe(false);
    expect(names(t, 0, 2000)).toEqual([2, 4]);
  });

  it('gives back a chunk once its last live row is removed', () => {
    const t = new Timeline();
    for (let n = 0; n < 3000; n++) t.insert(row(n, n));
    for (let n = 0; n < 1024; n++) t.remove(n, hashId(`r${n}`));
    expect(t.chunkCount).toBe(2);
    expect(t.size).toBe(1976);
    expect(names(t, 1020, 1026)).toEqual([1024, 1025, 1026]);
  });

  it('matches a sorted list through 20,000 inserts in any order, removes and drops (many chunks)', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const t = new Timeline();
    let all: { n: number; timeMs: number; dead: boolean }[] = [];
    for (let i = 0; i < 20_000; i++) {
      // Mostly ascending, with spans ending up to a minute out of order, and some equal times.
      const r = { n: i, timeMs: Math.floor(i * 10 - rand() * 60_000 * (rand() < 0.5 ? 1 : 0)), dead: false };
      t.insert(row(r.n, r.timeMs));
      all.push(r);
      if (i % 7 === 0) {
        const victim = all[Math.floor(rand() * all.length)]!;
        expect(t.remove(victim.timeMs, hashId(`r${victim.n}`))).toBe(!victim.dead);
        victim.dead = true;
      }
      if (i % 5000 === 4999) {
        const cutoff = i * 10 - 100_000;
        t.dropBefore(cutoff);
        all = all.filter((r) => r.timeMs >= cutoff);
        expect(t.size).toBe(all.filter((r) => !r.dead).length);
      }
    }
    const expected = all.filter((r) => !r.dead).sort((a, b) => a.timeMs - b.timeMs);
    expect(t.size).toBe(expected.length);
    const got = read(t, -Infinity, Infinity, (r) => ({ n: r.inputTokens, timeMs: r.timeMs }));
    expect(got.map((r) => r.timeMs)).toEqual(expected.map((r) => r.timeMs));
    expect(new Set(got.map((r) => r.n))).toEqual(new Set(expected.map((r) => r.n)));
    const [lo, hi] = [120_000, 130_000];
    expect(names(t, lo, hi).sort()).toEqual(expected.filter((r) => r.timeMs >= lo && r.timeMs <= hi).map((r) => r.n).sort());
  });

  it('adds up the rows of recent slots once and keeps the sums as rows come and go: a summary is the same as adding up every row', () => {
    let seed = 11;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const cells: Cell[] = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-5'].map((model) => ({ ...CELL, model }));
    const t = new Timeline(() => 1e-7, (cell) => (cell === cells[0] ? 128_000 : null));
    const live: { n: number; timeMs: number }[] = [];
    let partsRead = 0;
    const summaries = (start: number, end: number) => {
      const byRow = aggregate((visit) => t.each(start, end, visit), ['model'], 60, () => true);
      const byPart = aggregate((visit, visitPart) => t.each(start, end, visit, (p) => (partsRead++, visitPart!(p))), ['model'], 60, () => true);
      return { byRow, byPart };
    };
    for (let i = 0; i < 30_000; i++) {
      const timeMs = Math.floor(i * 10 - (rand() < 0.2 ? rand() * 60_000 : 0));
      const o = { cell: cells[i % 3]!, durationMs: 50 + rand() * 5000, ttftMs: rand() < 0.5 ? rand() * 900 : null, outputTokens: Math.floor(rand() * 800), costUsd: rand() < 0.1 ? null : rand() / 100, status: rand() < 0.05 ? 'error' as const : 'ok' as const };
      // The first 5,000 as llmtop loads its store at start, keeping no sums.
      t.insert(row(i, timeMs, o), i >= 5000);
      live.push({ n: i, timeMs });
      if (i % 9 === 0) {
        const [victim] = live.splice(Math.floor(rand() * live.length), 1);
        t.remove(victim!.timeMs, hashId(`r${victim!.n}`));
      }
      if (i % 6000 === 5999) t.dropBefore(i * 10 - 200_000);
      if (i % 1500 === 1499) {
        const end = i * 10;
        for (const start of [end - 300_000, end - 60_000, end - 12_345]) {
          const { byRow, byPart } = summaries(start, end);
          expect(byPart.groups.map((g) => g.model)).toEqual(byRow.groups.map((g) => g.model));
          for (const [a, b] of [[byPart.totals, byRow.totals], ...byPart.groups.map((g, k) => [g, byRow.groups[k]!])] as const) {
            const { costUsd, estimatedCostUsd, cacheSavingsUsd, ...exact } = a;
            expect(exact).toEqual(Object.fromEntries(Object.keys(exact).map((k) => [k, b[k as keyof typeof b]])));
            expect(costUsd).toBeCloseTo(b.costUsd, 9);
            expect(estimatedCostUsd).toBeCloseTo(b.estimatedCostUsd, 9);
            expect(cacheSavingsUsd).toBeCloseTo(b.cacheSavingsUsd, 9);
          }
        }
      }
    }
    // Most of a five-minute window came as parts: 30,000 rows 10 ms apart, in slots of 10 s.
    expect(partsRead).toBeGreaterThan(100);
  });

  it('counts the rows loaded at start in the sums that live rows then add to', () => {
    const t = new Timeline();
    for (let i = 0; i < 300; i++) t.insert(row(i, i * 100 + 50), false);
    // Late rows among the loaded ones (slots of 10 s): in the middle of a slot, first in one, last
    // in one; then one after them all.
    for (const [n, time] of [[300, 15_000.5], [301, 10_010], [302, 19_990], [303, 45_000]] as const) t.insert(row(n, time));
    const requests = (parts: boolean) => aggregate((visit, visitPart) => t.each(0, 100_000, visit, parts ? visitPart : undefined), [], 60, () => true).totals.requests;
    expect(requests(false)).toBe(304);
    expect(requests(true)).toBe(304);
  });

  it('counts a late row once when it splits a full chunk in two', () => {
    const t = new Timeline();
    // Four full chunks in time order; a summary keeps the sums of the three older ones.
    for (let i = 0; i < 4 * 1024; i++) t.insert(row(i, i));
    const requests = (parts: boolean) => aggregate((visit, visitPart) => t.each(0, 10_000, visit, parts ? visitPart : undefined), [], 60, () => true).totals.requests;
    expect(requests(true)).toBe(4096);
    // Rows 1024-2047 fill the second chunk and both its neighbours are full: it is split, and the
    // late row goes into the new half.
    t.insert(row(9999, 1800.5));
    expect(requests(false)).toBe(4097);
    expect(requests(true)).toBe(4097);
  });

  it("moves a full chunk's first row back when the chunk before has room, dead or alive, and loses no row", () => {
    const t = new Timeline();
    const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);
    for (let i = 0; i < 2048; i++) t.insert(row(i, i));
    // A late row splits the full first chunk: the chunk of rows 512-1023 has room now.
    t.insert(row(5000, 500.5));
    expect(t.chunkCount).toBe(3);
    expect(t.remove(1024, hashId('r1024'))).toBe(true);
    // Into the full third chunk, after its second row: its first (dead) goes back to the second chunk.
    t.insert(row(5001, 1025.5));
    expect(t.chunkCount).toBe(3);
    expect(names(t, -1, 3000)).toEqual([...range(0, 501), 5000, ...range(501, 1024), 1025, 5001, ...range(1026, 2048)]);
    // The dead row is counted where it went: each chunk goes when its last live row does, not before.
    for (let i = 512; i < 1024; i++) t.remove(i, hashId(`r${i}`));
    expect(t.chunkCount).toBe(2);
    for (let i = 1025; i < 2048; i++) t.remove(i, hashId(`r${i}`));
    expect(t.chunkCount).toBe(2);
    expect(names(t, 1000, 3000)).toEqual([5001]);
  });

  it('keeps rows of the same time in arrival order', () => {
    const t = new Timeline();
    for (const [n, time] of [[1, 5], [26, 9], [2, 5], [3, 5]]) t.insert(row(n!, time!));
    expect(names(t, 0, 10)).toEqual([1, 2, 3, 26]);
  });
});

function pick(r: StatRow): StatRow {
  return {
    timeMs: r.timeMs, cell: r.cell, durationMs: r.durationMs, ttftMs: r.ttftMs, inputTokens: r.inputTokens, outputTokens: r.outputTokens,
    cacheReadTokens: r.cacheReadTokens, cacheWriteTokens: r.cacheWriteTokens, reasoningTokens: r.reasoningTokens, costUsd: r.costUsd,
    costSource: r.costSource, cacheSavingsUsd: r.cacheSavingsUsd, outputTokensPerSecond: r.outputTokensPerSecond, status: r.status,
    contextPercent: r.contextPercent,
  };
}
