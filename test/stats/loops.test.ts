import { describe, expect, it } from 'vitest';
import type { LlmCall } from '../../src/domain/call.js';
import { DEFAULT_LOOP_RULE, type LoopAlert } from '../../src/domain/loop.js';
import { LoopWatch, promptFingerprint } from '../../src/stats/loops.js';
import { makeCall } from '../helpers/view-calls.js';

/* Loops and retry storms: N near-identical calls within a span, by the calls' own times. */

const T = Date.UTC(2026, 11, 7, 12);
const S = 1000;

function watch() {
  const w = new LoopWatch(DEFAULT_LOOP_RULE, () => T);
  const heard: LoopAlert[] = [];
  w.onLoop((a) => heard.push({ ...a }));
  return { w, heard };
}

const ask = (i: number, o: Partial<LlmCall> = {}) =>
  makeCall({ id: `c${i}`, timeMs: T + i * 10 * S, service: 'agent', model: 'gpt-4o', prompt: `Fix the failing test in cart.test.ts (run ${crypto.randomUUID()}, attempt ${1000 + i})`, costUsd: 0.01, ...o });

describe('promptFingerprint', () => {
  it.each([
    ['whitespace', 'fix  the\n\ttest', 'fix the test'],
    ['uuids', 'retry job 2f1c0a5e-3b7d-4c8e-9f00-1a2b3c4d5e6f now', 'retry job 0c7e2b3a-1111-4c8e-9f00-1a2b3c4d5e6f now'],
    ['hex ids', 'trace 4bf92f3577b34da6a3ce929d0e0e4736', 'trace 00f067aa0ba902b7aaaa000011112222'],
    ['long numbers', 'order 123456 of 2026', 'order 987654 of 1999'],
    ['times', 'at 2026-12-07T12:00:01.123Z', 'at 2026-12-08 09:30'],
  ])('%s are made alike', (_name, a, b) => {
    expect(promptFingerprint(a)).toBe(promptFingerprint(b));
  });

  it('different words are different prompts; so are short numbers', () => {
    expect(promptFingerprint('fix the test')).not.toBe(promptFingerprint('fix the build'));
    expect(promptFingerprint('summarize ticket 12')).not.toBe(promptFingerprint('summarize ticket 13'));
  });

  it('a long conversation: the same beginning, another newest message at the end, is another prompt', () => {
    const system = 'You are a support agent for Acme. Be brief and polite. '.repeat(40);
    expect(promptFingerprint(`${system}\nuser: where is my order?`)).not.toBe(promptFingerprint(`${system}\nuser: cancel my order`));
    expect(promptFingerprint(`${system}\nuser: where is my order?`)).toBe(promptFingerprint(`  ${system}\nuser: where is my order?\n\n`));
  });
});

describe('LoopWatch', () => {
  it('the fifth near-identical call within 2 minutes flags a loop, once; the calls after it add to it', () => {
    const { w, heard } = watch();
    w.observe([ask(0), ask(1), ask(2), ask(3)]);
    expect(heard).toEqual([]);
    w.observe([ask(4)]);
    expect(heard).toEqual([
      { kind: 'loop', id: 'loop-1', service: 'agent', model: 'gpt-4o', what: expect.stringMatching(/^Fix the failing test in cart.test.ts/), count: 5, costUsd: expect.closeTo(0.05, 9), unpricedCalls: 0, firstMs: T, lastMs: T + 40 * S, flaggedMs: T, sessionId: null },
    ]);
    w.observe([ask(5), ask(6, { costUsd: null })]);
    expect(heard).toHaveLength(1);
    expect(w.alerts()[0]).toMatchObject({ count: 7, costUsd: expect.closeTo(0.06, 9), unpricedCalls: 1, lastMs: T + 60 * S });
    expect(w.total).toBe(1);
  });

  it('a later layer of a call already counted is not another call', () => {
    const { w, heard } = watch();
    w.observe([ask(0), ask(1), ask(2), ask(3), ask(3), ask(3)]);
    expect(heard).toEqual([]);
  });

  it('a runaway loop, or the same old times sent again and again, is counted whole with a bounded memory of its calls', () => {
    const { w, heard } = watch();
    // 100,000 calls of one prompt, all at one time (a replay): none ever leaves the window.
    for (let i = 0; i < 100_000; i += 1000) w.observe(Array.from({ length: 1000 }, (_, k) => ask(0, { id: `r${i + k}`, timeMs: T })));
    expect(heard).toHaveLength(1);
    expect(w.alerts()[0]).toMatchObject({ count: 100_000, costUsd: expect.closeTo(1000, 6), firstMs: T, lastMs: T });
    // Twice the rule's count (5), 16 at least: not the 100,000.
    expect(w.remembered).toBe(16);
    // A later layer of one of the newest calls is still told from a new call.
    w.observe([ask(0, { id: 'r99999', timeMs: T })]);
    expect(w.alerts()[0]!.count).toBe(100_000);
  });

  it('calls spread over more than the window are no loop', () => {
    const { w, heard } = watch();
    w.observe([0, 1, 2, 3, 4, 5, 6].map((i) => ask(0, { id: `s${i}`, timeMs: T + i * 45 * S })));
    expect(heard).toEqual([]);
  });

  it('a slow but varied workload of 50 distinct prompts raises no loop', () => {
    const { w, heard } = watch();
    const topics = ['refund', 'invoice', 'password', 'shipping', 'translate', 'summarize', 'classify', 'extract', 'rewrite', 'review'];
    w.observe(Array.from({ length: 50 }, (_, i) => ask(i, { prompt: `Please ${topics[i % 10]} item ${['alpha', 'beta', 'gamma', 'delta', 'epsilon'][Math.floor(i / 10)]}` })));
    expect(heard).toEqual([]);
  });

  it('one model or service is not another', () => {
    const { w, heard } = watch();
    w.observe([0, 1, 2, 3, 4].map((i) => ask(i, { model: i % 2 ? 'gpt-4o' : 'gpt-4o-mini' })));
    w.observe([5, 6, 7, 8].map((i) => ask(i, { service: `svc-${i}` })));
    expect(heard).toEqual([]);
  });

  it('after a quiet window, the same prompt again is a new loop', () => {
    const { w, heard } = watch();
    w.observe([0, 1, 2, 3, 4].map((i) => ask(i)));
    w.observe([0, 1, 2, 3, 4].map((i) => ask(100 + i, { id: `later${i}`, timeMs: T + 10 * 60 * S + i * S })));
    expect(heard.map((a) => a.id)).toEqual(['loop-1', 'loop-2']);
  });

  it('failing calls of one kind in a burst are a retry storm: 429s being retried', () => {
    const { w, heard } = watch();
    w.observe([0, 1, 2, 3, 4].map((i) => makeCall({ id: `e${i}`, timeMs: T + i * S, service: 'api', model: 'gpt-4o', status: 'error', errorType: '429', error: 'Rate limit', prompt: null })));
    expect(heard).toMatchObject([{ kind: 'retry-storm', what: '429', count: 5, service: 'api' }]);
  });

  it('a call without text is no loop by its prompt', () => {
    const { w, heard } = watch();
    w.observe([0, 1, 2, 3, 4, 5].map((i) => ask(i, { prompt: null })));
    expect(heard).toEqual([]);
  });
});
