import type Database from 'better-sqlite3';
import { QUERY_TEXT_COLUMNS, quantile, sortRows, type Filter, type QueryRow, type QuerySpec } from '../domain/query.js';

/** The SQL column of a call field: durationMs → duration_ms. */
function sqlColumn(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

const TEXT = new Set<string>(QUERY_TEXT_COLUMNS);

function filterSql(f: Filter, params: unknown[]): string {
  const col = sqlColumn(f.field);
  switch (f.operator) {
    case 'EQUAL':
      params.push(f.value);
      return `${col} = ?`;
    case 'NOT_EQUAL':
      params.push(f.value);
      return `${col} IS NOT ?`;
    case 'IN':
    case 'NOT_IN': {
      params.push(...f.value);
      const list = `(${f.value.map(() => '?').join(', ')})`;
      return f.operator === 'IN' ? `${col} IN ${list}` : `(${col} IS NULL OR ${col} NOT IN ${list})`;
    }
    case 'IS_NULL': {
      // An empty environment or user is as absent as a null one.
      const isNull = TEXT.has(f.field) ? `(${col} IS NULL OR ${col} = '')` : `${col} IS NULL`;
      return f.value ? isNull : `NOT ${isNull}`;
    }
  }
}

// sum, not total: a group with nothing to add (only unpriced calls, no TTFT) sums to null, not 0.
const SQL_AGGREGATE: Record<string, string> = { sum: 'sum', avg: 'avg', min: 'min', max: 'max' };
const PERCENTILE: Record<string, number> = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99 };

/**
 * Runs a query over the stored calls: count, sum, avg, min and max in SQL; percentiles exactly,
 * from the values of each group (linear interpolation between the closest ranks).
 */
export function runQuery(db: Database.Database, spec: QuerySpec): QueryRow[] {
  const params: unknown[] = [BigInt(Math.floor(spec.startMs)) * 1_000_000n, BigInt(Math.floor(spec.endMs)) * 1_000_000n];
  const where = ['start_ns >= ?', 'start_ns < ?', ...spec.filters.map((f) => filterSql(f, params))].join(' AND ');
  const keys: string[] = [];
  const keySelect: string[] = [];
  if (spec.intervalMs !== null) {
    keySelect.push(`(start_ns / 1000000 / ${spec.intervalMs}) * ${spec.intervalMs} AS timestamp`);
    keys.push('timestamp');
  }
  for (const g of spec.groupBy) {
    keySelect.push(`coalesce(${sqlColumn(g)}, '') AS "${g}"`);
    keys.push(`"${g}"`);
  }
  const groupSql = keys.length ? `GROUP BY ${keys.join(', ')}` : '';
  const aggSelect = spec.aggregations
    .filter((a) => !(a.type in PERCENTILE))
    .map((a) => (a.column === null ? 'count(*) AS count' : `${SQL_AGGREGATE[a.type]}(${sqlColumn(a.column)}) AS "${a.name}"`));
  const sql = `SELECT ${[...keySelect, ...aggSelect, 'count(*) AS __n'].join(', ')} FROM calls WHERE ${where} ${groupSql}`;
  const rows = db.prepare(sql).all(...params) as QueryRow[];

  const percentiles = spec.aggregations.filter((a) => a.type in PERCENTILE);
  if (percentiles.length > 0) {
    const cols = [...new Set(percentiles.map((a) => a.column!))];
    const valueSql = `SELECT ${[...keySelect, ...cols.map((c) => sqlColumn(c))].join(', ')} FROM calls WHERE ${where}`;
    // Raw rows (arrays, not objects): this pass reads every call of the range.
    const keyNames = [...(spec.intervalMs !== null ? ['timestamp'] : []), ...spec.groupBy];
    const values = new Map<string, number[][]>();
    for (const r of db.prepare(valueSql).raw(true).iterate(...params) as Iterable<unknown[]>) {
      let k = '';
      for (let i = 0; i < keyNames.length; i++) k += `${String(r[i])}\u0000`;
      let lists = values.get(k);
      if (!lists) values.set(k, (lists = cols.map(() => [])));
      for (let j = 0; j < cols.length; j++) {
        const v = r[keyNames.length + j];
        if (typeof v === 'number') lists[j]!.push(v);
      }
    }
    for (const row of rows) {
      let k = '';
      for (const name of keyNames) k += `${String(row[name])}\u0000`;
      const lists = values.get(k);
      for (const a of percentiles) row[a.name] = quantile(lists?.[cols.indexOf(a.column!)] ?? [], PERCENTILE[a.type]!);
    }
  }
  for (const row of rows) {
    delete row.__n;
    if (typeof row.timestamp === 'number') row.timestamp = new Date(row.timestamp).toISOString();
  }
  sortRows(rows, spec.groupBy);
  return spec.intervalMs === null ? rows.map(({ timestamp: _t, ...r }) => r) : rows;
}
