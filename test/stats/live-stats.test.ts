import { describe, expect, it } from 'vitest';
import type { LlmCall } from '../../src/domain/call.js';
import { BundledPrices, FilePrices, Prices } from '../../src/pricing/index.js';
import { LiveStats } from '../../src/stats/live-stats.js';
import { savingsFrom } from '../../src/stats/savings.js';
import { CallStore } from '../../src/store/call-store.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const DAY = 24 * 3600_000;

function call(id: string, o: Partial<LlmCall> = {}): LlmCall {
  return {
    id, timeMs: NOW - 1000, traceId: '', spanId: '', service: 'web', environment: 'prod', provider: 'openai', model: 'gpt-4o',
    operation: 'chat', durationMs: 1000, ttftMs: null, inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0,
    reasoningTokens: 0, costUsd: 0.01, costSource: 'reported', status: 'ok', error: null, errorType: null, finishReason: null, user: null, prompt: null, response: null,
    source: 'gen_ai', sessionId: null, contextPercent: null, ...o,
  };
}

function stats(calls: LlmCall[], capacity = 100, contextWindow?: (provider: string, model: string) => number | null) {
  const s = new LiveStats({ horizonMs: 24 * 3600_000, recentCapacity: capacity, now: () => NOW, ...(contextWindow ? { contextWindow } : {}) });
  s.apply({ upserted: calls, deleted: [], replaced: [] });
  return s;
}

const q = (windowMs: number, groupBy: ('provider' | 'model' | 'service')[] = ['provider', 'model'], filter = {}) => ({ windowMs, groupBy, filter });

describe('LiveStats', () => {
  it('counts only the calls inside the window, with rates over the whole window', () => {
    const s = stats([call('a', { timeMs: NOW - 30_000 }), call('b', { timeMs: NOW - 90_000 }), call('c', { timeMs: NOW - 400_000 })]);
    expect(s.summary(q(60_000)).totals).toMatchObject({ requests: 1, requestsPerSecond: 1 / 60 });
    expect(s.summary(q(300_000)).totals.requests).toBe(2);
    expect(s.summary(q(3600_000)).totals.requests).toBe(3);
  });

  it('groups by the keys asked, ordered by requests', () => {
    const s = stats([call('a', { model: 'm1' }), call('b', { model: 'm2' }), call('c', { model: 'm2', service: 'api' })]);
    expect(s.summary(q(60_000)).groups.map((g) => [g.model, g.requests])).toEqual([['m2', 2], ['m1', 1]]);
    expect(s.summary(q(60_000, ['service'])).groups.map((g) => [g.service, g.requests])).toEqual([['web', 2], ['api', 1]]);
    expect(s.summary(q(60_000, [])).groups).toEqual([]);
  });

  it('filters by exact keys and by a case-insensitive search', () => {
    const s = stats([call('a', { service: 'web' }), call('b', { service: 'batch', model: 'Claude-x' }), call('c', { service: 'batch' })]);
    expect(s.summary(q(60_000, ['model'], { service: 'batch' })).totals.requests).toBe(2);
    expect(s.summary(q(60_000), 'claude').totals.requests).toBe(1);
    expect(s.recent(10, { keys: { service: 'web' } }).map((c) => c.id)).toEqual(['a']);
  });

  it('sums tokens, cost and errors, and splits estimated cost out', () => {
    const s = stats([call('a', { costUsd: 0.5, costSource: 'estimated', status: 'error' }), call('b', { costUsd: 0.25, inputTokens: 100, cacheReadTokens: 40 })]);
    expect(s.summary(q(60_000)).totals).toMatchObject({ requests: 2, errors: 1, costUsd: 0.75, estimatedCostUsd: 0.5, inputTokens: 110, cacheReadTokens: 40 });
  });

  it('gives P50, P95 latency and P95 TTFT within 1% of the exact values', () => {
    const calls = Array.from({ length: 1000 }, (_, i) => call(`c${i}`, { durationMs: i + 1, ttftMs: i % 2 ? (i + 1) / 10 : null }));
    const t = stats(calls).summary(q(60_000)).totals;
    expect(t.p50LatencyMs!).toBeGreaterThan(500 * 0.99);
    expect(t.p50LatencyMs!).toBeLessThan(501 * 1.01);
    expect(t.p95LatencyMs!).toBeGreaterThan(950 * 0.99);
    expect(t.p95LatencyMs!).toBeLessThan(951 * 1.01);
    expect(t.p95TtftMs!).toBeGreaterThan(95 * 0.99);
    expect(t.p95TtftMs!).toBeLessThan(96 * 1.01);
    expect(stats([call('x')]).summary(q(60_000)).totals.p95TtftMs).toBeNull();
  });

  it("gives per model the P95 of how full its context window was, within 1%; none where the window is unknown", () => {
    // gpt-4o: input 1,280 … 128,000 tokens of its 128,000: 1% … 100%; an unknown model: no window.
    const calls = [
      ...Array.from({ length: 100 }, (_, i) => call(`g${i}`, { model: 'gpt-4o', inputTokens: 1280 * (i + 1) })),
      call('u', { model: 'mystery-model', inputTokens: 5000 }),
    ];
    const groups = stats(calls, 100, (_p, model) => (model === 'gpt-4o' ? 128_000 : null)).summary(q(60_000)).groups;
    const p95 = (model: string) => groups.find((g) => g.model === model)!.p95ContextPercent;
    expect(p95('gpt-4o')!).toBeGreaterThan(95 * 0.99);
    expect(p95('gpt-4o')!).toBeLessThan(96 * 1.01);
    expect(p95('mystery-model')).toBeNull();
  });

  it('keeps of a failed call what the errors view counts, and gives the newest back whole, without its text', () => {
    const failed = (id: string, timeMs: number, o: Partial<LlmCall> = {}) =>
      call(id, { timeMs, status: 'error', error: 'Rate limit reached', errorType: '429', traceId: `t-${id}`, spanId: `s-${id}`, prompt: 'p', ...o });
    const calls = [
      failed('e1', NOW - 3000, { user: 'ana' }),
      failed('e2', NOW - 2000, { ttftMs: 12.5, cacheReadTokens: 3, costSource: 'estimated', source: 'openlit', durationMs: 77.25 }),
      call('cut', { timeMs: NOW - 1500, finishReason: 'length' }),
    ];
    const s = stats(calls);
    const [limited, cut] = s.errors(60_000);
    expect(limited).toMatchObject({ kind: 'rateLimit', count: 2, message: '429: Rate limit reached' });
    expect(limited!.latest).toEqual({ ...calls[1], prompt: null, response: null });
    expect(cut).toMatchObject({ kind: 'truncated', count: 1, message: 'finish reason length', latest: { id: 'cut', finishReason: 'length' } });
    // With the newest gone, the example is the one before it.
    s.apply({ upserted: [], deleted: [{ id: 'e2', timeMs: NOW - 2000 }], replaced: [] });
    expect(s.errors(60_000)[0]!.latest).toEqual({ ...calls[0], prompt: null, response: null });
  });

  it('forgets deleted calls and replaces upserted ones as the store commits them, and bumps the version only on change', () => {
    const store = new CallStore({ path: ':memory:', maxCalls: 100, retentionMs: 7 * DAY, now: () => NOW });
    const s = stats([]);
    const [a, b] = [call('a'), call('b')];
    s.apply(store.commit({ upserted: [a, b], deleted: [] }));
    const v = s.version;
    // The new version of 'a' starts a minute earlier (the assembler says which version it replaces): its old row must go.
    s.apply(store.commit({ upserted: [call('a', { inputTokens: 1000, timeMs: NOW - 61_000 })], deleted: [a, b] }));
    expect(s.version).toBe(v + 1);
    expect(s.summary(q(120_000)).totals).toMatchObject({ requests: 1, inputTokens: 1000 });
    expect(s.summary(q(30_000)).totals.requests).toBe(0);
    expect(s.call('b')).toBeUndefined();
    s.apply(store.commit({ upserted: [], deleted: [] }));
    expect(s.version).toBe(v + 1);
    // The same call again (a retry) replaces its row in place.
    s.apply(store.commit({ upserted: [call('a', { inputTokens: 7, timeMs: NOW - 61_000 })], deleted: [] }));
    expect(s.summary(q(120_000)).totals).toMatchObject({ requests: 1, inputTokens: 7 });
    store.close();
  });

  it('forgets the calls the ring trims, and never counts a call trimmed in the commit that brought it', () => {
    const store = new CallStore({ path: ':memory:', maxCalls: 3, retentionMs: 7 * DAY, now: () => NOW });
    const s = stats([]);
    const at = (n: number) => call(`c${n}`, { timeMs: NOW - 10_000 + n });
    s.apply(store.commit({ upserted: [at(1), at(2), at(3)], deleted: [] }));
    s.apply(store.commit({ upserted: [at(4), at(5)], deleted: [] }));
    expect(s.recent(10).map((c) => c.id)).toEqual(['c5', 'c4', 'c3']);
    expect(s.summary(q(60_000)).totals.requests).toBe(3);
    const bigger = store.commit({ upserted: [at(6), at(7), at(8), at(9)], deleted: [] });
    expect(bigger.upserted.map((c) => c.id)).toEqual(['c7', 'c8', 'c9']);
    s.apply(bigger);
    expect(s.recent(10).map((c) => c.id)).toEqual(['c9', 'c8', 'c7']);
    expect(s.summary(q(60_000)).totals.requests).toBe(3);
    store.close();
  });

  it('at start counts the calls read back from the store, and takes the newest again with their text for the log without counting them twice', () => {
    const s = stats([]);
    const store = new CallStore({ path: ':memory:', maxCalls: 100, retentionMs: DAY, now: () => NOW });
    store.commit({ upserted: [call('a', { timeMs: NOW - 2000 }), call('b', { timeMs: NOW - 1000 })], deleted: [] });
    s.load((visit) => store.eachSince(NOW - DAY, visit));
    store.close();
    expect(s.summary(q(60_000)).totals.requests).toBe(2);
    expect(s.recent(10)).toEqual([]);
    s.remember([call('b', { timeMs: NOW - 1000, prompt: 'hi', response: 'hello' })]);
    expect(s.summary(q(60_000)).totals.requests).toBe(2);
    expect(s.recent(10).map((c) => [c.id, c.prompt])).toEqual([['b', 'hi']]);
  });

  it('keeps the newest calls for the log, newest first, whatever order they arrive in', () => {
    const s = stats([call('t3', { timeMs: NOW - 3000 }), call('t1', { timeMs: NOW - 1000 }), call('t4', { timeMs: NOW - 4000 }), call('t2', { timeMs: NOW - 2000 })], 3);
    expect(s.recent(10).map((c) => c.id)).toEqual(['t1', 't2', 't3']);
    s.apply({ upserted: [call('t5', { timeMs: NOW - 5000 })], deleted: [], replaced: [] });
    expect(s.recent(10).map((c) => c.id)).toEqual(['t1', 't2', 't3']);
    s.apply({ upserted: [call('t0', { timeMs: NOW })], deleted: [], replaced: [] });
    expect(s.recent(2).map((c) => c.id)).toEqual(['t0', 't1']);
  });

  it('puts each call of the window in its sparkline bucket', () => {
    const s = stats([call('a', { timeMs: NOW - 59_500 }), call('b', { timeMs: NOW - 500, inputTokens: 7, outputTokens: 3, status: 'error' }), call('c', { timeMs: NOW - 400 })]);
    const series = s.series(60_000, 60);
    expect(series.bucketMs).toBe(1000);
    expect(series.requests[0]).toBe(1);
    expect(series.requests[59]).toBe(2);
    expect(series.errors[59]).toBe(1);
    expect(series.tokens[59]).toBe(10 + 15);
    expect(series.requests.reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('gives the sorted durations and TTFTs of the window, filtered by keys and search', () => {
    const s = stats([
      call('a', { durationMs: 3000, ttftMs: 200 }),
      call('b', { durationMs: 1000 }),
      call('c', { durationMs: 2000, ttftMs: 100 }),
      call('d', { durationMs: 500, model: 'other' }),
      call('old', { durationMs: 9, timeMs: NOW - 120_000 }),
    ]);
    expect(s.distribution(60_000)).toEqual({ durationsMs: [500, 1000, 2000, 3000], ttftsMs: [100, 200] });
    expect(s.distribution(60_000, { keys: { model: 'gpt-4o' } }).durationsMs).toEqual([1000, 2000, 3000]);
    expect(s.distribution(60_000, { search: 'OTHER' }).durationsMs).toEqual([500]);
    expect(s.distribution(300_000).durationsMs[0]).toBe(9);
  });

  it('adds up what the prompt cache saved, from the savings per token it was given for each model', () => {
    const calls = [call('a', { cacheReadTokens: 1000 }), call('b', { cacheReadTokens: 3000, model: 'm2' }), call('c'), call('d', { cacheReadTokens: 500, model: 'm3' })];
    const perToken: Record<string, number> = { 'gpt-4o': 2.25 / 1e6, m2: 2.25 / 1e6, m3: -1 };
    const s = new LiveStats({ horizonMs: 3600_000, recentCapacity: 10, now: () => NOW, savings: (_provider, model) => perToken[model] ?? 0 });
    s.apply({ upserted: calls, deleted: [], replaced: [] });
    const sum = s.summary(q(60_000, ['model']));
    expect(sum.totals.cacheSavingsUsd).toBeCloseTo(0.009);
    expect(sum.groups.map((g) => [g.model, g.cacheSavingsUsd])).toEqual([['gpt-4o', 1000 * (2.25 / 1e6)], ['m2', 3000 * (2.25 / 1e6)], ['m3', 0]]);
    // Without one, or when it answers nonsense, nothing was saved.
    expect(stats(calls).summary(q(60_000)).totals.cacheSavingsUsd).toBe(0);
    const bad = new LiveStats({ horizonMs: 3600_000, recentCapacity: 10, now: () => NOW, savings: () => Number.NaN });
    bad.apply({ upserted: calls, deleted: [], replaced: [] });
    expect(bad.summary(q(60_000)).totals.cacheSavingsUsd).toBe(0);
  });

  it('savingsFrom prices cache reads at the input price less the cache-read price', () => {
    const file = new FilePrices({ path: 'prices.json', text: '', entries: { 'gpt-4o': { input: 2.5, output: 10, cacheRead: 1.25 }, nocache: { input: 1, output: 1 } } });
    const savings = savingsFrom(new Prices(new BundledPrices(), file), () => NOW);
    expect(1000 * savings('openai', 'gpt-4o-2024-08-06')).toBeCloseTo(0.00125);
    expect(savings('openai', 'nocache')).toBe(0);
    expect(savings('openai', 'unknown-model')).toBe(0);
  });
});

describe('LiveStats totals', () => {
  it('are the same whatever the grouping: every field of the groups adds up to the whole', () => {
    const calls = Array.from({ length: 300 }, (_, i) =>
      call(`t${i}`, {
        model: ['m1', 'm2', 'm3'][i % 3]!,
        service: i % 2 ? 'web' : 'api',
        durationMs: 100 + ((i * 37) % 900),
        ttftMs: i % 4 ? 20 + (i % 50) : null,
        inputTokens: i,
        outputTokens: 2 * i,
        cacheReadTokens: i % 5,
        cacheWriteTokens: i % 7,
        reasoningTokens: i % 3,
        costUsd: i / 1000,
        costSource: i % 2 ? 'reported' : 'estimated',
        status: i % 9 ? 'ok' : 'error',
      }),
    );
    const s = stats(calls, 100, (_p, model) => (model === 'm3' ? null : 1000));
    const whole = s.summary(q(60_000, [])).totals;
    for (const groupBy of [['model'], ['service'], ['provider', 'model']] as const) {
      const totals = s.summary(q(60_000, [...groupBy])).totals;
      for (const [k, v] of Object.entries(whole) as [string, number][]) {
        expect((totals as unknown as Record<string, number>)[k], `${k} by ${groupBy}`).toBeCloseTo(v, 6);
      }
    }
    expect(whole.requests).toBe(300);
    expect(Object.values(whole).every((v) => typeof v === 'number')).toBe(true);
  });
});

describe('LiveStats.costSince', () => {
  const s = stats([
    call('a', { timeMs: NOW - 23 * 3600_000, costUsd: 1 }),
    call('b', { timeMs: NOW - 3600_000, costUsd: 0.5 }),
    call('c', { timeMs: NOW - 60_000, costUsd: 0.25 }),
    call('d', { timeMs: NOW - 1000, costUsd: 0.125 }),
  ]);
  it.each([
    ['the last minute and a bit', NOW - 60_000, 0.375],
    ['from a call’s own start time', NOW - 3600_000, 0.875],
    ['the whole horizon', NOW - 24 * 3600_000, 1.875],
    ['nothing since now', NOW, 0],
    ['past the horizon: the store’s to answer', NOW - 24 * 3600_000 - 1, null],
  ])('%s', (_name, startMs, usd) => {
    expect(s.costSince(startMs)).toBe(usd);
  });

  it('follows a call replaced with a better cost', () => {
    const t = stats([call('a', { costUsd: 0 })]);
    t.apply({ upserted: [call('a', { costUsd: 0.3 })], deleted: [], replaced: [] });
    expect(t.costSince(NOW - 60_000)).toBe(0.3);
  });
});
