import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/app/config.js';
import { liveFromStore } from '../../src/app/live-from-store.js';
import { GROUP_KEYS, type LlmCall } from '../../src/domain/call.js';
import { Prices } from '../../src/pricing/index.js';
import { CallStore } from '../../src/store/call-store.js';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const HOUR = 3600_000;
const prices = Prices.load(null);
const now = () => NOW;

function call(n: number, o: Partial<LlmCall> = {}): LlmCall {
  return {
    id: `call-${n}`, timeMs: NOW - n * 60_000, traceId: `trace-${n}`, spanId: `span-${n}`, service: 'web', environment: 'prod', provider: 'openai',
    model: 'gpt-4o', operation: 'chat', durationMs: 1000 + n, ttftMs: n % 2 ? 200 + n : null, inputTokens: 100 * n, outputTokens: 10 * n,
    cacheReadTokens: n % 3 ? 0 : 50, cacheWriteTokens: 0, reasoningTokens: n % 5 ? 0 : 7, costUsd: 0.001 * n, costSource: 'reported', status: 'ok',
    error: null, errorType: null, finishReason: 'stop', user: null, prompt: `prompt ${n}`, response: `response ${n}`, source: 'openlit', sessionId: null,
    contextPercent: null, ...o,
  };
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-live-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('liveFromStore', () => {
  it('builds again from the db file the statistics llmtop had built as the same calls came in', () => {
    const window = prices.rule('openai', 'gpt-4o', NOW)?.contextWindow;
    expect(window).toBeGreaterThan(0);
    const calls = [
      ...Array.from({ length: 40 }, (_, i) => call(i + 1, { model: i % 2 ? 'gpt-4o' : 'gpt-4o-mini', service: i % 3 ? 'web' : 'worker' })),
      // Keys from the wire: a user with a quote, a NUL and an accent; a provider llmtop has no price for.
      call(41, { user: 'ann "o\u0000é"', provider: 'acme', model: 'rocket-1', costUsd: null, costSource: 'unknown' }),
      // Problems: each keeps its ids and its kind for the errors view.
      call(42, { status: 'error', error: 'Rate limit reached', errorType: '429', finishReason: null }),
      call(43, { finishReason: 'length' }),
      call(44, { inputTokens: Math.ceil(window! * 0.95) }),
      call(45, { status: 'error', error: 'Rate limit reached', errorType: '429', finishReason: null, environment: 'staging' }),
      // Past the live horizon: in the file, in no window.
      call(46, { timeMs: NOW - 25 * HOUR }),
    ];
    const store = new CallStore({ path: path.join(dir, 'llmtop.db'), maxCalls: 1000, retentionMs: 7 * 24 * HOUR, now });
    const asTheyCame = liveFromStore(store, prices, LIMITS, now).stats;
    asTheyCame.apply(store.commit({ upserted: calls, deleted: [] }));
    const again = liveFromStore(store, prices, LIMITS, now).stats;
    store.close();

    const day = { windowMs: 24 * HOUR, groupBy: [...GROUP_KEYS], filter: {} };
    const summary = again.summary(day);
    expect(summary.totals.requests).toBe(45);
    expect(summary.groups.some((g) => g.user === 'ann "o\u0000é"' && g.provider === 'acme')).toBe(true);
    expect(summary).toEqual(asTheyCame.summary(day));
    const errors = again.errors(24 * HOUR);
    expect(errors.map((e) => [e.kind, e.count, e.latest.traceId, e.latest.spanId]).sort()).toEqual([
      ['nearContext', 1, 'trace-44', 'span-44'],
      ['rateLimit', 2, 'trace-42', 'span-42'],
      ['truncated', 1, 'trace-43', 'span-43'],
    ]);
    expect(errors).toEqual(asTheyCame.errors(24 * HOUR));
    expect(again.series(HOUR, 60)).toEqual(asTheyCame.series(HOUR, 60));
    expect(again.costSince(NOW - 24 * HOUR)).toBeCloseTo(asTheyCame.costSince(NOW - 24 * HOUR)!, 12);
    expect(again.recent(5).map((c) => c.id)).toEqual(asTheyCame.recent(5).map((c) => c.id));
  });
});
