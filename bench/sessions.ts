import v8 from 'node:v8';
import vm from 'node:vm';
import type { LlmCall } from '../src/domain/call.js';
import { DEFAULT_LOOP_RULE } from '../src/domain/loop.js';
import { CacheWatch } from '../src/stats/cache-watch.js';
import { LoopWatch } from '../src/stats/loops.js';

/*
 * What watching sessions costs at ingest: loop and retry-storm detection (stats/loops.ts) and
 * cache-bust marks (stats/cache-watch.ts), fed the calls as the store commits them, in batches
 * of 100, stamped 1 ms apart (1,000 calls/s). Sessions themselves cost ingest nothing but a
 * column and an index (read from the store when asked: see the sessions rows of the queries
 * section). In process, no HTTP:
 *   npx tsx bench/sessions.ts [calls]      default 1,000,000
 * Reports CPU per call (and the share of one core at 1,000 calls/s) and the heap the watchers
 * keep once every call has gone through them.
 */

const BATCH = 100;
const T0 = Date.UTC(2026, 11, 7, 12);
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-5', 'gemini-2.5-flash'];
/** A system prompt and history of some 1,500 characters, as an agent's user prompt rarely is shorter. */
const CONTEXT = 'You are a careful coding agent. Read the repository, run the tests, and fix what fails. '.repeat(17);

const WORDS = ['cart', 'login', 'search', 'billing', 'upload', 'export', 'profile', 'invoice', 'refund', 'webhook', 'cache', 'queue', 'report'];
/** i in words, so that no two calls' prompts are alike (numbers of four digits or more are made alike). */
const wordsOf = (i: number) => {
  const out: string[] = [];
  do {
    out.push(WORDS[i % WORDS.length]!);
    i = Math.floor(i / WORDS.length);
  } while (i > 0);
  return out.join(' ');
};
/** As a decoder gives strings: flat, not a tree of concatenations. */
const flat = (s: string) => JSON.parse(JSON.stringify(s)) as string;

/** Call i: seven in ten in a session of 40 calls; one in a hundred the same prompt again; one in fifty a 429. */
function call(i: number): LlmCall {
  const session = i % 10 < 7 ? `session-${Math.floor(i / 400)}-${i % 10}` : null;
  const repeat = i % 100 === 0;
  const failed = i % 50 === 0;
  const inputTokens = 2_000 + ((i * 7919) % 60_000);
  return {
    id: `c${i}`,
    timeMs: T0 + i,
    traceId: `t${Math.floor(i / 4)}`,
    spanId: `s${i}`,
    service: `svc-${i % 5}`,
    environment: 'production',
    provider: 'openai',
    model: MODELS[i % MODELS.length]!,
    operation: 'chat',
    durationMs: 800 + (i % 97) * 40,
    ttftMs: null,
    inputTokens,
    outputTokens: 50 + (i % 89) * 5,
    cacheReadTokens: i % 3 === 0 ? 0 : Math.floor(inputTokens * 0.8),
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costUsd: 0.001,
    costSource: 'reported',
    status: failed ? 'error' : 'ok',
    error: failed ? 'Rate limit reached' : null,
    errorType: failed ? '429' : null,
    finishReason: 'stop',
    user: null,
    prompt: flat(`${CONTEXT}\nTask: fix the ${repeat ? 'same' : wordsOf(i)} test in run ${(i * 2654435761) % 4294967296}`),
    response: 'Done.',
    source: 'gen_ai',
    sessionId: session,
    contextPercent: (inputTokens / 128_000) * 100,
  };
}

const gc = (() => {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
})();

function heapMiB(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

interface Row {
  what: string;
  usPerCall: number;
  heapMiB: number;
}

/** Feeds `calls` calls through `watch` in batches; the calls are made outside the timing. */
function measure(what: string, calls: number, make: () => { observe(c: readonly LlmCall[]): void; keep?: unknown }): Row {
  const before = heapMiB();
  const w = make();
  let ns = 0n;
  const batch: LlmCall[] = new Array(BATCH);
  for (let i = 0; i < calls; i += BATCH) {
    for (let k = 0; k < BATCH; k++) batch[k] = call(i + k);
    const t = process.hrtime.bigint();
    w.observe(batch);
    ns += process.hrtime.bigint() - t;
  }
  batch.length = 0;
  const after = heapMiB();
  // Kept alive until measured.
  void w.keep;
  return { what, usPerCall: Number(ns) / 1000 / calls, heapMiB: after - before };
}

export function runSessionsBench(o: { quick: boolean; calls?: number }): string {
  const calls = o.calls ?? (o.quick ? 100_000 : 1_000_000);
  const rows = [
    measure('loops and retry storms (LoopWatch, --loop 5/2m)', calls, () => new LoopWatch(DEFAULT_LOOP_RULE, () => T0 + calls)),
    measure('cache busts (CacheWatch)', calls, () => new CacheWatch()),
    measure('both, as llmtop runs them', calls, () => {
      const loops = new LoopWatch(DEFAULT_LOOP_RULE, () => T0 + calls);
      const cache = new CacheWatch();
      return { observe: (c: readonly LlmCall[]) => (loops.observe(c), cache.observe(c)), keep: [loops, cache] };
    }),
  ];
  const line = (r: Row) =>
    `| ${r.what} | ${r.usPerCall.toFixed(2)} µs | ${((r.usPerCall * 1000) / 1e4).toFixed(2)}% | ${r.heapMiB.toFixed(1)} MiB |`;
  return [
    `## Sessions, loops and cache busts (bench/sessions.ts): ${calls.toLocaleString('en-US')} calls at 1,000 calls/s, in batches of ${BATCH}`,
    '',
    '| watcher | CPU per call | share of one core at 1,000 calls/s | heap kept after every call |',
    '|---|---|---|---|',
    ...rows.map(line),
    '',
    'Seven calls in ten in a session of 40, prompts of some 1,600 characters, all different but one in a hundred (the same again), one call in fifty a 429.',
    'Sessions add no work at ingest beyond a column and an index in the store; their reads are timed in the queries section.',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${runSessionsBench({ quick: false, calls: Number(process.argv[2] ?? 1_000_000) })}\n`);
}
