import {
  AGGREGATION_TYPES,
  FILTER_OPERATORS,
  QUERY_NUMBER_COLUMNS,
  QUERY_TEXT_COLUMNS,
  type Aggregation,
  type AggregationType,
  type Filter,
  type NumberColumn,
  type QuerySpec,
  type TextColumn,
} from '../domain/query.js';

/** A query body that cannot be run: the message names the field. */
export class QueryError extends Error {}

const UNITS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const MAX_BUCKETS = 10_000;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function time(v: unknown, field: string): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    if (!Number.isNaN(t)) return t;
  }
  throw new QueryError(`${field}: must be an ISO time such as "2026-04-21T00:00:00.000Z" or epoch milliseconds`);
}

function interval(v: unknown): number {
  const m = typeof v === 'string' ? /^\s*(\d+)\s*(minute|hour|day)s?\s*$/i.exec(v) : null;
  if (!m || Number(m[1]) < 1) throw new QueryError('interval: must be like "1 minute", "5 minute", "1 hour" or "1 day"');
  return Number(m[1]) * UNITS[m[2]!.toLowerCase()]!;
}

function column(v: unknown, field: string): NumberColumn {
  if ((QUERY_NUMBER_COLUMNS as readonly unknown[]).includes(v)) return v as NumberColumn;
  throw new QueryError(`${field}: ${JSON.stringify(v)} is not a numeric column (${QUERY_NUMBER_COLUMNS.join(', ')})`);
}

function anyField(v: unknown, field: string): TextColumn | NumberColumn {
  if ((QUERY_TEXT_COLUMNS as readonly unknown[]).includes(v) || (QUERY_NUMBER_COLUMNS as readonly unknown[]).includes(v))
    return v as TextColumn;
  throw new QueryError(`${field}: ${JSON.stringify(v)} is not a call field`);
}

function aggregation(v: unknown, i: number): Aggregation {
  if (!isObject(v)) throw new QueryError(`aggregations[${i}]: must be an object {type, column}`);
  if (!(AGGREGATION_TYPES as readonly unknown[]).includes(v.type))
    throw new QueryError(`aggregations[${i}].type: ${JSON.stringify(v.type)} is not one of ${AGGREGATION_TYPES.join(', ')}`);
  const type = v.type as AggregationType;
  if (type === 'count') return { type, column: null, name: 'count' };
  const col = column(v.column, `aggregations[${i}].column`);
  return { type, column: col, name: `${type}_${col}` };
}

function scalar(v: unknown, field: string): string | number {
  if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) return v;
  throw new QueryError(`${field}: must be a string or a number`);
}

function filter(v: unknown, i: number): Filter {
  const where = `filters[${i}]`;
  if (!isObject(v)) throw new QueryError(`${where}: must be an object {fieldName, operator, value}`);
  const field = anyField(v.fieldName, `${where}.fieldName`);
  switch (v.operator) {
    case 'EQUAL':
    case 'NOT_EQUAL':
      return { field, operator: v.operator, value: scalar(v.value, `${where}.value`) };
    case 'IN':
    case 'NOT_IN':
      if (!Array.isArray(v.value) || v.value.length === 0) throw new QueryError(`${where}.value: must be a non-empty array for ${v.operator}`);
      return { field, operator: v.operator, value: v.value.map((x, j) => scalar(x, `${where}.value[${j}]`)) };
    case 'IS_NULL':
      if (typeof v.value !== 'boolean') throw new QueryError(`${where}.value: must be true or false for IS_NULL`);
      return { field, operator: 'IS_NULL', value: v.value };
    default:
      throw new QueryError(`${where}.operator: ${JSON.stringify(v.operator)} is not one of ${FILTER_OPERATORS.join(', ')}`);
  }
}

/** Validates a query body; every error names the field that is wrong. */
export function parseQuery(body: unknown): QuerySpec {
  if (!isObject(body)) throw new QueryError('the body must be a JSON object');
  const startMs = time(body.startTs, 'startTs');
  const endMs = time(body.endTs, 'endTs');
  if (endMs <= startMs) throw new QueryError('endTs: must be after startTs');
  const type = body.type ?? 'aggregate';
  if (type !== 'timeseries' && type !== 'aggregate') throw new QueryError('type: must be "timeseries" or "aggregate"');
  let intervalMs: number | null = null;
  if (type === 'timeseries') {
    intervalMs = interval(body.interval);
    if ((endMs - startMs) / intervalMs > MAX_BUCKETS) throw new QueryError(`interval: too fine for this range (more than ${MAX_BUCKETS} buckets)`);
  }
  const aggs = body.aggregations ?? [];
  if (!Array.isArray(aggs)) throw new QueryError('aggregations: must be an array');
  const aggregations = aggs.map(aggregation);
  if (aggregations.length === 0) aggregations.push({ type: 'count', column: null, name: 'count' });
  const groups = body.groupBy ?? [];
  if (!Array.isArray(groups)) throw new QueryError('groupBy: must be an array of field names');
  const groupBy = groups.map((g, i) => {
    if (!(QUERY_TEXT_COLUMNS as readonly unknown[]).includes(g))
      throw new QueryError(`groupBy[${i}]: ${JSON.stringify(g)} is not one of ${QUERY_TEXT_COLUMNS.join(', ')}`);
    return g as TextColumn;
  });
  const filters = body.filters ?? [];
  if (!Array.isArray(filters)) throw new QueryError('filters: must be an array');
  return { startMs, endMs, type, intervalMs, aggregations, groupBy, filters: filters.map(filter) };
}
