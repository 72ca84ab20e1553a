/**
 * Call ids to the time of their row, for a day of calls: a JavaScript Map of a million id strings
 * costs some 150 bytes a call, this table about 35. Ids are kept as a 64-bit hash, two 32-bit
 * halves; with a million calls the chance that two ids share one is about 3 in 100 million.
 * Open addressing with linear probing over typed arrays, so the garbage collector never walks it.
 */
export class IdIndex {
  private hi!: Uint32Array;
  private lo!: Uint32Array;
  private times!: Float64Array;
  /** 0: empty, 1: full, 2: deleted (a probe goes on past it). */
  private state!: Uint8Array;
  private mask = 0;
  private full = 0;
  private deleted = 0;

  constructor(capacity = 1024) {
    this.allocate(capacity);
  }

  get size(): number {
    return this.full;
  }

  /** The time of the row with this id hash, or undefined. */
  get(h: IdHash): number | undefined {
    const i = this.find(h);
    return i < 0 ? undefined : this.times[i];
  }

  set(h: IdHash, timeMs: number): void {
    const found = this.find(h);
    if (found >= 0) {
      this.times[found] = timeMs;
      return;
    }
    if ((this.full + this.deleted + 1) * 2 > this.state.length) this.rehash();
    let i = h.lo & this.mask;
    while (this.state[i] === 1) i = (i + 1) & this.mask;
    if (this.state[i] === 2) this.deleted--;
    this.hi[i] = h.hi;
    this.lo[i] = h.lo;
    this.times[i] = timeMs;
    this.state[i] = 1;
    this.full++;
  }

  delete(h: IdHash): boolean {
    const i = this.find(h);
    if (i < 0) return false;
    this.state[i] = 2;
    this.full--;
    this.deleted++;
    return true;
  }

  private find(h: IdHash): number {
    let i = h.lo & this.mask;
    for (;;) {
      const s = this.state[i];
      if (s === 0) return -1;
      if (s === 1 && this.lo[i] === h.lo && this.hi[i] === h.hi) return i;
      i = (i + 1) & this.mask;
    }
  }

  /** Grows when mostly full; otherwise clears out the deleted slots. */
  private rehash(): void {
    const { hi, lo, times, state } = this;
    const capacity = this.full * 4 > state.length ? state.length * 2 : state.length;
    this.allocate(capacity);
    for (let j = 0; j < state.length; j++) if (state[j] === 1) this.set({ hi: hi[j]!, lo: lo[j]! }, times[j]!);
  }

  private allocate(capacity: number): void {
    const size = 2 ** Math.ceil(Math.log2(Math.max(16, capacity)));
    this.hi = new Uint32Array(size);
    this.lo = new Uint32Array(size);
    this.times = new Float64Array(size);
    this.state = new Uint8Array(size);
    this.mask = size - 1;
    this.full = 0;
    this.deleted = 0;
  }
}

export interface IdHash {
  hi: number;
  lo: number;
}

/** cyrb53's two independent 32-bit lanes (public domain, github.com/bryc/code), both kept. */
export function hashId(id: string): IdHash {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < id.length; i++) {
    const ch = id.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return { hi: h2 >>> 0, lo: h1 >>> 0 };
}
