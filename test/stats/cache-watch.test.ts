import { describe, expect, it } from 'vitest';
import type { LlmCall } from '../../src/domain/call.js';
import { CacheWatch } from '../../src/stats/cache-watch.js';
import { makeCall } from '../helpers/view-calls.js';

/* Cache busts within a session: reads that collapse after warm calls, and why. */

const T = Date.UTC(2026, 11, 7, 12);
const S = 1000;
const MIN = 60 * S;

/** A call of session s-1 starting `atMs` after T, lasting 3 s, reading `read` of its 41,000 input tokens from the cache. */
const call = (id: string, atMs: number, read: number, o: Partial<LlmCall> = {}) =>
  makeCall({ id, timeMs: T + atMs, durationMs: 3 * S, sessionId: 's-1', service: 'claude-code', provider: 'anthropic', model: 'claude-sonnet-4-5', inputTokens: 41_000, cacheReadTokens: read, ...o });

/** Three warm calls, 20 s apart: the last ends at 43 s. */
const warm = () => [call('w1', 0, 38_000), call('w2', 20 * S, 39_000), call('w3', 40 * S, 40_000)];

/** The marks made, by call id, the calls stored in one batch or in the batches given. */
const marksOf = (calls: LlmCall[], batches: LlmCall[][] = [calls]) => {
  const w = new CacheWatch();
  for (const b of batches) w.observe(b);
  return Object.fromEntries(calls.map((c) => [c.id, w.mark(c.id)]).filter(([, m]) => m !== undefined));
};

describe('CacheWatch', () => {
  it.each([
    ['reads collapse 37 s after warm calls: the prefix changed', [...warm(), call('x', 80 * S, 0)], { x: { reason: 'prefix', gapMs: 37 * S, lifetimeMs: 5 * MIN, readBefore: 40_000, readNow: 0, warmCalls: 3 } }],
    ['reads collapse 7 min after: the cache expired', [...warm(), call('x', 43 * S + 7 * MIN, 2_000)], { x: { reason: 'expired', gapMs: 7 * MIN, lifetimeMs: 5 * MIN, readBefore: 40_000, readNow: 2_000, warmCalls: 3 } }],
    ['exactly the lifetime is not past it', [...warm(), call('x', 43 * S + 5 * MIN, 0)], { x: expect.objectContaining({ reason: 'prefix' }) }],
    ['one warm call is not enough to call it warm', [call('w1', 0, 40_000), call('x', 20 * S, 0)], {}],
    ['reads that fall by less than 90% are no collapse', [...warm(), call('x', 80 * S, 4_001)], {}],
    ['a small call (a title, a summary) is another kind of call', [...warm(), call('x', 80 * S, 0, { inputTokens: 900 })], {}],
    ['another model of the session has its own cache', [...warm(), call('x', 80 * S, 0, { model: 'claude-haiku-4-5' })], {}],
    ['calls without a session are not watched', [...warm().map((c): LlmCall => ({ ...c, sessionId: null })), call('x', 80 * S, 0, { sessionId: null })], {}],
    ['after a bust the cache must warm again before another counts', [...warm(), call('x', 80 * S, 0), call('y', 100 * S, 0)], { x: expect.objectContaining({ reason: 'prefix' }) }],
  ] as const)('%s', (_name, calls, expected) => {
    expect(marksOf([...calls])).toEqual(expected);
  });

  it('judges calls by their times whatever the order of the batch; a call older than the latest seen is left out', () => {
    const calls = [call('x', 80 * S, 0), ...warm().reverse()];
    expect(Object.keys(marksOf(calls))).toEqual(['x']);
    // Stored after the warm calls, a cold call that started before the last of them is not judged, nor does it cool the cache.
    const late = call('late', 10 * S, 0);
    const x = call('x', 80 * S, 0);
    expect(marksOf([...warm(), late, x], [warm(), [late], [x]])).toEqual({ x: { reason: 'prefix', gapMs: 37 * S, lifetimeMs: 5 * MIN, readBefore: 40_000, readNow: 0, warmCalls: 3 } });
  });

  it('bumps its version with each mark', () => {
    const w = new CacheWatch();
    w.observe(warm());
    expect(w.version).toBe(0);
    w.observe([call('x', 80 * S, 0)]);
    expect(w.version).toBe(1);
  });
});
