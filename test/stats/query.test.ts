import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/api/query-spec.js';
import type { LlmCall } from '../../src/domain/call.js';
import type { QueryRow } from '../../src/domain/query.js';
import { LiveStats } from '../../src/stats/live-stats.js';
import { CallStore } from '../../src/store/call-store.js';

/*
 * The live statistics answer POST /api/v1/query from memory for ranges inside the horizon; the
 * store answers the rest. Both must give the same rows: every spec here runs through both over the
 * same calls, in a real SQLite file.
 */

const NOW = Date.parse('2026-11-23T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

// More than 4096 calls in a group: their percentiles are read across the blocks memory keeps them in.
const calls: LlmCall[] = Array.from({ length: 9000 }, (_, i) => ({
  id: `c${i}`,
  // Times with sub-millisecond parts, some on bucket edges, a few in the future.
  timeMs: i % 97 === 0 ? Math.floor((NOW - rand() * 6 * HOUR) / HOUR) * HOUR : NOW - rand() * 6 * HOUR + (i % 50 === 0 ? 60_000 : 0) + 0.4,
  traceId: `t${i % 300}`,
  spanId: `s${i}`,
  service: pick(['web', 'batch', 'api']),
  environment: pick(['prod', 'staging', '']),
  provider: pick(['openai', 'anthropic']),
  model: pick(['gpt-4o', 'claude-sonnet-4', 'o3']),
  operation: pick(['chat', 'embeddings']),
  durationMs: Math.round(rand() * 8000 * 100) / 100,
  ttftMs: rand() < 0.5 ? null : Math.round(rand() * 900),
  inputTokens: Math.floor(rand() * 3000),
  outputTokens: Math.floor(rand() * 800),
  cacheReadTokens: rand() < 0.3 ? Math.floor(rand() * 1000) : 0,
  cacheWriteTokens: 0,
  reasoningTokens: rand() < 0.2 ? 128 : 0,
  costUsd: Math.round(rand() * 1e5) / 1e7,
  costSource: pick(['reported', 'estimated', 'unknown'] as const),
  status: rand() < 0.1 ? 'error' : 'ok',
  error: null,
  errorType: null,
  finishReason: null,
  user: rand() < 0.5 ? null : pick(['alice', 'bob']),
  prompt: null,
  response: null,
  source: 'gen_ai',
  sessionId: null,
  contextPercent: null,
}));

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-query-'));
const store = new CallStore({ path: path.join(dir, 'calls.db'), maxCalls: 1_000_000, retentionMs: 30 * DAY, now: () => NOW });
store.commit({ upserted: calls, deleted: [] });
const stats = new LiveStats({ horizonMs: DAY, recentCapacity: 10, now: () => NOW });
stats.apply({ upserted: calls, deleted: [], replaced: [] });
afterAll(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const iso = (ms: number) => new Date(ms).toISOString();
const ALL_AGGREGATIONS = ['count', 'sum', 'avg', 'min', 'max', 'p50', 'p90', 'p95', 'p99'].flatMap((type) =>
  type === 'count' ? [{ type }] : ['durationMs', 'ttftMs', 'inputTokens', 'costUsd'].map((column) => ({ type, column })),
);

const SPECS: [string, Record<string, unknown>][] = [
  ['aggregate of everything', { startTs: iso(NOW - 6 * HOUR), endTs: iso(NOW + HOUR), type: 'aggregate', aggregations: ALL_AGGREGATIONS }],
  ['per model and service', { startTs: iso(NOW - 2 * HOUR), endTs: iso(NOW), type: 'aggregate', aggregations: ALL_AGGREGATIONS, groupBy: ['model', 'service'] }],
  ['per hour and provider', { startTs: iso(NOW - 5 * HOUR), endTs: iso(NOW), type: 'timeseries', interval: '1 hour', aggregations: ALL_AGGREGATIONS, groupBy: ['provider'] }],
  ['per 5 minutes, errors only', { startTs: iso(NOW - HOUR), endTs: iso(NOW), type: 'timeseries', interval: '5 minute', aggregations: [{ type: 'count' }, { type: 'p95', column: 'durationMs' }], filters: [{ fieldName: 'status', operator: 'EQUAL', value: 'error' }] }],
  ['by status and cost source', { startTs: iso(NOW - 6 * HOUR), endTs: iso(NOW), type: 'aggregate', aggregations: [{ type: 'sum', column: 'costUsd' }], groupBy: ['status', 'costSource'] }],
  ['by cost source alone', { startTs: iso(NOW - 6 * HOUR), endTs: iso(NOW), type: 'timeseries', interval: '1 hour', aggregations: [{ type: 'count' }], groupBy: ['costSource'] }],
  ['users, absent ones too', { startTs: iso(NOW - 6 * HOUR), endTs: iso(NOW), type: 'aggregate', aggregations: [{ type: 'count' }], groupBy: ['user'] }],
  ['IS_NULL user and ttft', { startTs: iso(NOW - 6 * HOUR), endTs: iso(NOW), type: 'aggregate', aggregations: [{ type: 'count' }], filters: [{ fieldName: 'user', operator: 'IS_NULL', value: true }, { fieldName: 'ttftMs', operator: 'IS_NULL', value: false }] }],
  ['empty environment is null', { startTs: iso(NOW - 6 * HOUR), endTs: iso(NOW), type: 'aggregate', aggregations: [{ type: 'count' }], filters: [{ fieldName: 'environment', operator: 'IS_NULL', value: true }] }],
  ['IN and NOT_IN', { startTs: iso(NOW - 6 * HOUR), endTs: iso(NOW), type: 'aggregate', aggregations: [{ type: 'avg', column: 'inputTokens' }], groupBy: ['model'], filters: [{ fieldName: 'model', operator: 'IN', value: ['gpt-4o', 'o3'] }, { fieldName: 'user', operator: 'NOT_IN', value: ['alice'] }] }],
  ['NOT_EQUAL keeps absent values', { startTs: iso(NOW - 6 * HOUR), endTs: iso(NOW), type: 'aggregate', aggregations: [{ type: 'count' }], filters: [{ fieldName: 'user', operator: 'NOT_EQUAL', value: 'bob' }] }],
  ['numbers compared as SQLite does', { startTs: iso(NOW - 6 * HOUR), endTs: iso(NOW), type: 'aggregate', aggregations: [{ type: 'count' }], groupBy: ['operation'], filters: [{ fieldName: 'reasoningTokens', operator: 'EQUAL', value: '128' }, { fieldName: 'ttftMs', operator: 'NOT_EQUAL', value: 'soon' }] }],
  ['a range with no calls', { startTs: iso(NOW - 12 * HOUR), endTs: iso(NOW - 11 * HOUR), type: 'timeseries', interval: '1 minute', aggregations: ALL_AGGREGATIONS }],
];

/** Sums added in another order may differ in the last bits. */
function close(a: QueryRow[], b: QueryRow[]): void {
  expect(a.map((r) => Object.keys(r).sort())).toEqual(b.map((r) => Object.keys(r).sort()));
  a.forEach((row, i) => {
    for (const [k, v] of Object.entries(row)) {
      const w = b[i]![k];
      if (typeof v === 'number' && typeof w === 'number') expect(Math.abs(v - w), `${k} of row ${i}: ${v} vs ${w}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(w)));
      else expect(v, `${k} of row ${i}`).toEqual(w);
    }
  });
}

describe('POST /api/v1/query from memory', () => {
  it.each(SPECS)('answers %s as the store does', (_name, body) => {
    const spec = parseQuery(body);
    const fromMemory = stats.query(spec);
    expect(fromMemory).not.toBeNull();
    const fromStore = store.query(spec);
    close(fromMemory!, fromStore);
  });

  it('has something to compare: the specs select calls', () => {
    const spec = parseQuery(SPECS[0]![1]);
    expect(stats.query(spec)![0]!.count).toBe(calls.length);
  });

  it('leaves to the store ranges past the horizon and fields it does not keep', () => {
    const base = { endTs: iso(NOW), type: 'aggregate', aggregations: [{ type: 'count' }] };
    expect(stats.query(parseQuery({ ...base, startTs: iso(NOW - 2 * DAY) }))).toBeNull();
    expect(stats.query(parseQuery({ ...base, startTs: iso(NOW - HOUR), groupBy: ['traceId'] }))).toBeNull();
    expect(stats.query(parseQuery({ ...base, startTs: iso(NOW - HOUR), filters: [{ fieldName: 'error', operator: 'IS_NULL', value: true }] }))).toBeNull();
    expect(stats.query(parseQuery({ ...base, startTs: iso(NOW - HOUR), filters: [{ fieldName: 'user', operator: 'EQUAL', value: '' }] }))).toBeNull();
  });
});
