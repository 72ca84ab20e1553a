import type { LlmCall } from '../../src/domain/call.js';
import { LiveStats } from '../../src/stats/live-stats.js';

/** A fixed clock for view tests: 2025-01-02 12:00:00 UTC. */
export const NOW = Date.UTC(2025, 0, 2, 12, 0, 0);

let seq = 0;

/** One call with plain defaults; tests override what they assert on. */
export function makeCall(overrides: Partial<LlmCall> = {}): LlmCall {
  seq++;
  const id = overrides.id ?? `call-${seq}`;
  return {
    id,
    timeMs: NOW - 10_000,
    traceId: `trace-${id}`,
    spanId: `span-${id}`,
    service: 'checkout',
    environment: 'prod',
    provider: 'openai',
    model: 'gpt-4o',
    operation: 'chat',
    durationMs: 1000,
    ttftMs: null,
    inputTokens: 100,
    outputTokens: 50,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costUsd: 0.001,
    costSource: 'reported',
    status: 'ok',
    error: null,
    errorType: null,
    finishReason: null,
    user: null,
    prompt: 'hello',
    response: 'world',
    source: 'test',
    sessionId: null,
    contextPercent: null,
    ...overrides,
  };
}

/** A real LiveStats on the fixed clock, fed with `calls`. */
export function statsWith(calls: LlmCall[], now: () => number = () => NOW): LiveStats {
  const stats = new LiveStats({ horizonMs: 24 * 3600_000, recentCapacity: 1000, now });
  if (calls.length) stats.apply({ upserted: calls, deleted: [], replaced: [] });
  return stats;
}

/**
 * The dashboard fixture, 5m window at NOW:
 * - openai/gpt-4o: 20 streamed calls, one a second back from NOW-1s, durations and TTFTs of
 *   100..2000 ms (P50 1.0s, P95 1.9s), $0.01 each reported, 1000 in (250 cache reads) / 200 out,
 *   service checkout, environment prod, user alice; prompts `question N`, answers `answer N`.
 * - anthropic/claude-sonnet-4-5: 4 calls at NOW-30s.., 3 s each, $0.10 each estimated, one failed
 *   ("rate limited"), service support, environment staging, user bob.
 * - google/gemini-2.5-pro: one call 10 minutes back, outside 5m, inside 15m.
 */
export function dashboardCalls(): LlmCall[] {
  const gpt = Array.from({ length: 20 }, (_, i) =>
    makeCall({
      id: `gpt-${i}`,
      timeMs: NOW - (i + 1) * 1000,
      durationMs: (i + 1) * 100,
      ttftMs: (i + 1) * 100,
      inputTokens: 1000,
      outputTokens: 200,
      cacheReadTokens: 250,
      costUsd: 0.01,
      user: 'alice',
      prompt: `question ${i}`,
      response: `answer ${i}`,
    }),
  );
  const claude = Array.from({ length: 4 }, (_, i) =>
    makeCall({
      id: `claude-${i}`,
      timeMs: NOW - 30_000 - i * 1000,
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      service: 'support',
      environment: 'staging',
      user: 'bob',
      durationMs: 3000,
      costUsd: 0.1,
      costSource: 'estimated',
      status: i === 0 ? 'error' : 'ok',
      error: i === 0 ? 'rate limited' : null,
      prompt: `claude prompt ${i}`,
      response: i === 0 ? null : `claude answer ${i}`,
    }),
  );
  const old = makeCall({ id: 'gemini-old', timeMs: NOW - 600_000, provider: 'google', model: 'gemini-2.5-pro', prompt: 'old', response: 'older' });
  return [...gpt, ...claude, old];
}
