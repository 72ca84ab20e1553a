import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LlmCall } from '../src/domain/call.js';
import { CallStore } from '../src/store/call-store.js';

/*
 * How long the event loop waits in a commit, and how much of that wait is CPU: 100-call commits
 * (800-character prompt and response each, the search index on or off) to a store in each folder
 * given, by default the OS's temporary folder and /dev/shm (memory, no disk). A commit whose wall
 * time is far above its thread's CPU time waited for the kernel: a store thread would take that
 * wait off the event loop, less CPU would not.
 *
 *   npx tsx bench/commit-stalls.ts [folder...]   (COMMITS=3000, INDEX=0 to leave the index out)
 */

const COMMITS = Number(process.env.COMMITS ?? 3000);
const INDEX = process.env.INDEX !== '0';
const SLOW_MS = 40;
const WORDS = 'refund invoice charge customer ticket urgent billing account password reset order shipping delay warranty return subscription upgrade plan'.split(' ');

function text(seed: number): string {
  const out: string[] = [];
  for (let k = 0, n = 0; n < 800; k++) {
    const w = WORDS[(seed * 31 + k * 7) % WORDS.length]! + (k % 9 === 0 ? String(seed % 1000) : '');
    out.push(w);
    n += w.length + 1;
  }
  return out.join(' ');
}

function call(i: number): LlmCall {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return {
    id: traceId + spanId, timeMs: Date.now() - Math.random() * 60_000, traceId, spanId, service: 'support-bot', environment: 'production',
    provider: 'openai', model: 'gpt-4o-mini', operation: 'chat', durationMs: 200 + (i % 900), ttftMs: null, inputTokens: 300, outputTokens: 80,
    cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, costUsd: 0.0001, costSource: 'reported', status: 'ok', error: null, errorType: null,
    finishReason: 'stop', user: null, prompt: text(i), response: text(i + 7), source: 'openlit', sessionId: null, contextPercent: null,
  };
}

function run(folder: string): string {
  const db = path.join(fs.mkdtempSync(path.join(folder, 'llmtop-stalls-')), 'calls.db');
  const store = new CallStore({ path: db, maxCalls: 100_000, retentionMs: 24 * 3600_000, now: () => Date.now(), searchIndex: INDEX });
  const wall: number[] = [];
  const slow: string[] = [];
  let i = 0;
  try {
    for (let c = 0; c < COMMITS; c++) {
      const upserted: LlmCall[] = [];
      for (let k = 0; k < 100; k++) upserted.push(call(i++));
      const t0 = performance.now();
      const cpu0 = process.threadCpuUsage();
      store.commit({ upserted, deleted: [] });
      const ms = performance.now() - t0;
      wall.push(ms);
      if (ms > SLOW_MS) {
        const cpu = process.threadCpuUsage(cpu0);
        slow.push(`${ms.toFixed(0)} (CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)}, kernel ${(cpu.system / 1000).toFixed(0)})`);
      }
    }
  } finally {
    store.close();
    fs.rmSync(path.dirname(db), { recursive: true, force: true });
  }
  const sorted = [...wall].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.floor(p * (sorted.length - 1))]!.toFixed(1);
  return [
    `${folder}: ${COMMITS} commits of 100 calls, search index ${INDEX ? 'on' : 'off'}: p50 ${q(0.5)} ms, p99 ${q(0.99)}, max ${q(1)}; over ${SLOW_MS} ms: ${slow.length}`,
    ...(slow.length ? [`  slow commits, ms: ${slow.slice(0, 12).join(', ')}${slow.length > 12 ? ', …' : ''}`] : []),
  ].join('\n');
}

const folders = process.argv.slice(2);
for (const folder of folders.length ? folders : [os.tmpdir(), '/dev/shm']) {
  if (!fs.existsSync(folder)) {
    console.log(`${folder}: not there, left out`);
    continue;
  }
  console.log(run(folder));
}
