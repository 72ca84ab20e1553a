import { describe, expect, it } from 'vitest';
import type { GroupKey } from '../../src/domain/call.js';
import { outputTokensPerSecond } from '../../src/stats/speed.js';
import { makeCall, NOW, statsWith } from '../helpers/view-calls.js';

describe('output tokens per second, net of TTFT', () => {
  const cases: Array<[name: string, outputTokens: number, durationMs: number, ttftMs: number | null, expected: number | null]> = [
    ['plain call: over the whole duration', 200, 2000, null, 100],
    ['streamed: the time to first token is taken off', 200, 2500, 500, 100],
    ['streamed with a long queue: still the generation speed', 90, 10_300, 10_000, 300],
    ['no output tokens (embeddings)', 0, 800, null, null],
    ['zero duration (metrics without a histogram)', 50, 0, null, null],
    ['TTFT as long as the call (openlit on a plain call, unflagged)', 50, 1000, 1000, null],
    ['TTFT past the duration (clock skew between layers)', 50, 1000, 1200, null],
  ];
  it.each(cases)('%s', (_name, outputTokens, durationMs, ttftMs, expected) => {
    expect(outputTokensPerSecond({ outputTokens, durationMs, ttftMs })).toBe(expected);
  });
});

describe('speed in summaries', () => {
  // gpt-4o: 100 streamed calls at 1, 2, ..., 100 tok/s; claude: 4 plain calls at 50 tok/s;
  // one embedding call without output, which must not count as a speed of 0.
  const calls = [
    ...Array.from({ length: 100 }, (_, i) =>
      makeCall({ id: `g${i}`, timeMs: NOW - 1000 * (i + 1), outputTokens: i + 1, durationMs: 1300, ttftMs: 300, service: i % 2 ? 'a' : 'b' }),
    ),
    ...Array.from({ length: 4 }, (_, i) =>
      makeCall({ id: `c${i}`, timeMs: NOW - 20_000, provider: 'anthropic', model: 'claude-sonnet-4-5', outputTokens: 100, durationMs: 2000, ttftMs: null, service: 'a' }),
    ),
    makeCall({ id: 'emb', operation: 'embeddings', outputTokens: 0, durationMs: 50 }),
  ];
  const stats = statsWith(calls);
  const summary = (groupBy: GroupKey[]) => stats.summary({ windowMs: 300_000, groupBy, filter: {} });

  it('gives P50 and P95 per group (1% sketch accuracy)', () => {
    const groups = summary(['provider', 'model']).groups;
    const gpt = groups.find((g) => g.model === 'gpt-4o')!;
    const claude = groups.find((g) => g.model === 'claude-sonnet-4-5')!;
    const near = (v: number | null, expected: number) => expect(Math.abs(v! - expected) / expected).toBeLessThan(0.02);
    near(gpt.p50OutputTokensPerSecond, 50);
    near(gpt.p95OutputTokensPerSecond, 95);
    near(claude.p50OutputTokensPerSecond, 50);
    near(claude.p95OutputTokensPerSecond, 50);
  });

  it('totals are the same whatever the grouping: the groups’ speed sketches are merged', () => {
    const speeds = (g: GroupKey[]) => {
      const t = summary(g).totals;
      return [t.p50OutputTokensPerSecond, t.p95OutputTokensPerSecond];
    };
    const ungrouped = speeds([]);
    expect(ungrouped[0]).not.toBeNull();
    expect(speeds(['provider', 'model'])).toEqual(ungrouped);
    expect(speeds(['service'])).toEqual(ungrouped);
    expect(speeds(['operation'])).toEqual(ungrouped);
  });

  it('is null for a window without output', () => {
    const t = statsWith([makeCall({ outputTokens: 0 })]).summary({ windowMs: 300_000, groupBy: [], filter: {} }).totals;
    expect(t.p50OutputTokensPerSecond).toBeNull();
    expect(t.p95OutputTokensPerSecond).toBeNull();
  });
});
