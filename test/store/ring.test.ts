import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LlmCall } from '../../src/domain/call.js';
import { CallStore, StoreOpenError } from '../../src/store/call-store.js';
import { getJson, startTestLlmtop } from '../helpers/llmtop.js';
import { genAiSpanJson, rawRequest, tracesJson } from '../helpers/otlp-payloads.js';

/*
 * The SQLite ring buffer on its own: capped by maxCalls and retention, upserts in place, and
 * refusing, with one clear line, files it must not use.
 */

const HOUR = 3600_000;
const T = Date.UTC(2025, 5, 1, 12, 0, 0);

let dir: string;
let file: string;
const stores: CallStore[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-store-'));
  file = path.join(dir, 'llmtop.db');
});
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function open(opts: { maxCalls?: number; retentionMs?: number; now?: () => number; path?: string } = {}): CallStore {
  const s = new CallStore({
    path: opts.path ?? file,
    maxCalls: opts.maxCalls ?? 100_000,
    retentionMs: opts.retentionMs ?? 7 * 24 * HOUR,
    now: opts.now ?? (() => T),
  });
  stores.push(s);
  return s;
}

function call(id: string, timeMs: number, over: Partial<LlmCall> = {}): LlmCall {
  return {
    id,
    timeMs,
    traceId: 'a'.repeat(32),
    spanId: 'b'.repeat(16),
    service: 'svc',
    environment: 'test',
    provider: 'openai',
    model: 'gpt-4o-mini',
    operation: 'chat',
    durationMs: 500,
    ttftMs: null,
    inputTokens: 10,
    outputTokens: 5,
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
    prompt: `prompt of ${id}`,
    response: `response of ${id}`,
    source: 'gen_ai',
    sessionId: null,
    contextPercent: null,
    ...over,
  };
}

/** Row counts straight from the file, through a second connection. */
function countsInFile(f = file): { calls: number; content: number } {
  const db = new Database(f, { readonly: true });
  try {
    return {
      calls: db.prepare('SELECT count(*) FROM calls').pluck().get() as number,
      content: db.prepare('SELECT count(*) FROM content').pluck().get() as number,
    };
  } finally {
    db.close();
  }
}

function expectOneLine(err: unknown, ...mentions: string[]): StoreOpenError {
  expect(err).toBeInstanceOf(StoreOpenError);
  const msg = (err as Error).message;
  expect(msg.length).toBeGreaterThan(10);
  expect(msg).not.toMatch(/\n/);
  expect(msg).not.toMatch(/\bat .*\.(js|ts):\d+/); // no stack frames
  for (const m of mentions) expect(msg).toContain(m);
  return err as StoreOpenError;
}

function openError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the store to refuse the file');
}

describe('the ring', () => {
  it('never holds more than maxCalls: 3 × maxCalls inserted in batches, the newest remain', () => {
    const maxCalls = 50;
    const store = open({ maxCalls });
    const all: string[] = [];
    const deleted: string[] = [];
    let n = 0;
    // Batches of uneven sizes, one of them larger than the whole ring.
    for (const size of [7, 13, 1, 29, 60, 11, 17, 12]) {
      const batch = Array.from({ length: size }, () => call(`c${String(n).padStart(4, '0')}`, T - HOUR + n++ * 1000));
      all.push(...batch.map((c) => c.id));
      const result = store.commit({ upserted: batch, deleted: [] });
      deleted.push(...result.deleted.map((r) => r.id));
      // Calls of the batch trimmed at once are not reported as stored.
      deleted.push(...batch.filter((c) => !result.upserted.includes(c)).map((c) => c.id));
      expect(store.size).toBeLessThanOrEqual(maxCalls);
      expect(countsInFile().calls).toBe(store.size);
    }
    expect(all).toHaveLength(3 * maxCalls);
    expect(store.size).toBe(maxCalls);

    const newest = all.slice(-maxCalls);
    const kept = store.calls({ limit: 10_000 }).map((c) => c.id);
    expect(kept).toHaveLength(maxCalls);
    expect([...kept].sort()).toEqual([...newest].sort());
    // Newest first.
    expect(kept[0]).toBe(all[all.length - 1]);
    // What was trimmed is reported, once each, and is exactly the oldest.
    expect([...deleted].sort()).toEqual(all.slice(0, 2 * maxCalls).sort());
    // Text goes with its call.
    expect(countsInFile()).toEqual({ calls: maxCalls, content: maxCalls });
    const newestCall = store.calls({ limit: 1 })[0]!;
    expect(newestCall.prompt).toBe(`prompt of ${newestCall.id}`);
  });

  it('keeps the cap across a reopen, and the count it reports matches the file', () => {
    const a = open({ maxCalls: 20 });
    a.commit({ upserted: Array.from({ length: 30 }, (_, i) => call(`r${i}`, T - i)), deleted: [] });
    a.close();
    const b = open({ maxCalls: 20 });
    expect(b.size).toBe(20);
    b.commit({ upserted: Array.from({ length: 5 }, (_, i) => call(`s${i}`, T)), deleted: [] });
    expect(b.size).toBe(20);
    expect(countsInFile()).toEqual({ calls: 20, content: 20 });
    expect(b.calls({ limit: 100 }).map((c) => c.id)).toEqual(expect.arrayContaining(['s0', 's1', 's2', 's3', 's4']));
  });

  it('a commit that fails leaves nothing of itself, and the ring does not trim for calls it never kept', () => {
    const store = open({ maxCalls: 5 });
    store.commit({ upserted: Array.from({ length: 5 }, (_, i) => call(`old${i}`, T - 10 + i)), deleted: [] });
    // A time the key cannot take fails the whole transaction, after the good calls before it went in.
    const failing = [call('new0', T), call('new1', T), call('bad', Number.NaN)];
    expect(() => store.commit({ upserted: failing, deleted: [] })).toThrow();
    expect(store.size).toBe(5);
    const next = store.commit({ upserted: [call('new2', T)], deleted: [] });
    expect(next.deleted.map((d) => d.id)).toEqual(['old0']);
    expect(store.calls({ limit: 10 }).map((c) => c.id).sort()).toEqual(['new2', 'old1', 'old2', 'old3', 'old4']);
    expect(countsInFile()).toEqual({ calls: 5, content: 5 });
  });

  it('reopened with a smaller maxCalls, the first commit (llmtop makes an empty one at start) trims to the new cap', () => {
    const a = open({ maxCalls: 100 });
    a.commit({ upserted: Array.from({ length: 60 }, (_, i) => call(`m${String(i).padStart(2, '0')}`, T - HOUR + i)), deleted: [] });
    a.close();
    const b = open({ maxCalls: 10 });
    const r = b.commit({ upserted: [], deleted: [] });
    expect(r.deleted).toHaveLength(50);
    expect(r.deleted.every((d) => d.id.startsWith('m') && d.timeMs >= T - HOUR && d.timeMs < T - HOUR + 50)).toBe(true);
    expect(b.size).toBe(10);
    expect(b.calls({ limit: 1000 }).map((c) => c.id).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `m${50 + i}`));
    expect(countsInFile()).toEqual({ calls: 10, content: 10 });
  });

  it('an upsert of the same id does not grow it, and the last version wins', () => {
    const store = open({ maxCalls: 5 });
    store.commit({ upserted: [call('keep-1', T - 3), call('keep-2', T - 2)], deleted: [] });
    for (let i = 0; i < 20; i++) {
      store.commit({ upserted: [call('same', T - 1, { inputTokens: 100 + i, prompt: `v${i}`, response: null })], deleted: [] });
      expect(store.size).toBe(3);
    }
    // Both versions of one id in one batch.
    store.commit({ upserted: [call('same', T - 1, { inputTokens: 1 }), call('same', T - 1, { inputTokens: 2, prompt: 'final', response: 'r' })], deleted: [] });
    expect(store.size).toBe(3);
    expect(countsInFile()).toEqual({ calls: 3, content: 3 });
    const same = store.calls({ limit: 10 }).filter((c) => c.id === 'same');
    expect(same).toHaveLength(1);
    expect(same[0]).toMatchObject({ inputTokens: 2, prompt: 'final', response: 'r' });
    // The ring still counts right: 2 more fill it to 5, 1 more trims the oldest.
    store.commit({ upserted: [call('x1', T), call('x2', T)], deleted: [] });
    expect(store.size).toBe(5);
    const r = store.commit({ upserted: [call('x3', T)], deleted: [] });
    expect(store.size).toBe(5);
    expect(r.deleted).toEqual([{ id: 'keep-1', timeMs: T - 3 }]);
  });

  it('a call upserted without text loses its old text', () => {
    const store = open();
    store.commit({ upserted: [call('t', T)], deleted: [] });
    store.commit({ upserted: [call('t', T, { prompt: null, response: null })], deleted: [] });
    expect(store.calls({ limit: 1 })[0]).toMatchObject({ id: 't', prompt: null, response: null });
    expect(countsInFile()).toEqual({ calls: 1, content: 0 });
  });

  it('keys a call by its start and id: the same id at another start is another call', () => {
    const store = open();
    store.commit({ upserted: [call('k', T - 1000), call('k', T, { model: 'later' })], deleted: [] });
    expect(store.size).toBe(2);
    // A time that rounds to the same microsecond is the same call.
    store.commit({ upserted: [call('k', T + 0.0002, { model: 'latest' })], deleted: [] });
    expect(store.calls({ limit: 10 }).map((c) => [c.id, c.timeMs, c.model])).toEqual([
      ['k', T, 'latest'],
      ['k', T - 1000, 'gpt-4o-mini'],
    ]);
    expect(countsInFile()).toEqual({ calls: 2, content: 2 });
  });

  it('reads one call with its text, by start and id or (slower) by id alone', () => {
    const store = open();
    store.commit({ upserted: [call('one', T - 5000), call('two', T - 3000.0002)], deleted: [] });
    expect(store.call('two', T - 3000.0002)).toMatchObject({ id: 'two', timeMs: T - 3000, prompt: 'prompt of two' });
    expect(store.call('two')).toMatchObject({ id: 'two', timeMs: T - 3000, response: 'response of two' });
    expect(store.call('two', T - 5000)).toBeUndefined();
    expect(store.call('three')).toBeUndefined();
  });

  it('names the start of the n-th newest call, whatever order the calls came in', () => {
    const s = open();
    s.commit({ upserted: [call('b', T - 2000), call('a', T - 3000), call('d', T), call('c', T - 1000)], deleted: [] });
    expect(s.startOfNewest(1)).toBe(T);
    expect(s.startOfNewest(3)).toBe(T - 2000);
    expect(s.startOfNewest(5)).toBeNull();
  });

  it('deletes by start and id, with the text', () => {
    const store = open();
    store.commit({ upserted: [call('d1', T), call('d2', T)], deleted: [] });
    const r = store.commit({ upserted: [], deleted: [{ id: 'd1', timeMs: T }, { id: 'd2', timeMs: T - 1 }, { id: 'no-such-id', timeMs: T }] });
    expect(r.deleted).toEqual([{ id: 'd1', timeMs: T }]);
    expect(store.size).toBe(1);
    expect(countsInFile()).toEqual({ calls: 1, content: 1 });
  });

  it('says where each call it deleted, replaced or trimmed was, to the microsecond', () => {
    const store = open({ maxCalls: 3 });
    store.commit({ upserted: [call('a', T - 3000.0004), call('b', T - 2000), call('c', T - 1000)], deleted: [] });
    const r = store.commit({
      upserted: [call('b', T - 2000, { model: 'b2' }), call('d', T), call('e', T)],
      deleted: [{ id: 'c', timeMs: T - 1000 }, { id: 'no-such-id', timeMs: T }],
    });
    expect(r.deleted).toEqual([
      { id: 'c', timeMs: T - 1000 },
      { id: 'a', timeMs: T - 3000 },
    ]);
    expect(r.replaced).toEqual([{ id: 'b', timeMs: T - 2000 }]);
    expect(r.upserted.map((c) => c.id)).toEqual(['b', 'd', 'e']);
  });
});

describe('the write-ahead log', () => {
  it('is copied into the database file while commits go on, and the file alone holds every call once closed', async () => {
    const store = open();
    const text = 'x'.repeat(2000);
    for (let b = 0; b < 40; b++)
      store.commit({ upserted: Array.from({ length: 100 }, (_, i) => call(`w${b}-${i}`, T - b * 100 - i, { prompt: `${text}${b}${i}` })), deleted: [] });
    // Some 8 MB went through the log; the commits themselves copy none of it (a worker does).
    const dbBytes = () => fs.statSync(file).size;
    for (let waited = 0; dbBytes() < 4_000_000 && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(dbBytes()).toBeGreaterThan(4_000_000);
    // The last commit, right before quitting, is still in the log: closing copies it in.
    store.commit({ upserted: Array.from({ length: 100 }, (_, i) => call(`last-${i}`, T + i)), deleted: [] });
    store.close();
    // A copy of the .db file without its -wal, as a backup made after llmtop quits would be.
    const copy = path.join(dir, 'copy.db');
    fs.copyFileSync(file, copy);
    expect(countsInFile(copy)).toEqual({ calls: 4100, content: 4100 });
  });
});

describe('retention', () => {
  it('drops calls older than the retention as time passes', () => {
    let now = T;
    const store = open({ retentionMs: HOUR, now: () => now });
    const first = store.commit({
      upserted: [call('old-2h', T - 2 * HOUR), call('mid-30m', T - 30 * 60_000), call('new-1m', T - 60_000)],
      deleted: [],
    });
    // Already past the retention when it arrived.
    expect(first.deleted).toEqual([]);
    expect(first.upserted.map((c) => c.id)).toEqual(['mid-30m', 'new-1m']);
    expect(store.calls({ limit: 10 }).map((c) => c.id)).toEqual(['new-1m', 'mid-30m']);
    expect(store.size).toBe(2);

    now = T + 45 * 60_000; // mid-30m is now 75 minutes old
    const second = store.commit({ upserted: [call('later', now - 1000)], deleted: [] });
    expect(second.deleted).toEqual([{ id: 'mid-30m', timeMs: T - 30 * 60_000 }]);
    expect(store.calls({ limit: 10 }).map((c) => c.id)).toEqual(['later', 'new-1m']);
    expect(store.size).toBe(2);
    expect(countsInFile()).toEqual({ calls: 2, content: 2 });
    // forEachSince() reads what is left, oldest first, in batches.
    const batches: string[][] = [];
    store.forEachSince(T - 24 * HOUR, 1, (calls) => batches.push(calls.map((c) => c.id)));
    expect(batches).toEqual([['new-1m'], ['later']]);
  });

  it('a file reopened later drops what has aged past the retention at its first commit', () => {
    const a = open({ retentionMs: HOUR, now: () => T });
    a.commit({ upserted: [call('a', T - 50 * 60_000), call('b', T - 5 * 60_000)], deleted: [] });
    a.close();
    // 50 minutes later, no new data yet: llmtop's empty start commit applies the retention.
    const later = T + 50 * 60_000;
    const b = open({ retentionMs: HOUR, now: () => later });
    expect(b.commit({ upserted: [], deleted: [] }).deleted).toEqual([{ id: 'a', timeMs: T - 50 * 60_000 }]);
    expect(b.calls({ limit: 10 }).map((c) => c.id)).toEqual(['b']);
    expect(b.size).toBe(1);
  });
});

describe('files it must not use', () => {
  it('refuses a db written by a newer llmtop (schema_version 99), and leaves it as it was', () => {
    open().commit({ upserted: [call('x', T)], deleted: [] });
    stores.pop()!.close();
    const db = new Database(file);
    db.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run();
    db.close();

    const err = expectOneLine(openError(() => open()), file);
    expect(err.message).toMatch(/newer/i);
    expect(err.message).toContain('99');

    const check = new Database(file, { readonly: true });
    expect(check.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe('99');
    expect(check.prepare('SELECT count(*) FROM calls').pluck().get()).toBe(1);
    check.close();
  });

  it('refuses a file that is not SQLite, and does not touch it', () => {
    const text = 'This is my shopping list, not a database.\n'.repeat(100);
    fs.writeFileSync(file, text);
    const err = expectOneLine(openError(() => open()), file);
    expect(err.message).toMatch(/not .*SQLite|not a (usable )?database/i);
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
  });

  it("refuses another app's SQLite db, and leaves it as it was", () => {
    const db = new Database(file);
    db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('ada');");
    db.close();
    const before = fs.readFileSync(file);

    const err = expectOneLine(openError(() => open()), file);
    expect(err.message).toMatch(/not llmtop/i);

    const check = new Database(file, { readonly: true });
    const tables = check.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(['users']);
    // Not switched to WAL either (journal mode is persistent in the file).
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
    check.close();
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it("refuses another app's SQLite db that happens to have a meta table", () => {
    const db = new Database(file);
    db.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO meta VALUES ('app', 'notes'), ('version', '3');
      CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);`);
    db.close();

    const err = expectOneLine(openError(() => open()), file);
    expect(err.message).toMatch(/not llmtop/i);
    const check = new Database(file, { readonly: true });
    const tables = check.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(['meta', 'notes']);
    check.close();
  });

  it('refuses a directory as the db path', () => {
    const sub = path.join(dir, 'a-folder');
    fs.mkdirSync(sub);
    expectOneLine(openError(() => open({ path: sub })), sub);
  });

  it('refuses a path under a regular file', () => {
    const plain = path.join(dir, 'plain.txt');
    fs.writeFileSync(plain, 'x');
    const bad = path.join(plain, 'llmtop.db');
    expectOneLine(openError(() => open({ path: bad })), bad);
  });

  it('opens a fresh path in a folder that does not exist yet, and :memory:', () => {
    const deep = path.join(dir, 'a', 'b', 'llmtop.db');
    const s = open({ path: deep });
    s.commit({ upserted: [call('f', T)], deleted: [] });
    expect(countsInFile(deep).calls).toBe(1);
    const m = open({ path: ':memory:', maxCalls: 3 });
    m.commit({ upserted: Array.from({ length: 9 }, (_, i) => call(`mem${i}`, T + i)), deleted: [] });
    expect(m.size).toBe(3);
  });
});

describe('the ring inside a running llmtop', () => {
  async function send(url: string, spans: Record<string, unknown>[]): Promise<void> {
    const res = await rawRequest(url, { path: '/v1/traces', headers: { 'Content-Type': 'application/json' }, body: Buffer.from(JSON.stringify(tracesJson(spans))) });
    expect(res.status, res.body.toString()).toBe(200);
  }

  it('holds at most --max-calls, and the live summary counts only what the ring holds', async () => {
    const app = await startTestLlmtop({ maxCalls: 5 });
    try {
      const sent: string[] = [];
      for (let i = 0; i < 12; i++) {
        const span = genAiSpanJson({ startMs: Date.now() - 60_000 + i * 1000 });
        sent.push(span.spanId as string);
        await send(app.url, [span]);
      }
      const { calls } = await getJson<{ calls: { spanId: string }[] }>(`${app.url}/api/v1/calls?limit=1000`);
      expect(calls.map((c) => c.spanId)).toEqual(sent.slice(-5).reverse());
      expect(app.store.size).toBe(5);
      const summary = await getJson<{ totals: { requests: number } }>(`${app.url}/api/v1/summary?window=5m`);
      expect(summary.totals.requests).toBe(5);
    } finally {
      await app.close();
    }
  });

  it('restarted with a smaller --max-calls or after the retention passed, shows only what the ring may hold', async () => {
    const db = path.join(dir, 'restart.db');
    let now = Date.now();
    const first = await startTestLlmtop({ db, maxCalls: 100, retentionMs: HOUR }, () => now);
    const spans = Array.from({ length: 20 }, (_, i) => genAiSpanJson({ startMs: now - 40 * 60_000 + i * 60_000 })); // 40 to 21 minutes old
    for (const s of spans) await send(first.url, [s]);
    await first.close();

    const second = await startTestLlmtop({ db, maxCalls: 8, retentionMs: HOUR }, () => now);
    try {
      const { calls } = await getJson<{ calls: { spanId: string }[] }>(`${second.url}/api/v1/calls?limit=1000`);
      expect(calls.map((c) => c.spanId)).toEqual(spans.slice(-8).map((s) => s.spanId).reverse());
      const summary = await getJson<{ totals: { requests: number } }>(`${second.url}/api/v1/summary?window=1h`);
      expect(summary.totals.requests).toBe(8);
    } finally {
      await second.close();
    }

    now += 35.5 * 60_000; // the 8 kept calls (28 to 21 minutes old) are now 63.5 to 56.5 minutes old: 4 are past the hour
    const third = await startTestLlmtop({ db, maxCalls: 8, retentionMs: HOUR }, () => now);
    try {
      const { calls } = await getJson<{ calls: { spanId: string; time: string }[] }>(`${third.url}/api/v1/calls?limit=1000`);
      expect(calls.every((c) => Date.parse(c.time) >= now - HOUR)).toBe(true);
      expect(calls.map((c) => c.spanId)).toEqual(spans.slice(-4).map((s) => s.spanId).reverse());
    } finally {
      await third.close();
    }
  });
});
