import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/*
 * Prepared statements that the garbage collector finalizes. better-sqlite3 before 13 derived
 * its Statement from node::ObjectWrap, whose destructor on Node 24.19 and later asks for the
 * current Node environment and finds none while the collector runs: any Statement it
 * finalized aborted the whole process (`Assertion failed: (env) != nullptr`).
 *
 * The reads run in a fresh Node process, as llmtop does: the store's reads that prepare a
 * statement each time (filtered calls, the query API, an export given up half read) leave
 * statements behind, young garbage makes V8 collect them, and the loop idles between rounds;
 * then the same after the database is closed, and with a database dropped without close.
 * A test worker's large, warm young generation hid the abort; a fresh process shows it at its
 * first collection under the old binding (checked on Node 24.21 with better-sqlite3 12.11.1).
 */

const STORE = pathToFileURL(path.resolve('dist/store/call-store.js')).href;
const BINDING = pathToFileURL(path.resolve('node_modules/better-sqlite3/lib/index.js')).href;

const SCRIPT = `
const { CallStore } = await import(${JSON.stringify(STORE)});
const { default: Database } = await import(${JSON.stringify(BINDING)});
const file = process.argv[1];
const T = Date.UTC(2026, 11, 7, 12, 0, 0);
const open = () => new CallStore({ path: file, maxCalls: 1000, retentionMs: 7 * 24 * 3600e3, now: () => T });
let sink;
async function idleAfterGarbage() {
  for (let i = 0; i < 5000; i++) sink = { i, s: 'x' + i };
  await new Promise((resolve) => setTimeout(resolve, 1));
}
const models = ['gpt-4o-mini', 'claude-haiku-4-5', 'gemini-2.5-flash'];
const store = open();
store.commit({
  upserted: Array.from({ length: 30 }, (_, i) => ({
    id: 'c' + i, timeMs: T - 60_000 + i * 1000, traceId: 't' + i, spanId: 's' + i, service: 'svc', environment: 'test',
    provider: 'openai', model: models[i % 3], operation: 'chat', durationMs: 100, ttftMs: null, inputTokens: 10,
    outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, costUsd: 0.001, costSource: 'reported',
    status: 'ok', error: null, errorType: null, finishReason: null, user: null, prompt: 'p' + i, response: 'r' + i, source: 'test',
  })),
  deleted: [],
});
let read = 0;
for (let round = 0; round < 300; round++) {
  read += store.calls({ limit: 5, filter: { model: models[round % 3] } }).length;
  read += store.query({ startMs: T - 3600e3, endMs: T, type: 'aggregate', intervalMs: null,
    aggregations: [{ type: 'count', column: null, name: 'count' }], groupBy: ['model'], filters: [] }).length;
  const it = store.export(T - 3600e3);
  it.next();
  it.return(undefined);
  await idleAfterGarbage();
}
store.close();
for (let i = 0; i < 50; i++) await idleAfterGarbage();
(() => {
  const db = new Database(file);
  for (let i = 0; i < 50; i++) db.prepare('SELECT count(*) + ' + i + ' FROM calls').pluck().get();
})();
for (let i = 0; i < 50; i++) await idleAfterGarbage();
const again = open();
const newest = again.calls({ limit: 1 })[0];
console.log(JSON.stringify({ read, size: again.size, newest: newest.id, prompt: newest.prompt, sink: sink !== undefined }));
again.close();
`;

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-gc-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('statements finalized by the garbage collector', () => {
  it('reads that prepare a statement each time survive collections in a fresh process, before and after close', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', SCRIPT, path.join(dir, 'llmtop.db')], { encoding: 'utf8', timeout: 60_000 });
    expect({ status: r.status, signal: r.signal, stderr: r.stderr }).toEqual({ status: 0, signal: null, stderr: '' });
    // Each filtered read gave 5 calls and each query one row per model; the file kept all 30.
    expect(JSON.parse(r.stdout)).toEqual({ read: 300 * (5 + 3), size: 30, newest: 'c29', prompt: 'p29', sink: true });
  });
});
