import { describe, expect, it } from 'vitest';
import type { SessionCall } from '../../src/domain/session.js';
import { sessionDetail, sessionStatus } from '../../src/stats/sessions.js';

/* A session's turns from its calls: by trace, or by prompt for an agent's calls without one. */

const T = Date.UTC(2026, 11, 7, 12);
let n = 0;
function call(o: Partial<SessionCall>): SessionCall {
  n++;
  return { id: `c${n}`, timeMs: T, durationMs: 1000, traceId: '', service: 'agent', model: 'claude-sonnet-4-5', status: 'ok', inputTokens: 100, outputTokens: 10, costUsd: 0.01, contextPercent: null, prompt: null, ...o };
}

describe('sessionDetail', () => {
  it('a turn per trace, in order, with the cost so far and the fullest context', () => {
    const d = sessionDetail(
      's1',
      [
        call({ traceId: 'a', timeMs: T, prompt: 'plan the trip\nto Turin', costUsd: 0.02, contextPercent: 10 }),
        call({ traceId: 'a', timeMs: T + 2000, costUsd: 0.03, contextPercent: 12, model: 'gpt-4o-mini' }),
        call({ traceId: 'b', timeMs: T + 60_000, prompt: 'now book it', costUsd: null, contextPercent: 85, status: 'error' }),
        call({ traceId: 'b', timeMs: T + 62_000, costUsd: 0.05, contextPercent: 40 }),
      ],
      T + 10 * 60_000,
    )!;
    expect(d.turns.map((t) => [t.traceId, t.prompt, t.calls, t.costUsd, t.unpricedCalls, t.cumulativeCostUsd, t.contextPercent, t.errors])).toEqual([
      ['a', 'plan the trip', 2, 0.05, 0, 0.05, 12, 0],
      ['b', 'now book it', 2, 0.05, 1, 0.1, 85, 1],
    ]);
    expect(d).toMatchObject({ id: 's1', turnCount: 2, calls: 4, errors: 1, costUsd: 0.1, unpricedCalls: 1, peakContextPercent: 85, status: 'idle' });
    // Most used first.
    expect(d.models).toEqual(['claude-sonnet-4-5', 'gpt-4o-mini']);
    expect(d.lastMs).toBe(T + 63_000);
  });

  it("an agent's calls without a trace: a turn per prompt", () => {
    const d = sessionDetail(
      's2',
      [
        call({ timeMs: T, prompt: 'fix the failing test' }),
        call({ timeMs: T + 1000, prompt: 'fix the failing test' }),
        call({ timeMs: T + 9000, prompt: 'now run the linter' }),
      ],
      T + 10_000,
    )!;
    expect(d.turns.map((t) => [t.prompt, t.calls])).toEqual([
      ['fix the failing test', 2],
      ['now run the linter', 1],
    ]);
    expect(d.status).toBe('active');
  });

  it('no calls: no session', () => {
    expect(sessionDetail('gone', [], T)).toBeUndefined();
  });

  it('active until five minutes without a call', () => {
    expect(sessionStatus(T, T + 5 * 60_000 - 1)).toBe('active');
    expect(sessionStatus(T, T + 5 * 60_000)).toBe('idle');
  });
});
