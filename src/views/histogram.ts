/**
 * Log-spaced histograms of latencies, for the distribution view: pure functions over sorted
 * values, so the buckets and percentile marks are tested without rendering.
 */

export interface Bucket {
  /** Lower edge, inclusive (the first bucket also holds everything below it). */
  loMs: number;
  /** Upper edge, exclusive. */
  hiMs: number;
  count: number;
}

export interface Histogram {
  count: number;
  buckets: Bucket[];
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/**
 * Edge ladders from finest to coarsest: mantissas within a decade, and how many decades one step
 * of the ladder spans. Round edges (100ms, 200ms, 500ms, 1s) read better than exact powers.
 */
const LADDERS: readonly { mantissas: readonly number[]; decades: number }[] = [
  { mantissas: [1, 1.5, 2, 3, 5, 7], decades: 1 },
  { mantissas: [1, 2, 5], decades: 1 },
  { mantissas: [1, 3], decades: 1 },
  { mantissas: [1], decades: 1 },
  { mantissas: [1], decades: 2 },
  { mantissas: [1], decades: 4 },
];

/** Edges below 1 ms are not told apart: sub-millisecond calls share the first bucket. */
const FLOOR_MS = 1;

/** The value at quantile q of ascending values, interpolated between the closest ranks. */
export function quantileSorted(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function edgesOf(lo: number, hi: number, ladder: (typeof LADDERS)[number]): number[] {
  const step = ladder.decades;
  const dLo = Math.floor(Math.floor(Math.log10(lo)) / step) * step;
  const dHi = Math.floor(Math.log10(hi)) + step;
  const all: number[] = [];
  for (let d = dLo; d <= dHi; d += step) for (const m of ladder.mantissas) all.push(Math.round(m * 10 ** d * 1e6) / 1e6);
  // The last edge at or below lo, up to the first edge above hi.
  let start = 0;
  while (start + 1 < all.length && all[start + 1]! <= lo) start++;
  let end = start + 1;
  while (end < all.length - 1 && all[end]! <= hi) end++;
  return all.slice(start, end + 1);
}

/** Log-spaced buckets over ascending values, the finest ladder that fits in `maxBuckets`. */
export function logBuckets(sorted: readonly number[], maxBuckets: number): Bucket[] {
  if (sorted.length === 0) return [];
  const lo = Math.max(FLOOR_MS, sorted[0]!);
  const hi = Math.max(lo, sorted[sorted.length - 1]!);
  let edges: number[] = [];
  for (const ladder of LADDERS) {
    edges = edgesOf(lo, hi, ladder);
    if (edges.length - 1 <= Math.max(1, maxBuckets)) break;
  }
  const n = edges.length - 1;
  if (n > Math.max(1, maxBuckets)) {
    // Even the coarsest ladder is too fine for the rows: merge k neighbours per bucket.
    const k = Math.ceil(n / Math.max(1, maxBuckets));
    edges = edges.filter((_, i) => i % k === 0 || i === n);
  }
  const buckets: Bucket[] = [];
  for (let i = 0; i + 1 < edges.length; i++) buckets.push({ loMs: edges[i]!, hiMs: edges[i + 1]!, count: 0 });
  let b = 0;
  for (const v of sorted) {
    while (b < buckets.length - 1 && v >= buckets[b]!.hiMs) b++;
    buckets[b]!.count++;
  }
  return buckets;
}

export function histogram(sorted: readonly number[], maxBuckets: number): Histogram {
  return {
    count: sorted.length,
    buckets: logBuckets(sorted, maxBuckets),
    p50: quantileSorted(sorted, 0.5),
    p95: quantileSorted(sorted, 0.95),
    p99: quantileSorted(sorted, 0.99),
  };
}

/** Index of the bucket holding a value: below the first edge is the first, above the last the last. */
export function bucketOf(buckets: readonly Bucket[], value: number): number {
  const i = buckets.findIndex((b) => value < b.hiMs);
  return i < 0 ? buckets.length - 1 : i;
}

/** How many of the ascending values are above a threshold. */
export function countAbove(sorted: readonly number[], threshold: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= threshold) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length - lo;
}
