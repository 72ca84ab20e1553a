import { describe, expect, it } from 'vitest';
import type { LlmCall } from '../../src/domain/call.js';
import { RecentCalls } from '../../src/stats/recent.js';

const NOW = Date.parse('2026-12-07T12:00:00Z');

function call(n: number, text: Partial<Pick<LlmCall, 'prompt' | 'response'>> = {}): LlmCall {
  return {
    id: `c${n}`, timeMs: NOW + n, traceId: '', spanId: '', service: 'web', environment: 'prod', provider: 'anthropic', model: 'claude-sonnet-4',
    operation: 'chat', durationMs: 1000, ttftMs: null, inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0,
    reasoningTokens: 0, costUsd: 0.01, costSource: 'reported', status: 'ok', error: null, errorType: null, finishReason: null, user: null,
    prompt: null, response: null, source: 'gen_ai', sessionId: null, contextPercent: null, ...text,
  };
}

const ids = (r: RecentCalls) => r.newest(100, () => true).map((c) => c.id);

describe('RecentCalls', () => {
  it('keeps the newest calls up to its capacity, in time order whatever order they came in', () => {
    const r = new RecentCalls(3);
    for (const n of [1, 4, 2, 5, 3]) r.put(call(n));
    expect(ids(r)).toEqual(['c5', 'c4', 'c3']);
    expect(r.get('c2')).toBeUndefined();
  });

  it('holds no more text than its budget: long prompts leave fewer calls, the newest always kept', () => {
    const r = new RecentCalls(100, 10_000);
    const agentTurn = (n: number) => call(n, { prompt: 'x'.repeat(3000), response: 'y'.repeat(1000) });
    for (let n = 1; n <= 5; n++) r.put(agentTurn(n));
    expect(ids(r)).toEqual(['c5', 'c4']);
    // Short calls fit many more into the same budget.
    for (let n = 6; n <= 30; n++) r.put(call(n, { prompt: 'hi', response: 'hello' }));
    expect(ids(r)).toHaveLength(27);
    expect(r.get('c4')?.prompt).toHaveLength(3000);
    // One call longer than the whole budget is still the newest call of the log.
    r.put(call(31, { prompt: 'z'.repeat(20_000) }));
    expect(ids(r)).toEqual(['c31']);
  });

  it('gives back the budget of a call deleted or replaced', () => {
    const r = new RecentCalls(100, 10_000);
    r.put(call(1, { prompt: 'a'.repeat(6000) }));
    r.delete('c1');
    r.put(call(2, { prompt: 'b'.repeat(6000) }));
    r.put(call(2, { prompt: 'b'.repeat(100) }));
    r.put(call(3, { prompt: 'c'.repeat(6000) }));
    expect(ids(r)).toEqual(['c3', 'c2']);
  });
});
