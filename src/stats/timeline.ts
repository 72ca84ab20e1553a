import type { CallStatus, CostSource } from '../domain/call.js';
import { Accumulator, type StatRow } from './aggregate.js';
import type { Cell } from './cells.js';
import type { Problem } from './errors.js';
import type { IdHash } from './id-hash.js';
import { outputTokensPerSecond } from './speed.js';

/** Rows per chunk: an insert moves at most this many, whatever the size of the timeline. */
const CHUNK = 1024;

/** A row as the timeline takes it: the numbers of a call, its cell, its id's hash and what went wrong. */
export interface TimelineRow extends Omit<StatRow, 'outputTokensPerSecond' | 'cacheSavingsUsd' | 'contextPercent'> {
  hash: IdHash;
  /** Set when the call is an error, was cut short or came near its context window. */
  problem: Problem | null;
}

/** How far a time the store gives back (kept to the microsecond) can be from the row's, ms. */
const NEAR_MS = 0.002;

const STATUS_ERROR = 1;
const DEAD = 2;
const COST_SOURCES: readonly CostSource[] = ['reported', 'estimated', 'unknown'];
const COST_SHIFT = 2;
const COST_MASK = 3;
/** The row has a problem, kept in the timeline's problems under its id's hash. */
const HAS_PROBLEM = 16;

/** A problem and its row's time: rows whose ids share a hash are told apart by their times. */
interface ProblemAt {
  timeMs: number;
  problem: Problem;
}

/**
 * Summaries add rows up per cell in slots of this many ms of the timeline, kept as rows come in,
 * for the slots of the newest SLOTS_KEPT (a five-minute window and some): a summary of a busy
 * window merges thirty slots rather than adding up a hundred thousand rows, whatever order the
 * rows arrived in.
 */
const SLOT_MS = 10_000;
const SLOTS_KEPT = 36;

/** A slot's live rows added up per cell: what a summary merges instead of reading them one by one. */
export type SlotPart = ReadonlyMap<Cell, Accumulator>;

const slotOf = (timeMs: number): number => Math.floor(timeMs / SLOT_MS);

function addTo(part: Map<Cell, Accumulator>, r: TimelineCursor): void {
  let acc = part.get(r.cell);
  if (!acc) part.set(r.cell, (acc = new Accumulator()));
  acc.add(r);
}

/** Bytes a row takes: four 8-byte columns, seven 4-byte ones and the flags. */
const ROW_BYTES = 4 * 8 + 7 * 4 + 1;

/**
 * A thousand rows, a typed array per field, all in one buffer: a day of calls as objects took
 * some 550 bytes a call and gave the garbage collector a million objects to walk; as columns, 61
 * bytes (a problem, which few calls have, is kept apart). What is worked out from the other
 * columns is not kept: generation speed (from the duration, TTFT and output tokens), cache
 * savings (cache reads at the cell's model's rate) and context use (input tokens over the cell's
 * model's window).
 */
class Chunk {
  n = 0;
  /** Rows of the n marked DEAD. */
  dead = 0;
  private readonly buffer = new ArrayBuffer(CHUNK * ROW_BYTES);
  /** Where the next column goes in the buffer, while the columns are made. */
  private at = 0;
  readonly time = this.column(Float64Array);
  readonly duration = this.column(Float64Array);
  /** NaN: none. */
  readonly ttft = this.column(Float64Array);
  /** NaN: no price known. */
  readonly cost = this.column(Float64Array);
  /** Token counts are whole numbers, as the store keeps them. */
  readonly input = this.column(Uint32Array);
  readonly output = this.column(Uint32Array);
  readonly cacheRead = this.column(Uint32Array);
  readonly cacheWrite = this.column(Uint32Array);
  readonly reasoning = this.column(Uint32Array);
  readonly hash = this.column(Uint32Array);
  readonly cell = this.column(Uint32Array);
  /** STATUS_ERROR | DEAD | HAS_PROBLEM | cost source << COST_SHIFT (two bits). */
  readonly flags = this.column(Uint8Array);
  private readonly columns = [
    this.time, this.duration, this.ttft, this.cost, this.input, this.output, this.cacheRead, this.cacheWrite,
    this.reasoning, this.hash, this.cell, this.flags,
  ];

  private column<T>(Type: new (buffer: ArrayBuffer, offset: number, length: number) => T & { BYTES_PER_ELEMENT: number }): T {
    const c = new Type(this.buffer, this.at, CHUNK);
    this.at += CHUNK * c.BYTES_PER_ELEMENT;
    return c;
  }

  /** Opens a gap at `i` (moving the rows after it), or appends when i === n. */
  openAt(i: number): void {
    if (i < this.n) for (const c of this.columns) c.copyWithin(i + 1, i, this.n);
    this.n++;
  }

  /** Rows [from, to) of `src` appended here; returns how many of them are dead. */
  takeFrom(src: Chunk, from: number, to: number): number {
    for (let k = 0; k < this.columns.length; k++) this.columns[k]!.set(src.columns[k]!.subarray(from, to), this.n);
    this.n += to - from;
    const dead = src.deadIn(from, to);
    this.dead += dead;
    return dead;
  }

  /** The last row moved to the front of `next`. */
  passLast(next: Chunk): void {
    next.openAt(0);
    next.copyRow(0, this, this.n - 1);
    this.dead -= this.deadIn(this.n - 1, this.n);
    this.n--;
  }

  /**
   * The first row moved to the end of `prev`, and a gap opened at i - 1 in its place by moving
   * rows [1, i) down one: what passFirst then openAt(i - 1) do, moving i rows instead of all.
   */
  passFirstOpenAt(prev: Chunk, i: number): void {
    prev.copyRow(prev.n++, this, 0);
    this.dead -= this.deadIn(0, 1);
    if (i > 1) for (const c of this.columns) c.copyWithin(0, 1, i);
  }

  /** Drops the first `count` rows. */
  shift(count: number): void {
    this.dead -= this.deadIn(0, count);
    for (const c of this.columns) c.copyWithin(0, count, this.n);
    this.n -= count;
  }

  deadIn(from: number, to: number): number {
    let dead = 0;
    for (let i = from; i < to; i++) if (this.flags[i]! & DEAD) dead++;
    return dead;
  }

  /** Row `from` of `src` written over row `to` here. */
  private copyRow(to: number, src: Chunk, from: number): void {
    for (let k = 0; k < this.columns.length; k++) this.columns[k]![to] = src.columns[k]![from]!;
    if (this.flags[to]! & DEAD) this.dead++;
  }
}

/**
 * The rows of the live statistics in time order, so that a window is found by binary search
 * rather than by scanning the whole horizon (a day of calls to read five minutes). Calls arrive
 * roughly in time order, but spans end in any order within a minute or so: rows are kept in
 * chunks, so an insert into the middle moves one chunk, not a day of rows. Removed rows are
 * marked dead; a chunk goes when its last live row does, and the rest are swept out in bulk.
 */
export class Timeline {
  /** Sorted by time, each non-empty; every row of a chunk is at or before the next chunk's first. */
  private chunks: Chunk[] = [];
  private count = 0;
  private deadCount = 0;
  /** Interned cells, by the number a row keeps, what a cache-read token saves in each, and its model's context window. */
  private readonly cells: Cell[] = [];
  private readonly savingsPerCacheRead: number[] = [];
  private readonly contextWindows: (number | null)[] = [];
  private readonly cellNumbers = new Map<Cell, number>();
  /**
   * The rows' problems by their ids' hashes: a column of indexes took 4 bytes a row for the few
   * rows with one. Rows move in and between chunks; their hashes and times stay.
   */
  private readonly problems = new Map<IdHash, ProblemAt | ProblemAt[]>();
  private readonly cursor = new RowCursor(this.cells, this.savingsPerCacheRead, this.contextWindows, this.problems);
  /** Recent slots' rows added up per cell (see SLOT_MS), by slot number; a slot without one is read row by row. */
  private readonly slots = new Map<number, Map<Cell, Accumulator>>();
  /** The slot of the newest row ever inserted: sums are kept for the SLOTS_KEPT up to it. */
  private newestSlot = -Infinity;

  /**
   * Asked once per cell: `cellSavings`, USD one cache-read token saves (none without it);
   * `cellContextWindow`, the model's window in tokens (unknown without it).
   */
  constructor(
    private readonly cellSavings: (cell: Cell) => number = () => 0,
    private readonly cellContextWindow: (cell: Cell) => number | null = () => null,
  ) {}

  get size(): number {
    return this.count - this.deadCount;
  }

  get chunkCount(): number {
    return this.chunks.length;
  }

  /** `keepSums`: false while loading a day of stored rows, whose old slots no summary keeps. */
  insert(row: TimelineRow, keepSums = true): void {
    this.count++;
    const last = this.chunks[this.chunks.length - 1];
    let chunk: Chunk;
    let i: number;
    if (!last || last.time[last.n - 1]! <= row.timeMs) {
      if (last && last.n < CHUNK) chunk = last;
      else this.chunks.push((chunk = new Chunk()));
      i = chunk.n;
      chunk.openAt(i);
    } else ({ chunk, i } = this.gapFor(row.timeMs));
    this.write(chunk, i, row);
    const s = slotOf(row.timeMs);
    if (s > this.newestSlot) {
      this.newestSlot = s;
      for (const old of this.slots.keys()) if (old <= s - SLOTS_KEPT) this.slots.delete(old);
    }
    let part = this.slots.get(s);
    // The slot's first row (its neighbours are in other slots): its sums can start here, ready for
    // the first summary, whether it came in order or late.
    if (!part && keepSums && s > this.newestSlot - SLOTS_KEPT && this.aloneInSlot(chunk, i, s)) this.slots.set(s, (part = new Map()));
    if (part) {
      this.cursor.at(chunk, i);
      addTo(part, this.cursor);
    }
  }

  /** Whether row i of `chunk` is the only row, live or dead, in slot s: rows are in time order. */
  private aloneInSlot(chunk: Chunk, i: number, s: number): boolean {
    const before = i > 0 ? chunk.time[i - 1] : this.edgeNextTo(chunk, -1);
    const after = i < chunk.n - 1 ? chunk.time[i + 1] : this.edgeNextTo(chunk, 1);
    return (before === undefined || slotOf(before) < s) && (after === undefined || slotOf(after) > s);
  }

  /** The time of the last row of the chunk before (-1) or the first of the chunk after (1), if any. */
  private edgeNextTo(chunk: Chunk, side: -1 | 1): number | undefined {
    const last = this.chunks.length - 1;
    const other = this.chunks[(this.chunks[last] === chunk ? last : this.chunks.indexOf(chunk)) + side];
    return other && (side < 0 ? other.time[other.n - 1] : other.time[0]);
  }

  /**
   * Where a late row at `t` goes, with a gap opened for it. A full chunk first passes its first
   * row to the previous chunk or its last to the next one, as a B-tree's nodes do, so that late
   * rows keep chunks full; only when both neighbours are full too is it split in two. The previous
   * chunk is asked first: passing the first row moves only the rows before the gap, where passing
   * the last moves every row of the next chunk.
   */
  private gapFor(t: number): { chunk: Chunk; i: number } {
    // The chunk holding the first row later than t; the row goes before that.
    const c = this.chunkOf(t, true);
    const chunk = this.chunks[c]!;
    if (chunk.n < CHUNK) return openedAt(chunk, t);
    const prev = this.chunks[c - 1];
    if (prev && prev.n < CHUNK) {
      if (t < chunk.time[0]!) return openedAt(prev, t);
      const i = bound(chunk, t, true);
      chunk.passFirstOpenAt(prev, i);
      return { chunk, i: i - 1 };
    }
    const next = this.chunks[c + 1];
    if (next && next.n < CHUNK) {
      chunk.passLast(next);
      return openedAt(chunk, t);
    }
    const half = new Chunk();
    chunk.dead -= half.takeFrom(chunk, CHUNK / 2, CHUNK);
    chunk.n = CHUNK / 2;
    this.chunks.splice(c + 1, 0, half);
    return openedAt(chunk.time[chunk.n - 1]! <= t ? half : chunk, t);
  }

  /**
   * Marks the row with this id hash removed, looking within NEAR_MS of `timeMs` (the store gives
   * back times to the microsecond); false when there is none. A chunk left with no live row goes
   * at once: the ring trims the oldest calls, so the front of the timeline empties chunk by chunk.
   */
  remove(timeMs: number, h: IdHash): boolean {
    const at = this.locate(timeMs, h);
    if (at < 0) return false;
    const c = Math.floor(at / CHUNK);
    const i = at % CHUNK;
    const chunk = this.chunks[c]!;
    chunk.flags[i]! |= DEAD;
    this.slots.delete(slotOf(chunk.time[i]!));
    chunk.dead++;
    this.freeProblem(chunk, i);
    this.deadCount++;
    if (chunk.dead === chunk.n) {
      this.chunks.splice(c, 1);
      this.count -= chunk.n;
      this.deadCount -= chunk.n;
    } else if (this.deadCount > CHUNK && this.deadCount * 2 > this.count) this.compact();
    return true;
  }

  /** What `read` makes of the live row with this id hash near `timeMs` (as `remove` finds it), if there is one. */
  find<T>(timeMs: number, h: IdHash, read: (r: TimelineCursor) => T): T | undefined {
    const at = this.locate(timeMs, h);
    if (at < 0) return undefined;
    this.cursor.at(this.chunks[Math.floor(at / CHUNK)]!, at % CHUNK);
    return read(this.cursor);
  }

  /** Where the row is, as chunk * CHUNK + row (a number: removals run for every trimmed call), or -1. */
  private locate(timeMs: number, h: IdHash): number {
    const from = timeMs - NEAR_MS;
    const to = timeMs + NEAR_MS;
    for (let c = this.chunkOf(from, false); c < this.chunks.length; c++) {
      const chunk = this.chunks[c]!;
      for (let i = bound(chunk, from); i < chunk.n; i++) {
        if (chunk.time[i]! > to) return -1;
        if (chunk.hash[i] === h && !(chunk.flags[i]! & DEAD)) return c * CHUNK + i;
      }
    }
    return -1;
  }

  /**
   * Calls `visit` with each live row with start <= timeMs <= end, oldest first. Each is the same
   * cursor moved along: read it in `visit`, and copy what is kept. A callback rather than an
   * iterator: a hundred thousand rows then cost no result objects and no boxed numbers.
   *
   * With `visitPart`, the rows of a recent slot (SLOT_MS) wholly in the range come added up per
   * cell instead: kept as rows come in, dropped when one goes, made again when next read.
   */
  each(start: number, end: number, visit: (r: TimelineCursor) => void, visitPart?: (part: SlotPart) => void): void {
    if (!visitPart || this.chunks.length === 0) return this.rows(start, end, visit);
    // Older slots' sums went when a newer row came (insert).
    const kept = this.newestSlot - SLOTS_KEPT + 1;
    // The slots wholly inside, with a millisecond to spare so that rounding cannot put a row in both a slot and the rows around it.
    const first = Math.max(kept, Math.ceil((start + 1) / SLOT_MS));
    const after = Math.floor((end - 1) / SLOT_MS);
    if (first >= after) return this.rows(start, end, visit);
    this.rows(start, end, visit, -Infinity, first);
    for (let s = first; s < after; s++) visitPart(this.slots.get(s) ?? this.slotPart(s));
    this.rows(Math.max(start, after * SLOT_MS - 1), end, visit, after);
  }

  /** The live rows at start..end (both included) whose slot is in [fromSlot, toSlot), oldest first. */
  private rows(start: number, end: number, visit: (r: TimelineCursor) => void, fromSlot = -Infinity, toSlot = Infinity): void {
    const cursor = this.cursor;
    for (let c = this.chunkOf(start, false); c < this.chunks.length; c++) {
      const chunk = this.chunks[c]!;
      for (let i = bound(chunk, start); i < chunk.n; i++) {
        const t = chunk.time[i]!;
        if (t > end) return;
        const s = slotOf(t);
        if (s >= toSlot) return;
        if (chunk.flags[i]! & DEAD || s < fromSlot) continue;
        cursor.at(chunk, i);
        visit(cursor);
      }
    }
  }

  /** A slot's live rows added up per cell, kept from now on. */
  private slotPart(s: number): SlotPart {
    const part = new Map<Cell, Accumulator>();
    this.rows(s * SLOT_MS - 1, (s + 1) * SLOT_MS + 1, (r) => addTo(part, r), s, s + 1);
    this.slots.set(s, part);
    return part;
  }

  /** Removes the rows older than `cutoff`. */
  dropBefore(cutoff: number): void {
    for (const s of this.slots.keys()) if (s <= slotOf(cutoff)) this.slots.delete(s);
    while (this.chunks.length > 0) {
      const chunk = this.chunks[0]!;
      const n = bound(chunk, cutoff);
      if (n === 0) break;
      for (let i = 0; i < n; i++) {
        if (chunk.flags[i]! & DEAD) this.deadCount--;
        else this.freeProblem(chunk, i);
      }
      this.count -= n;
      if (n === chunk.n) this.chunks.shift();
      else {
        chunk.shift(n);
        break;
      }
    }
  }

  private write(chunk: Chunk, i: number, r: TimelineRow): void {
    chunk.time[i] = r.timeMs;
    chunk.duration[i] = r.durationMs;
    chunk.ttft[i] = r.ttftMs ?? Number.NaN;
    chunk.input[i] = wholeTokens(r.inputTokens);
    chunk.output[i] = wholeTokens(r.outputTokens);
    chunk.cacheRead[i] = wholeTokens(r.cacheReadTokens);
    chunk.cacheWrite[i] = wholeTokens(r.cacheWriteTokens);
    chunk.reasoning[i] = wholeTokens(r.reasoningTokens);
    chunk.cost[i] = r.costUsd ?? Number.NaN;
    chunk.hash[i] = r.hash;
    chunk.cell[i] = this.cellNumber(r.cell);
    chunk.flags[i] = (r.status === 'error' ? STATUS_ERROR : 0) | (Math.max(0, COST_SOURCES.indexOf(r.costSource)) << COST_SHIFT);
    if (r.problem) this.keepProblem(r.hash, { timeMs: r.timeMs, problem: r.problem }, chunk, i);
  }

  private cellNumber(cell: Cell): number {
    let n = this.cellNumbers.get(cell);
    if (n === undefined) {
      n = this.cells.push(cell) - 1;
      this.savingsPerCacheRead.push(this.cellSavings(cell));
      this.contextWindows.push(this.cellContextWindow(cell));
      this.cellNumbers.set(cell, n);
    }
    return n;
  }

  private keepProblem(h: IdHash, p: ProblemAt, chunk: Chunk, i: number): void {
    const kept = this.problems.get(h);
    this.problems.set(h, kept === undefined ? p : Array.isArray(kept) ? [...kept, p] : [kept, p]);
    chunk.flags[i]! |= HAS_PROBLEM;
  }

  private freeProblem(chunk: Chunk, i: number): void {
    if (!(chunk.flags[i]! & HAS_PROBLEM)) return;
    chunk.flags[i]! &= ~HAS_PROBLEM;
    const h = chunk.hash[i]!;
    const kept = this.problems.get(h);
    if (!Array.isArray(kept)) this.problems.delete(h);
    else {
      const gone = problemAt(kept, chunk.time[i]!);
      const left = kept.filter((p) => p !== gone);
      this.problems.set(h, left.length === 1 ? left[0]! : left);
    }
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
      const chunk = this.chunks[mid]!;
      const lastTime = chunk.time[chunk.n - 1]!;
      if (after ? lastTime <= t : lastTime < t) lo = mid + 1;
      else hi = mid;
    }
    return Math.max(0, lo);
  }

  /** Live rows packed into full chunks again. */
  private compact(): void {
    const packed: Chunk[] = [];
    let into: Chunk | undefined;
    for (const chunk of this.chunks) {
      let i = 0;
      while (i < chunk.n) {
        // A run of live rows, copied at once.
        if (chunk.flags[i]! & DEAD) {
          i++;
          continue;
        }
        let j = i;
        while (j < chunk.n && !(chunk.flags[j]! & DEAD)) j++;
        while (i < j) {
          if (!into || into.n === CHUNK) packed.push((into = new Chunk()));
          const to = Math.min(j, i + CHUNK - into.n);
          into.takeFrom(chunk, i, to);
          i = to;
        }
      }
    }
    this.chunks = packed;
    this.count -= this.deadCount;
    this.deadCount = 0;
  }
}

/** A row as the timeline hands it out. */
export type TimelineCursor = StatRow & { readonly problem: Problem | null };

/**
 * Rows handed to `visit` one at a time: what the aggregations read. Given `visitPart`, rows may
 * come added up per cell instead (see Timeline.each).
 */
export type EachRow = (visit: (r: StatRow) => void, visitPart?: (part: SlotPart) => void) => void;

/** A row of a chunk read through getters, so that the aggregations read columns as they read objects. */
class RowCursor implements StatRow {
  private chunk!: Chunk;
  private i = 0;

  constructor(
    private readonly cells: readonly Cell[],
    private readonly savingsPerCacheRead: readonly number[],
    private readonly contextWindows: readonly (number | null)[],
    private readonly problems: ReadonlyMap<IdHash, ProblemAt | ProblemAt[]>,
  ) {}

  at(chunk: Chunk, i: number): void {
    this.chunk = chunk;
    this.i = i;
  }

  get timeMs(): number {
    return this.chunk.time[this.i]!;
  }
  get cell(): Cell {
    return this.cells[this.chunk.cell[this.i]!]!;
  }
  get durationMs(): number {
    return this.chunk.duration[this.i]!;
  }
  get ttftMs(): number | null {
    const v = this.chunk.ttft[this.i]!;
    return Number.isNaN(v) ? null : v;
  }
  get inputTokens(): number {
    return this.chunk.input[this.i]!;
  }
  get outputTokens(): number {
    return this.chunk.output[this.i]!;
  }
  get cacheReadTokens(): number {
    return this.chunk.cacheRead[this.i]!;
  }
  get cacheWriteTokens(): number {
    return this.chunk.cacheWrite[this.i]!;
  }
  get reasoningTokens(): number {
    return this.chunk.reasoning[this.i]!;
  }
  get costUsd(): number | null {
    const usd = this.chunk.cost[this.i]!;
    return Number.isNaN(usd) ? null : usd;
  }
  get costSource(): CostSource {
    return COST_SOURCES[(this.chunk.flags[this.i]! >> COST_SHIFT) & COST_MASK]!;
  }
  get cacheSavingsUsd(): number {
    return this.chunk.cacheRead[this.i]! * this.savingsPerCacheRead[this.chunk.cell[this.i]!]!;
  }
  get outputTokensPerSecond(): number | null {
    return outputTokensPerSecond(this);
  }
  /** As the call's own contextPercent: input tokens (cache included) over the window. */
  get contextPercent(): number | null {
    const window = this.contextWindows[this.chunk.cell[this.i]!];
    return window ? (this.chunk.input[this.i]! / window) * 100 : null;
  }
  get status(): CallStatus {
    return this.chunk.flags[this.i]! & STATUS_ERROR ? 'error' : 'ok';
  }
  get problem(): Problem | null {
    if (!(this.chunk.flags[this.i]! & HAS_PROBLEM)) return null;
    const kept = this.problems.get(this.chunk.hash[this.i]!);
    if (kept === undefined) return null;
    return Array.isArray(kept) ? (problemAt(kept, this.chunk.time[this.i]!)?.problem ?? null) : kept.problem;
  }
}

/** Of problems whose rows' ids share a hash, the one of the row at `timeMs`. */
function problemAt(kept: readonly ProblemAt[], timeMs: number): ProblemAt | undefined {
  return kept.find((p) => p.timeMs === timeMs);
}

/** Counts kept as unsigned 32-bit integers: rounded, and clamped as the column can hold them. */
function wholeTokens(n: number): number {
  return Number.isFinite(n) ? Math.min(0xffffffff, Math.max(0, Math.round(n))) : 0;
}

/** A gap opened in `chunk` after its rows at or before `t`. */
function openedAt(chunk: Chunk, t: number): { chunk: Chunk; i: number } {
  const i = bound(chunk, t, true);
  chunk.openAt(i);
  return { chunk, i };
}

/** The first index whose time is >= t, or with `after`, > t (a row goes after those of its time). */
function bound(chunk: Chunk, t: number, after = false): number {
  let lo = 0;
  let hi = chunk.n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const time = chunk.time[mid]!;
    if (after ? time <= t : time < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
