import { quantileSorted, sortRows, type Filter, type QueryRow, type QuerySpec } from '../domain/query.js';
import type { StatRow } from './aggregate.js';
import type { EachRow } from './timeline.js';

/**
 * POST /api/v1/query answered from the rows the live statistics already hold, with the answers
 * SQLite would give (src/store/query.ts): reading 100,000 calls from the store's wide table takes
 * a good part of a second, the same rows in memory a few milliseconds. Only ranges inside the
 * horizon and fields a row keeps can be answered here; `memoryQuery` says null for the others.
 */

/** Text fields a row keeps (through its cell), and how SQLite stores an absent value. */
const CELL_FIELDS = new Set(['provider', 'model', 'service', 'environment', 'operation', 'user']);
const ROW_TEXT_FIELDS = new Set(['status', 'costSource']);
/** Stored as NULL when absent; the cell keeps '' for them. */
const NULLABLE_TEXT = new Set(['user']);

const PERCENTILE: Record<string, number> = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99 };

type Value = string | number | null;


function textOf(r: StatRow, field: string): string | null {
  if (CELL_FIELDS.has(field)) {
    const v = r.cell[field as keyof StatRow['cell']];
    return v === '' && NULLABLE_TEXT.has(field) ? null : v;
  }
  return field === 'status' ? r.status : r.costSource;
}

/** A reader per number field: one property read per row, not a lookup by name. */
const NUMBER_READERS: Record<string, (r: StatRow) => number | null> = {
  durationMs: (r) => r.durationMs,
  ttftMs: (r) => r.ttftMs,
  inputTokens: (r) => Math.round(r.inputTokens),
  outputTokens: (r) => Math.round(r.outputTokens),
  cacheReadTokens: (r) => Math.round(r.cacheReadTokens),
  cacheWriteTokens: (r) => Math.round(r.cacheWriteTokens),
  reasoningTokens: (r) => Math.round(r.reasoningTokens),
  costUsd: (r) => r.costUsd,
};

const NUMBER_FIELDS = new Set(Object.keys(NUMBER_READERS));

function numberOf(r: StatRow, field: string): number | null {
  return NUMBER_READERS[field]!(r);
}

function valueOf(r: StatRow, field: string): Value {
  return NUMBER_FIELDS.has(field) ? numberOf(r, field) : textOf(r, field);
}

/** Whether every field the spec names is one a row keeps. */
export function answerable(spec: QuerySpec): boolean {
  const known = (f: string) => CELL_FIELDS.has(f) || ROW_TEXT_FIELDS.has(f) || NUMBER_FIELDS.has(f);
  if (!spec.groupBy.every(known) || !spec.filters.every((f) => known(f.field))) return false;
  if (!spec.aggregations.every((a) => a.column === null || NUMBER_FIELDS.has(a.column))) return false;
  // '' and NULL differ in the store but not in a cell: leave comparisons with '' to SQLite.
  return spec.filters.every((f) => !NULLABLE_TEXT.has(f.field) || f.operator === 'IS_NULL' || ![f.value].flat().includes(''));
}

/**
 * SQLite's comparison of a column with a bound value: a text column compares the value as text;
 * a numeric column converts a value that reads as a number, and no text equals a number.
 */
function comparable(field: string, v: string | number): string | number | undefined {
  if (!NUMBER_FIELDS.has(field)) return String(v);
  if (typeof v === 'number') return v;
  const n = Number(v);
  return v.trim() !== '' && Number.isFinite(n) ? n : undefined;
}

function predicate(f: Filter): (r: StatRow) => boolean {
  const get = (r: StatRow) => valueOf(r, f.field);
  switch (f.operator) {
    case 'EQUAL': {
      const want = comparable(f.field, f.value);
      return (r) => want !== undefined && get(r) === want;
    }
    case 'NOT_EQUAL': {
      // `IS NOT`: NULL differs from every value.
      const want = comparable(f.field, f.value);
      return (r) => want === undefined || get(r) !== want;
    }
    case 'IN':
    case 'NOT_IN': {
      const set = new Set(f.value.map((v) => comparable(f.field, v)).filter((v) => v !== undefined));
      return f.operator === 'IN'
        ? (r) => {
            const v = get(r);
            return v !== null && set.has(v);
          }
        : (r) => {
            const v = get(r);
            return v === null || !set.has(v);
          };
    }
    case 'IS_NULL': {
      const isNull = (r: StatRow) => {
        const v = get(r);
        return v === null || (!NUMBER_FIELDS.has(f.field) && v === '');
      };
      return f.value ? isNull : (r) => !isNull(r);
    }
  }
}

/** Values for percentiles are kept in blocks of this many, handed from one query to the next. */
const BLOCK = 4096;
/**
 * Blocks kept between queries (2 MiB), and the largest group sorted in a kept array (2 MiB): the
 * TUI's and scripts' queries of recent windows, asked again and again, allocate no arrays for their
 * values once a few have run. Arrays that grew and were dropped at every query lifted llmtop's memory 16 MiB while
 * two hundred of them ran over a window of 100,000 calls, and malloc kept most of it.
 */
const SPARE_BLOCKS = 64;
const SORT_KEPT = 256 * 1024;
const spareBlocks: Float64Array[] = [];
let sortArea = new Float64Array(BLOCK);

/** A column's values for its percentiles, in typed arrays: no boxed numbers to collect. */
class Values {
  private readonly blocks: Float64Array[] = [];
  private n = 0;

  add(v: number): void {
    const i = this.n++ % BLOCK;
    if (i === 0) this.blocks.push(spareBlocks.pop() ?? new Float64Array(BLOCK));
    this.blocks[this.blocks.length - 1]![i] = v;
  }

  /** The values sorted, in an array good until the next call of any Values' sorted(). */
  sorted(): Float64Array {
    if (this.n > sortArea.length && this.n <= SORT_KEPT) sortArea = new Float64Array(this.n);
    const out = this.n <= sortArea.length ? sortArea.subarray(0, this.n) : new Float64Array(this.n);
    this.blocks.forEach((b, k) => out.set(b.subarray(0, Math.min(BLOCK, this.n - k * BLOCK)), k * BLOCK));
    return out.sort();
  }

  /** Gives the blocks back for the next query. */
  release(): void {
    for (const b of this.blocks) if (spareBlocks.length < SPARE_BLOCKS) spareBlocks.push(b);
    this.blocks.length = 0;
    this.n = 0;
  }
}

interface GroupState {
  row: QueryRow;
  n: number;
  /** Per aggregation column: sum (with its Neumaier compensation, as SQLite's sum has), count of non-null, min, max, and the values for percentiles. */
  sums: number[];
  compensations: number[];
  counts: number[];
  mins: number[];
  maxs: number[];
  values: Values[];
}

/**
 * The rows of a query over `rows` (the calls from startMs), in the store's answer shape: a row per
 * group (and per bucket for a timeseries), ordered by timestamp, then by group.
 */
export function memoryQuery(eachRow: EachRow, spec: QuerySpec): QueryRow[] {
  // The store keeps microseconds and reads ranges and buckets in whole milliseconds.
  const startUs = Math.floor(spec.startMs) * 1000;
  const endUs = Math.floor(spec.endMs) * 1000;
  // Filters and group keys on a cell's fields are decided once per cell, not once per row.
  const cellFilters = spec.filters.filter((f) => CELL_FIELDS.has(f.field)).map(predicate);
  const rowFilters = spec.filters.filter((f) => !CELL_FIELDS.has(f.field)).map(predicate);
  const rowKeys = spec.groupBy.filter((g) => !CELL_FIELDS.has(g));
  const columns = [...new Set(spec.aggregations.flatMap((a) => (a.column === null ? [] : [a.column])))];
  const readers = columns.map((c) => NUMBER_READERS[c]!);
  const wantsValues = columns.map((c) => spec.aggregations.some((a) => a.column === c && a.type in PERCENTILE));
  const groups: GroupState[] = [];
  // Per cell: the groups of its key by bucket (and row keys), or null when its cell filters fail.
  // Decided once per cell, so that a row costs no string building when no row keys are asked.
  const byCell = new Map<StatRow['cell'], Map<string | number, GroupState> | null>();
  const byCellKey = new Map<string, Map<string | number, GroupState>>();
  const newState = (r: StatRow, bucket: number): GroupState => {
    const row: QueryRow = {};
    if (spec.intervalMs !== null) row.timestamp = bucket;
    for (const g of spec.groupBy) row[g] = textOf(r, g) ?? '';
    return {
      row,
      n: 0,
      sums: columns.map(() => 0),
      compensations: columns.map(() => 0),
      counts: columns.map(() => 0),
      mins: columns.map(() => Infinity),
      maxs: columns.map(() => -Infinity),
      values: columns.map(() => new Values()),
    };
  };

  eachRow((r) => {
    const us = Math.round(r.timeMs * 1000);
    if (us < startUs || us >= endUs) return;
    let cellGroups = byCell.get(r.cell);
    if (cellGroups === undefined) {
      cellGroups = null;
      if (cellFilters.every((f) => f(r))) {
        const cellKey = spec.groupBy.map((g) => (CELL_FIELDS.has(g) ? (textOf(r, g) ?? '') : '')).join('\u0000');
        cellGroups = byCellKey.get(cellKey) ?? new Map();
        byCellKey.set(cellKey, cellGroups);
      }
      byCell.set(r.cell, cellGroups);
    }
    if (cellGroups === null) return;
    if (rowFilters.length > 0 && !rowFilters.every((f) => f(r))) return;
    const bucket = spec.intervalMs === null ? 0 : Math.floor(Math.floor(us / 1000) / spec.intervalMs) * spec.intervalMs;
    let key: string | number = bucket;
    if (rowKeys.length > 0) key = [bucket, ...rowKeys.map((g) => textOf(r, g))].join('\u0000');
    let s = cellGroups.get(key);
    if (!s) {
      cellGroups.set(key, (s = newState(r, bucket)));
      groups.push(s);
    }
    s.n++;
    for (let j = 0; j < readers.length; j++) {
      const v = readers[j]!(r);
      if (v === null) continue;
      const sum = s.sums[j]!;
      const t = sum + v;
      s.compensations[j]! += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
      s.sums[j] = t;
      s.counts[j]!++;
      if (v < s.mins[j]!) s.mins[j] = v;
      if (v > s.maxs[j]!) s.maxs[j] = v;
      if (wantsValues[j]) s.values[j]!.add(v);
    }
  });

  const out: QueryRow[] = [];
  for (const s of groups) {
    const row = s.row;
    for (const a of spec.aggregations) {
      if (a.column === null) {
        row[a.name] = s.n;
        continue;
      }
      const j = columns.indexOf(a.column);
      const some = s.counts[j]! > 0;
      const sum = s.sums[j]! + s.compensations[j]!;
      // As SQLite's sum: null when the group has no value to add (unpriced calls, calls without TTFT).
      if (a.type === 'sum') row[a.name] = some ? sum : null;
      else if (a.type === 'avg') row[a.name] = some ? sum / s.counts[j]! : null;
      else if (a.type === 'min') row[a.name] = some ? s.mins[j]! : null;
      else if (a.type === 'max') row[a.name] = some ? s.maxs[j]! : null;
      else row[a.name] = quantileSorted(s.values[j]!.sorted(), PERCENTILE[a.type]!);
    }
    for (const v of s.values) v.release();
    if (typeof row.timestamp === 'number') row.timestamp = new Date(row.timestamp).toISOString();
    out.push(row);
  }
  sortRows(out, spec.groupBy);
  return out;
}
