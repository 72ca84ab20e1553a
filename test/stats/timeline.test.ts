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
});
