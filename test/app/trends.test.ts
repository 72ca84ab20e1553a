import { afterEach, describe, expect, test } from 'vitest';
import type { LlmCall } from '../../src/domain/call.js';
import { StoreTrends } from '../../src/app/trends.js';
import { CallStore } from '../../src/store/call-store.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** 2025-01-08 10:30 UTC. */
const NOW = Date.UTC(2025, 0, 8, 10, 30);
const utcDay = (ms: number) => Math.floor(ms / DAY) * DAY;

const stores: CallStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

let seq = 0;
function call(timeMs: number, o: Partial<LlmCall> = {}): LlmCall {
  seq++;
  return {
    id: `c${seq}`, timeMs, traceId: 'a'.repeat(32), spanId: String(seq).padStart(16, '0'), service: 'web', environment: 'prod',
    provider: 'openai', model: 'gpt-4o', operation: 'chat', durationMs: 100, ttftMs: null, inputTokens: 100, outputTokens: 10,
    cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, costUsd: 0.01, costSource: 'reported', status: 'ok', error: null,
    errorType: null, finishReason: null, user: null, prompt: null, response: null, source: 'test', sessionId: null, contextPercent: null, ...o,
  };
}

function setUp(calls: LlmCall[], now: () => number = () => NOW) {
  const store = new CallStore({ path: ':memory:', maxCalls: 100_000, retentionMs: 30 * DAY, now });
  stores.push(store);
  store.commit({ upserted: calls, deleted: [] });
  let queries = 0;
  const trends = new StoreTrends({
    query: (spec) => {
      queries++;
      return store.query(spec);
    },
    now,
    startOfDay: utcDay,
  });
  return { store, trends, queries: () => queries };
}

describe('StoreTrends', () => {
  test('hourly: 24 hour buckets ending with the current one, per group, summed from the store', () => {
    const { trends } = setUp([
      call(NOW - 10 * 60_000),
      call(NOW - 20 * 60_000, { costUsd: 0.02, inputTokens: 300 }),
      call(NOW - 2 * HOUR, { model: 'claude', provider: 'anthropic', costUsd: 0.5 }),
      call(NOW - 23 * HOUR - 40 * 60_000, { model: 'claude', provider: 'anthropic' }), // 10:50 the day before → bucket 10:00 is out
      call(NOW - 23 * HOUR, { model: 'claude', provider: 'anthropic', costUsd: 0.25 }), // 11:30 the day before: the oldest bucket
    ]);
    const s = trends.hourly(['provider', 'model']);
    expect(s.starts).toHaveLength(24);
    expect(s.starts.at(-1)).toBe(Date.UTC(2025, 0, 8, 10));
    expect(s.starts[0]).toBe(Date.UTC(2025, 0, 7, 11));
    expect(s.rows).toEqual([
      { startMs: Date.UTC(2025, 0, 7, 11), key: { provider: 'anthropic', model: 'claude' }, requests: 1, costUsd: 0.25, inputTokens: 100, outputTokens: 10 },
      { startMs: Date.UTC(2025, 0, 8, 8), key: { provider: 'anthropic', model: 'claude' }, requests: 1, costUsd: 0.5, inputTokens: 100, outputTokens: 10 },
      { startMs: Date.UTC(2025, 0, 8, 10), key: { provider: 'openai', model: 'gpt-4o' }, requests: 2, costUsd: expect.closeTo(0.03), inputTokens: 400, outputTokens: 20 },
    ]);
  });

  test('daily: 7 days ending today, per group, days by the given start of day', () => {
    const { trends } = setUp([
      call(NOW - HOUR, { service: 'a' }),
      call(utcDay(NOW) - 1, { service: 'a', costUsd: 1 }), // 23:59:59.999 yesterday
      call(utcDay(NOW) - 6 * DAY + 1000, { service: 'b' }), // the first of the 7 days
      call(utcDay(NOW) - 6 * DAY - 1000, { service: 'b' }), // before it
    ]);
    const s = trends.daily(['service']);
    expect(s.starts).toEqual(Array.from({ length: 7 }, (_, i) => utcDay(NOW) - (6 - i) * DAY));
    expect(s.rows.map((r) => [new Date(r.startMs).toISOString().slice(0, 10), r.key.service, r.requests, r.costUsd])).toEqual([
      ['2025-01-02', 'b', 1, 0.01],
      ['2025-01-07', 'a', 1, 1],
      ['2025-01-08', 'a', 1, 0.01],
    ]);
  });

  test('reads the store at most once a minute per grouping and range', () => {
    let now = NOW;
    const { store, trends, queries } = setUp([call(NOW - 1000)], () => now);
    const first = trends.hourly(['model']);
    expect(trends.hourly(['model'])).toBe(first);
    trends.daily(['model']);
    trends.hourly(['service']);
    expect(queries()).toBe(3);
    store.commit({ upserted: [call(NOW - 500)], deleted: [] });
    now += 59_000;
    expect(trends.hourly(['model']).rows[0]!.requests).toBe(1);
    now += 2000;
    expect(trends.hourly(['model']).rows[0]!.requests).toBe(2);
    expect(queries()).toBe(4);
  });

  test('an empty store: empty rows, buckets still there; a missing key is ""', () => {
    const { trends } = setUp([]);
    expect(trends.hourly(['user'])).toMatchObject({ starts: expect.any(Array), rows: [] });
    const { trends: t2 } = setUp([call(NOW - 1000, { user: null })]);
    expect(t2.hourly(['user']).rows[0]!.key).toEqual({ user: '' });
  });
});
