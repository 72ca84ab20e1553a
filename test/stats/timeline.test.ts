import { describe, expect, it } from 'vitest';
import { Timeline } from '../../src/stats/timeline.js';

type Row = { id: string; timeMs: number; dead?: boolean };
const row = (id: string, timeMs: number): Row => ({ id, timeMs });
const ids = (it: Iterable<Row>) => [...it].map((r) => r.id);

describe('Timeline', () => {
  it('keeps rows in time order whatever order they arrive in, and reads a window', () => {
    const t = new Timeline<Row>();
    for (const r of [row('c', 30), row('a', 10), row('e', 50), row('b', 20), row('d', 40)]) t.insert(r);
    expect(ids(t.between(0, 100))).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(ids(t.between(20, 40))).toEqual(['b', 'c', 'd']);
    expect(ids(t.between(41, 49))).toEqual([]);
  });

  it('skips removed rows, and compacts once most are dead', () => {
    const t = new Timeline<Row>();
    const rows = Array.from({ length: 3000 }, (_, i) => row(`r${i}`, i));
    for (const r of rows) t.insert(r);
    for (const r of rows.slice(0, 2000)) t.remove(r);
    t.remove(rows[0]!); // twice is once
    expect(t.size).toBe(1000);
    expect(ids(t.between(1998, 2001))).toEqual(['r2000', 'r2001']);
  });

  it('drops the rows older than a cutoff and returns the live ones', () => {
    const t = new Timeline<Row>();
    const rows = [row('a', 1), row('b', 2), row('c', 3), row('d', 4)];
    for (const r of rows) t.insert(r);
    t.remove(rows[1]!);
    expect(ids(t.dropBefore(3))).toEqual(['a']);
    expect(ids(t.between(0, 10))).toEqual(['c', 'd']);
    expect(t.size).toBe(2);
  });

  it('matches a sorted list through 20,000 inserts in any order, removes and drops (many chunks)', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const t = new Timeline<Row>();
    let all: Row[] = [];
    for (let i = 0; i < 20_000; i++) {
      // Mostly ascending, with spans ending up to a minute out of order, and some equal times.
      const r = row(`r${i}`, Math.floor(i * 10 - rand() * 60_000 * (rand() < 0.5 ? 1 : 0)));
      t.insert(r);
      all.push(r);
      if (i % 7 === 0) {
        const victim = all[Math.floor(rand() * all.length)]!;
        t.remove(victim);
      }
      if (i % 5000 === 4999) {
        const cutoff = i * 10 - 100_000;
        const dropped = t.dropBefore(cutoff);
        expect(dropped.every((d) => d.timeMs < cutoff && !d.dead)).toBe(true);
        all = all.filter((r) => r.timeMs >= cutoff);
      }
    }
    const expected = all.filter((r) => !r.dead).sort((a, b) => a.timeMs - b.timeMs);
    expect(t.size).toBe(expected.length);
    const got = [...t.between(-Infinity, Infinity)];
    expect(got.map((r) => r.timeMs)).toEqual(expected.map((r) => r.timeMs));
    expect(new Set(got.map((r) => r.id))).toEqual(new Set(expected.map((r) => r.id)));
    const [lo, hi] = [120_000, 130_000];
    expect(ids(t.between(lo, hi)).sort()).toEqual(expected.filter((r) => r.timeMs >= lo && r.timeMs <= hi).map((r) => r.id).sort());
  });

  it('keeps rows of the same time in arrival order', () => {
    const t = new Timeline<Row>();
    for (const r of [row('a', 5), row('z', 9), row('b', 5), row('c', 5)]) t.insert(r);
    expect(ids(t.between(0, 10))).toEqual(['a', 'b', 'c', 'z']);
  });
});

