/** Rows per chunk: an insert moves at most this many, whatever the size of the timeline. */
const CHUNK = 512;

/**
 * Rows in time order, so that a window is found by binary search rather than by scanning the
 * whole horizon (a day of calls to read five minutes). Calls arrive roughly in time order, but
 * spans end in any order within a minute or so: rows are kept in chunks of a few hundred, so an
 * insert into the middle moves one chunk, not a day of rows. Removed rows are marked dead and
 * swept out in bulk.
 */
export class Timeline<T extends { timeMs: number; dead?: boolean }> {
  /** Sorted by time, each non-empty; every row of a chunk is at or before the next chunk's first. */
  private chunks: T[][] = [];
  private count = 0;
  private deadCount = 0;

  get size(): number {
    return this.count - this.deadCount;
  }

  insert(row: T): void {
    this.count++;
    const last = this.chunks[this.chunks.length - 1];
    if (!last || last[last.length - 1]!.timeMs <= row.timeMs) {
      if (last && last.length < CHUNK) last.push(row);
      else this.chunks.push([row]);
      return;
    }
    // The chunk holding the first row later than this one; the row goes before that.
    const c = this.chunkOf(row.timeMs, true);
    const chunk = this.chunks[c]!;
    chunk.splice(upperBound(chunk, row.timeMs), 0, row);
    if (chunk.length >= 2 * CHUNK) this.chunks.splice(c, 1, chunk.slice(0, CHUNK), chunk.slice(CHUNK));
  }

  /** Marks a row removed; the chunks are compacted once dead rows are half of them. */
  remove(row: T): void {
    if (row.dead) return;
    row.dead = true;
    this.deadCount++;
    if (this.deadCount > 1024 && this.deadCount * 2 > this.count) this.compact();
  }

  /** Live rows with start <= timeMs <= end, oldest first. */
  *between(start: number, end: number): Generator<T> {
    for (let c = this.chunkOf(start, false); c < this.chunks.length; c++) {
      const chunk = this.chunks[c]!;
      for (let i = lowerBound(chunk, start); i < chunk.length; i++) {
        const r = chunk[i]!;
        if (r.timeMs > end) return;
        if (!r.dead) yield r;
      }
    }
  }

  /** Removes and returns the live rows older than `cutoff`. */
  dropBefore(cutoff: number): T[] {
    const dropped: T[] = [];
    while (this.chunks.length > 0) {
      const chunk = this.chunks[0]!;
      const n = lowerBound(chunk, cutoff);
      if (n === 0) break;
      if (n === chunk.length) {
        this.chunks.shift();
        for (const r of chunk) dropped.push(r);
      } else {
        for (const r of chunk.splice(0, n)) dropped.push(r);
        break;
      }
    }
    const live = dropped.filter((r) => !r.dead);
    this.count -= dropped.length;
    this.deadCount -= dropped.length - live.length;
    return live;
  }

  /**
   * The first chunk that can hold rows at `t` (`after`: rows later than `t`), by binary search on
   * the chunks' last rows; the last chunk when every row is earlier.
   */
  private chunkOf(t: number, after: boolean): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const lastTime = this.chunks[mid]![this.chunks[mid]!.length - 1]!.timeMs;
      if (after ? lastTime <= t : lastTime < t) lo = mid + 1;
      else hi = mid;
    }
    return Math.max(0, lo);
  }

  private compact(): void {
    const live: T[] = [];
    for (const chunk of this.chunks) for (const r of chunk) if (!r.dead) live.push(r);
    this.chunks = [];
    for (let i = 0; i < live.length; i += CHUNK) this.chunks.push(live.slice(i, i + CHUNK));
    this.count = live.length;
    this.deadCount = 0;
  }
}

/** The first index whose time is >= t. */
function lowerBound(rows: readonly { timeMs: number }[], t: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid]!.timeMs < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose time is > t: a row goes after those with the same time. */
function upperBound(rows: readonly { timeMs: number }[], t: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid]!.timeMs <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
