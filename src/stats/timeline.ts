/**
 * Rows in time order, so that a window is found by binary search rather than by scanning the
 * whole horizon (a day of calls to read five minutes). Calls arrive nearly in time order: an
 * insert is almost always an append. Removed rows are marked dead and swept out in bulk.
 */
export class Timeline<T extends { timeMs: number; dead?: boolean }> {
  private items: T[] = [];
  private deadCount = 0;

  get size(): number {
    return this.items.length - this.deadCount;
  }

  insert(row: T): void {
    let i = this.items.length;
    if (i > 0 && this.items[i - 1]!.timeMs > row.timeMs) i = this.firstAtOrAfter(row.timeMs);
    if (i === this.items.length) this.items.push(row);
    else this.items.splice(i, 0, row);
  }

  /** Marks a row removed; the array is compacted once dead rows are half of it. */
  remove(row: T): void {
    if (row.dead) return;
    row.dead = true;
    this.deadCount++;
    if (this.deadCount > 1024 && this.deadCount * 2 > this.items.length) this.compact();
  }

  /** Live rows with start <= timeMs <= end, oldest first. */
  *between(start: number, end: number): Generator<T> {
    for (let i = this.firstAtOrAfter(start); i < this.items.length; i++) {
      const r = this.items[i]!;
      if (r.timeMs > end) return;
      if (!r.dead) yield r;
    }
  }

  /** Removes and returns the live rows older than `cutoff`. */
  dropBefore(cutoff: number): T[] {
    const n = this.firstAtOrAfter(cutoff);
    if (n === 0) return [];
    const dropped = this.items.splice(0, n);
    const live = dropped.filter((r) => !r.dead);
    this.deadCount -= dropped.length - live.length;
    return live;
  }

  private firstAtOrAfter(t: number): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid]!.timeMs < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private compact(): void {
    this.items = this.items.filter((r) => !r.dead);
    this.deadCount = 0;
  }
}
