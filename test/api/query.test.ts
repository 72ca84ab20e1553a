import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestLlmtop } from '../helpers/llmtop.js';

/*
 * POST /api/v1/query against a reference computed here from the raw calls that were sent.
 */

interface Raw {
  startMs: number;
  durationMs: number;
  model: string;
  service: string;
  environment: string;
  inputTokens: number;
  costUsd: number;
  error: boolean;
}

const HOUR = 3_600_000;
const BASE = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR; // three whole hours ago
const MODELS = ['gpt-4o', 'claude-3-5-haiku-20241022', 'gemini-2.0-flash'];

// A deterministic spread of calls over three hours.
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const raws: Raw[] = Array.from({ length: 300 }, (_, i) => ({
  startMs: BASE + Math.floor(rand() * 3 * HOUR),
  durationMs: Math.round(50 + rand() * 5000),
  model: MODELS[i % 3]!,
  service: i % 4 === 0 ? 'batch' : 'web',
  environment: i % 5 === 0 ? '' : 'prod',
  inputTokens: Math.round(rand() * 2000),
  costUsd: Math.round(rand() * 10000) / 1e6 + 0.000001,
  error: i % 10 === 0,
}));

function span(r: Raw) {
  const attrs: Record<string, string | number> = {
    'gen_ai.request.model': r.model,
    'gen_ai.usage.input_tokens': r.inputTokens,
    'gen_ai.usage.output_tokens': 10,
    'gen_ai.usage.cost': r.costUsd,
  };
  if (r.environment) attrs['gen_ai.environment'] = r.environment;
  return {
    traceId: crypto.randomBytes(16).toString('hex'),
    spanId: crypto.randomBytes(8).toString('hex'),
    name: 'chat',
    startTimeUnixNano: String(BigInt(r.startMs) * 1_000_000n),
    endTimeUnixNano: String(BigInt(r.startMs + r.durationMs) * 1_000_000n),
    attributes: Object.entries(attrs).map(([key, v]) => ({ key, value: typeof v === 'string' ? { stringValue: v } : { doubleValue: v } })),
    status: r.error ? { code: 2, message: 'rate limited' } : {},
  };
}

let app: Awaited<ReturnType<typeof startTestLlmtop>>;
beforeAll(async () => {
  app = await startTestLlmtop();
  for (const service of ['web', 'batch']) {
    const body = {
      resourceSpans: [
        { resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ spans: raws.filter((r) => r.service === service).map(span) }] },
      ],
    };
    const res = await fetch(`${app.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
  }
});
afterAll(() => app.close());

async function query(body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${app.url}/api/v1/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

function refQuantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

const range = { startTs: new Date(BASE).toISOString(), endTs: new Date(BASE + 3 * HOUR).toISOString() };

describe('POST /api/v1/query', () => {
  it('aggregates per model: count, sum, avg, min, max and exact percentiles', async () => {
    const { status, json } = await query({
      ...range,
      type: 'aggregate',
      aggregations: ['count', 'sum', 'avg', 'min', 'max', 'p50', 'p90', 'p95', 'p99'].map((type) => ({ type, column: type === 'count' ? undefined : 'durationMs' })),
      groupBy: ['model'],
    });
    expect(status).toBe(200);
    expect(json.data.map((r: { model: string }) => r.model)).toEqual([...MODELS].sort());
    for (const row of json.data) {
      const d = raws.filter((r) => r.model === row.model).map((r) => r.durationMs);
      expect(row.count).toBe(d.length);
      expect(row.sum_durationMs).toBeCloseTo(d.reduce((a, b) => a + b, 0), 6);
      expect(row.avg_durationMs).toBeCloseTo(d.reduce((a, b) => a + b, 0) / d.length, 6);
      expect(row.min_durationMs).toBe(Math.min(...d));
      expect(row.max_durationMs).toBe(Math.max(...d));
      for (const [name, q] of [['p50', 0.5], ['p90', 0.9], ['p95', 0.95], ['p99', 0.99]] as const)
        expect(row[`${name}_durationMs`]).toBeCloseTo(refQuantile(d, q), 6);
    }
  });

  it('buckets a timeseries per hour and group, ordered by timestamp then group', async () => {
    const { json } = await query({ ...range, type: 'timeseries', interval: '1 hour', aggregations: [{ type: 'sum', column: 'costUsd' }], groupBy: ['service'] });
    const expected = new Map<string, number>();
    for (const r of raws) {
      const key = `${new Date(Math.floor(r.startMs / HOUR) * HOUR).toISOString()}|${r.service}`;
      expected.set(key, (expected.get(key) ?? 0) + r.costUsd);
    }
    expect(json.data).toHaveLength(expected.size);
    const keys = json.data.map((r: { timestamp: string; service: string }) => `${r.timestamp}|${r.service}`);
    expect(keys).toEqual([...expected.keys()].sort());
    for (const row of json.data) expect(row.sum_costUsd).toBeCloseTo(expected.get(`${row.timestamp}|${row.service}`)!, 9);
  });

  it.each([
    ['EQUAL', { fieldName: 'service', operator: 'EQUAL', value: 'batch' }, (r: Raw) => r.service === 'batch'],
    ['NOT_EQUAL', { fieldName: 'service', operator: 'NOT_EQUAL', value: 'batch' }, (r: Raw) => r.service !== 'batch'],
    ['IN', { fieldName: 'model', operator: 'IN', value: ['gpt-4o', 'gemini-2.0-flash'] }, (r: Raw) => r.model !== MODELS[1]],
    ['NOT_IN', { fieldName: 'model', operator: 'NOT_IN', value: ['gpt-4o'] }, (r: Raw) => r.model !== 'gpt-4o'],
    ['IS_NULL true', { fieldName: 'environment', operator: 'IS_NULL', value: true }, (r: Raw) => r.environment === ''],
    ['IS_NULL false', { fieldName: 'environment', operator: 'IS_NULL', value: false }, (r: Raw) => r.environment !== ''],
    ['EQUAL on status', { fieldName: 'status', operator: 'EQUAL', value: 'error' }, (r: Raw) => r.error],
  ])('filters with %s', async (_name, filter, keep) => {
    const { json } = await query({ ...range, aggregations: [{ type: 'count' }, { type: 'sum', column: 'inputTokens' }], filters: [filter] });
    const kept = raws.filter(keep);
    expect(json.data).toEqual([{ count: kept.length, sum_inputTokens: kept.reduce((a, r) => a + r.inputTokens, 0) }]);
  });

  it.each(['provider', 'model', 'service', 'environment', 'operation', 'status', 'costSource', 'source'])('groups by %s', async (field) => {
    const { status, json } = await query({ ...range, aggregations: [{ type: 'count' }], groupBy: [field] });
    expect(status).toBe(200);
    expect(json.data.reduce((n: number, r: { count: number }) => n + r.count, 0)).toBe(raws.length);
    const keys = json.data.map((r: Record<string, string>) => r[field]);
    expect(keys).toEqual([...keys].sort());
    expect(new Set(keys).size).toBe(keys.length);
  });

  it.each([
    ['1 minute', 60_000],
    ['5 minute', 300_000],
    ['15 minutes', 900_000],
    ['1 hour', HOUR],
    ['1 day', 24 * HOUR],
  ])('buckets a timeseries by %s', async (interval, ms) => {
    const { json } = await query({ ...range, type: 'timeseries', interval, aggregations: [{ type: 'count' }] });
    const expected = new Map<string, number>();
    for (const r of raws) {
      const key = new Date(Math.floor(r.startMs / ms) * ms).toISOString();
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    expect(json.data).toEqual([...expected.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([timestamp, count]) => ({ timestamp, count })));
  });

  it('filters on a numeric column', async () => {
    const target = raws[7]!.inputTokens;
    const { json } = await query({ ...range, aggregations: [{ type: 'count' }], filters: [{ fieldName: 'inputTokens', operator: 'EQUAL', value: target }] });
    expect(json.data).toEqual([{ count: raws.filter((r) => r.inputTokens === target).length }]);
  });

  it('counts per group when no aggregation is named', async () => {
    const { json } = await query({ ...range, type: 'aggregate', aggregations: [], groupBy: ['status'] });
    expect(json.data).toEqual([
      { status: 'error', count: raws.filter((r) => r.error).length },
      { status: 'ok', count: raws.filter((r) => !r.error).length },
    ]);
  });

  it.each([
    [{ ...range, type: 'sometimes' }, 'type'],
    [{ endTs: range.endTs }, 'startTs'],
    [{ ...range, endTs: '2020-01-01T00:00:00Z' }, 'endTs'],
    [{ ...range, type: 'timeseries', interval: 'fortnightly' }, 'interval'],
    [{ ...range, aggregations: [{ type: 'median', column: 'durationMs' }] }, 'aggregations[0].type'],
    [{ ...range, aggregations: [{ type: 'sum', column: 'prompt' }] }, 'aggregations[0].column'],
    [{ ...range, groupBy: ['model', 'colour'] }, 'groupBy[1]'],
    [{ ...range, filters: [{ fieldName: 'model', operator: 'LIKE', value: 'gpt' }] }, 'filters[0].operator'],
    [{ ...range, filters: [{ fieldName: 'model', operator: 'IN', value: 'gpt-4o' }] }, 'filters[0].value'],
    [{ ...range, filters: [{ fieldName: 'nope', operator: 'EQUAL', value: 1 }] }, 'filters[0].fieldName'],
    [[1, 2], 'body'],
  ])('refuses a bad body naming the field: %j', async (body, field) => {
    const { status, json } = await query(body);
    expect(status).toBe(400);
    expect(json.error).toContain(field);
  });

  it('refuses a body that is not JSON, and GET', async () => {
    const res = await fetch(`${app.url}/api/v1/query`, { method: 'POST', body: '{"startTs":' });
    expect(res.status).toBe(400);
    const get = await fetch(`${app.url}/api/v1/query`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });
});
