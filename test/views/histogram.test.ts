import { describe, expect, test } from 'vitest';
import { bucketOf, countAbove, histogram, logBuckets, quantileSorted } from '../../src/views/histogram.js';
import { bar, blockLines } from '../../src/views/panels/Distribution.js';

const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe('latency histogram', () => {
  test('percentiles interpolate between the closest ranks, like the query API', () => {
    const v = range(20, (i) => (i + 1) * 100);
    expect(quantileSorted(v, 0.5)).toBeCloseTo(1050);
    expect(quantileSorted(v, 0.95)).toBeCloseTo(1905);
    expect(quantileSorted(v, 0.99)).toBeCloseTo(1981);
    expect(quantileSorted([], 0.5)).toBeNull();
    expect(quantileSorted([7], 0.99)).toBe(7);
  });

  test('log-spaced buckets on round edges, the finest ladder that fits', () => {
    const v = range(20, (i) => (i + 1) * 100);
    const fine = logBuckets(v, 20);
    expect(fine.map((b) => b.loMs)).toEqual([100, 150, 200, 300, 500, 700, 1000, 1500, 2000]);
    expect(fine.at(-1)!.hiMs).toBe(3000);
    expect(fine.map((b) => b.count)).toEqual([1, 0, 1, 2, 2, 3, 5, 5, 1]);
    // Five rows: 1-2-5 per decade.
    expect(logBuckets(v, 5).map((b) => [b.loMs, b.count])).toEqual([[100, 1], [200, 3], [500, 5], [1000, 10], [2000, 1]]);
    // Two rows: a bucket per decade.
    expect(logBuckets(v, 2).map((b) => [b.loMs, b.hiMs, b.count])).toEqual([[100, 1000, 9], [1000, 10_000, 11]]);
  });

  test('every value lands in a bucket: sub-millisecond, equal values, minutes-long calls', () => {
    for (const v of [[0, 0.2, 0.9], [1200, 1200, 1200], [3, 40, 900, 12_000, 250_000], [5]]) {
      for (const max of [1, 3, 8, 30]) {
        const b = logBuckets(v, max);
        expect(b.length).toBeLessThanOrEqual(Math.max(1, max));
        expect(b.reduce((n, x) => n + x.count, 0)).toBe(v.length);
        for (let i = 1; i < b.length; i++) expect(b[i]!.loMs).toBe(b[i - 1]!.hiMs);
      }
    }
    expect(logBuckets([], 10)).toEqual([]);
  });

  test('bucketOf and countAbove', () => {
    const b = logBuckets([100, 2000], 5);
    expect(bucketOf(b, 50)).toBe(0);
    expect(bucketOf(b, 1999)).toBe(3);
    expect(bucketOf(b, 1e9)).toBe(b.length - 1);
    expect(countAbove([1, 5, 10_000, 10_001, 20_000], 10_000)).toBe(2);
    expect(countAbove([], 1)).toBe(0);
  });

  test('bars in eighths of a column, a sliver for any count', () => {
    expect(bar(10, 10, 4)).toBe('████');
    expect(bar(5, 10, 4)).toBe('██');
    expect(bar(1, 1000, 4)).toBe('▏');
    expect(bar(0, 10, 4)).toBe('');
  });

  test('a block marks P50 P95 P99 on their buckets and colours the buckets past the slow threshold', () => {
    const v = [...range(18, () => 1000), 12_000, 30_000];
    const lines = blockLines('latency', histogram(v, 10), 40, 10_000);
    const text = lines.map((l) => l.map((s) => s.text).join(''));
    expect(text[0]).toBe('latency · 20 calls');
    expect(text[1]).toBe('P50 1.0s  P95 12.9s  P99 26.6s');
    expect(lines[1]!.find((s) => s.text === '12.9s')!.color).toBe('red');
    const p50 = text.findIndex((t) => t.includes('◂P50'));
    expect(text[p50]).toMatch(/^ +<1\.5s █+ +18 ◂P50$/);
    const slow = lines.filter((l) => l[1]!.color === 'red').map((l) => l[0]!.text.trim());
    expect(slow).toEqual(['<15.0s', '<20.0s', '<30.0s', '<50.0s']);
    expect(text.find((t) => t.includes('◂P95'))).toMatch(/<15\.0s .* 1 ◂P95$/);
    // P99 interpolates between 12 s and 30 s: it can fall in a bucket with no call of its own.
    expect(text.find((t) => t.includes('◂P99'))).toMatch(/<30\.0s +0 ◂P99$/);
  });
});
