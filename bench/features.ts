import type { LlmCall } from '../src/domain/call.js';
import type { SpanSkeleton } from '../src/domain/run.js';
import { MoneyMeter } from '../src/app/money.js';
import { UTC_CALENDAR } from '../src/stats/burn.js';
import { LiveStats } from '../src/stats/live-stats.js';
import { RunIndex } from '../src/stats/runs.js';

/*
 * What the run, money, error and compare reads cost, in process (no HTTP): the work each TUI
 * frame or API answer does on top of the summary.
 *   npx tsx bench/features.ts [calls]      default 100000, all in the 5m window
 */

const CALLS = Number(process.argv[2] ?? 100_000);
const WINDOW = 300_000;
const now = Date.UTC(2026, 0, 1, 12, 0, 0);
const models = ['gpt-4o-mini', 'gpt-4.1', 'claude-sonnet-4-5', 'gemini-2.5-flash'];

function call(i: number): LlmCall {
  const failed = i % 50 === 0;
  return {
    id: `c${i}`,
    timeMs: now - WINDOW + (i * WINDOW) / CALLS,
    traceId: `t${Math.floor(i / 4)}`,
    spanId: `s${i}`,
    service: `svc-${i % 5}`,
    environment: 'prod',
    provider: i % 2 ? 'openai' : 'anthropic',
    model: models[i % models.length]!,
    operation: 'chat',
    durationMs: 500 + (i % 97) * 40,
    ttftMs: i % 3 ? null : 200 + (i % 13) * 10,
    inputTokens: 500 + (i % 211) * 30,
    outputTokens: 50 + (i % 89) * 5,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costUsd: 0.0001 * (1 + (i % 17)),
    costSource: 'reported',
    status: failed ? 'error' : 'ok',
    error: failed ? '429 Too Many Requests' : null,
    errorType: failed ? '429' : null,
    finishReason: i % 40 === 1 ? 'length' : 'stop',
    user: null,
    prompt: 'p',
    response: 'r',
    source: 'bench',
    sessionId: null,
    contextPercent: null,
  };
}

/** Each call in a 4-call agent turn: a root span, and a tool span per call. */
function spansOf(c: LlmCall, i: number): SpanSkeleton[] {
  const root = { traceId: c.traceId, spanId: `r${c.traceId}`, parentSpanId: '', name: 'invoke_agent bench', service: c.service, startMs: c.timeMs, endMs: c.timeMs + 9_000 };
  const tool = { traceId: c.traceId, spanId: `x${i}`, parentSpanId: root.spanId, name: 'execute_tool lookup', service: c.service, startMs: c.timeMs, endMs: c.timeMs + 50 };
  const llm = { traceId: c.traceId, spanId: c.spanId, parentSpanId: root.spanId, name: `chat ${c.model}`, service: c.service, startMs: c.timeMs, endMs: c.timeMs + c.durationMs };
  return i % 4 === 3 ? [tool, llm, root] : [tool, llm];
}

function time(label: string, runs: number, fn: () => unknown): void {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const median = ms[Math.floor(ms.length / 2)]!;
  console.log(`| ${label} | ${median.toFixed(2)} | ${ms[ms.length - 1]!.toFixed(2)} | ${runs} |`);
}

const calls = Array.from({ length: CALLS }, (_, i) => call(i));
const clock = () => now;
const stats = new LiveStats({ horizonMs: 86_400_000, recentCapacity: 1000, now: clock, contextWindow: () => 128_000 });
const runs = new RunIndex({ maxRuns: 2000, maxSpansPerRun: 256, horizonMs: 86_400_000, now: clock });
const meter = new MoneyMeter({ live: (s) => stats.costSince(s), query: () => [], version: () => stats.version, now: clock, calendar: UTC_CALENDAR });

console.log(`${CALLS.toLocaleString('en-US')} calls in the 5m window, ${models.length} models, 4 calls per trace\n`);
console.log('| what | median ms | max ms | times |');
console.log('| --- | --- | --- | --- |');
time('LiveStats.apply, every call in batches of 500', 1, () => {
  for (let i = 0; i < CALLS; i += 500) stats.apply({ upserted: calls.slice(i, i + 500), deleted: [], replaced: [] });
});
time('RunIndex.apply, every call and its spans in batches of 500', 1, () => {
  for (let i = 0; i < CALLS; i += 500) {
    const batch = calls.slice(i, i + 500);
    runs.apply({ upserted: batch, deleted: [] }, batch.flatMap((c, j) => spansOf(c, i + j)));
  }
});
time('summary 5m (the table)', 10, () => stats.summary({ windowMs: WINDOW, groupBy: ['provider', 'model'], filter: {} }));
time('summary of the previous 5m (compare, c)', 10, () => stats.summary({ windowMs: WINDOW, groupBy: ['provider', 'model'], filter: {}, offsetMs: WINDOW }));
time('errors 5m (the e view)', 10, () => stats.errors(WINDOW));
time('runs: 50 by cost (the r view)', 10, () => runs.runs({ windowMs: WINDOW, limit: 50, sort: 'cost' }));
time('run tree of one run', 10, () => runs.run('t100'));
time('burn, hour and day sums remembered', 10, () => meter.burn(WINDOW));
stats.apply({ upserted: [call(CALLS)], deleted: [], replaced: [] });
time('burn after a new call (sums read again)', 1, () => meter.burn(WINDOW));
