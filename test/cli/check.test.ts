import { describe, expect, it } from 'vitest';
import { evaluate, p95, parseLimits, summarize, type Limits } from '../../src/cli/check.js';
import { makeCall, NOW } from '../helpers/view-calls.js';

const NO_LIMITS: Limits = { maxCostUsd: null, maxP95Ms: null, maxTtftP95Ms: null, maxErrorRatePct: null, maxTokens: null, minCalls: null, maxLoops: null };

describe('parseLimits: the limits as typed', () => {
  it.each([
    [{ maxCost: '0.30' }, { maxCostUsd: 0.3 }],
    [{ maxCost: '$1.5' }, { maxCostUsd: 1.5 }],
    [{ maxCost: '.5' }, { maxCostUsd: 0.5 }],
    [{ maxP95: '1.5s' }, { maxP95Ms: 1500 }],
    [{ maxTtftP95: '800ms' }, { maxTtftP95Ms: 800 }],
    [{ maxErrorRate: '5' }, { maxErrorRatePct: 5 }],
    [{ maxErrorRate: '2.5%' }, { maxErrorRatePct: 2.5 }],
    [{ maxTokens: '10000' }, { maxTokens: 10000 }],
    [{ minCalls: '3' }, { minCalls: 3 }],
    [{}, NO_LIMITS],
  ])('%j → %j', (raw, expected) => {
    expect(parseLimits(raw)).toEqual({ ...NO_LIMITS, ...expected });
  });

  it.each([
    [{ maxCost: 'cheap' }, /--max-cost "cheap"/],
    [{ maxCost: '-1' }, /--max-cost/],
    [{ maxP95: 'fast' }, /--max-p95 "fast"/],
    [{ maxTtftP95: '' }, /--max-ttft-p95/],
    [{ maxErrorRate: '150' }, /--max-error-rate "150" is a percentage/],
    [{ maxTokens: '1e6' }, /--max-tokens "1e6" is not a whole number/],
    [{ minCalls: 'some' }, /--min-calls/],
  ])('%j is refused naming the flag', (raw, message) => {
    expect(() => parseLimits(raw)).toThrow(message);
  });
});

describe('p95, by nearest rank', () => {
  it.each([
    [[], null],
    [[7], 7],
    [[1, 2], 2],
    [Array.from({ length: 20 }, (_, i) => i + 1), 19],
    [Array.from({ length: 100 }, (_, i) => 100 - i), 95],
  ])('%j → %s', (values, expected) => expect(p95(values)).toBe(expected));
});

describe('summarize: totals, models and runs of the calls a command made', () => {
  const calls = [
    makeCall({ traceId: 'run-a', timeMs: NOW, durationMs: 1000, ttftMs: 200, model: 'gpt-4o-mini', costUsd: 0.01, inputTokens: 100, outputTokens: 10 }),
    makeCall({ traceId: 'run-a', timeMs: NOW + 500, durationMs: 2000, ttftMs: null, model: 'gpt-4o', costUsd: 0.2, status: 'error', costSource: 'estimated' }),
    makeCall({ traceId: 'run-b', timeMs: NOW - 5000, durationMs: 300, ttftMs: 100, model: 'gpt-4o-mini', costUsd: 0.01 }),
  ];
  const s = summarize(calls);

  it('adds up the totals', () => {
    expect(s.totals).toMatchObject({ requests: 3, errors: 1, p95LatencyMs: 2000, p95TtftMs: 200, costEstimated: true });
    expect(s.totals.costUsd).toBeCloseTo(0.22);
  });

  it('lists models most expensive first', () => {
    expect(s.models.map((m) => [m.model, m.requests])).toEqual([
      ['gpt-4o', 1],
      ['gpt-4o-mini', 2],
    ]);
  });

  it('lists runs (traces) in the order they started, with their wall time', () => {
    expect(s.runs.map((r) => [r.traceId, r.requests, r.wallMs])).toEqual([
      ['run-b', 1, 300],
      ['run-a', 2, 2500],
    ]);
  });

  it('is empty without calls', () => {
    expect(summarize([])).toMatchObject({ totals: { requests: 0, p95LatencyMs: null, p95TtftMs: null }, models: [], runs: [] });
  });
});

describe('evaluate: each broken limit named in one line', () => {
  const totals = summarize([
    makeCall({ durationMs: 1200, ttftMs: 400, costUsd: 0.3, inputTokens: 900, outputTokens: 100 }),
    makeCall({ durationMs: 2500, ttftMs: 900, costUsd: 0.12, inputTokens: 0, outputTokens: 0, status: 'error' }),
  ]).totals;

  it.each([
    [{ maxCostUsd: 0.3 }, ['cost $0.4200 over --max-cost $0.3000']],
    [{ maxCostUsd: 0.42 }, []],
    [{ maxCostUsd: 1 }, []],
    [{ maxP95Ms: 2000 }, ['P95 latency 2.5s over --max-p95 2.0s']],
    [{ maxP95Ms: 2500 }, []],
    [{ maxTtftP95Ms: 500 }, ['TTFT P95 900ms over --max-ttft-p95 500ms']],
    [{ maxErrorRatePct: 10 }, ['error rate 50% (1 of 2) over --max-error-rate 10%']],
    [{ maxErrorRatePct: 50 }, []],
    [{ maxTokens: 999 }, ['tokens 1000 over --max-tokens 999']],
    [{ maxTokens: 1000 }, []],
    [{ minCalls: 3 }, ['2 LLM calls under --min-calls 3']],
    [{ minCalls: 2 }, []],
    [{ maxCostUsd: 0.1, maxTokens: 10 }, ['cost $0.4200 over --max-cost $0.1000', 'tokens 1000 over --max-tokens 10']],
  ])('%j → %j', (limits, messages) => {
    expect(evaluate(totals, { ...NO_LIMITS, ...limits }).map((b) => b.message)).toEqual(messages);
  });

  it('--max-loops: more loops flagged than allowed, naming the first', () => {
    const loop = { kind: 'loop' as const, id: 'loop-1', service: 'agent', model: 'gpt-4o', what: 'fix the failing test', count: 6, costUsd: 0.06, unpricedCalls: 0, firstMs: NOW, lastMs: NOW, flaggedMs: NOW, sessionId: null };
    const totals = summarize([makeCall({ costUsd: 0.01 })]).totals;
    expect(evaluate(totals, { ...NO_LIMITS, maxLoops: 0 }, [loop]).map((b) => b.message)).toEqual(['1 loops over --max-loops 0: the first, agent gpt-4o, 6 calls of "fix the failing test"']);
    expect(evaluate(totals, { ...NO_LIMITS, maxLoops: 1 }, [loop])).toEqual([]);
    expect(evaluate(totals, { ...NO_LIMITS, maxLoops: 0 }, [])).toEqual([]);
  });

  it('without calls, only --min-calls can fail: there is no P95 or error rate to compare', () => {
    const empty = summarize([]).totals;
    const all: Limits = { maxCostUsd: 0, maxP95Ms: 1, maxTtftP95Ms: 1, maxErrorRatePct: 0, maxTokens: 0, minCalls: 1, maxLoops: 0 };
    expect(evaluate(empty, all).map((b) => b.flag)).toEqual(['--min-calls']);
  });
});
