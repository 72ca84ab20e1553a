import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CallStore } from '../../src/store/call-store.js';
import { SCHEMA_VERSION } from '../../src/store/schema.js';
import { getJson, startTestLlmtop } from '../helpers/llmtop.js';
import { tracerFor } from '../helpers/otel.js';

/*
 * fixtures/v1.db was written by the schema-1 CallStore (commit 504fe07, before errorType and
 * finishReason): one ok call with its text, one failed call. A newer llmtop must open it in place,
 * keep every call, and store the new fields from then on.
 */

const NOW = Date.UTC(2026, 9, 30, 12, 5);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function copyOfV1(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-v1-'));
  dirs.push(dir);
  const file = path.join(dir, 'llmtop.db');
  fs.copyFileSync(new URL('./fixtures/v1.db', import.meta.url), file);
  return file;
}

describe('a schema 1 file', () => {
  it('is the fixture it claims to be', () => {
    const db = new Database(new URL('./fixtures/v1.db', import.meta.url).pathname, { readonly: true });
    expect(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe('1');
    const columns = (db.prepare('PRAGMA table_info(calls)').all() as { name: string }[]).map((c) => c.name);
    expect(columns).not.toContain('error_type');
    db.close();
  });

  it('is migrated in place: old calls kept (new fields null), new calls store errorType and finishReason', async () => {
    const file = copyOfV1();
    const app = await startTestLlmtop({ db: file }, () => NOW);
    try {
      let calls = (await getJson(`${app.url}/api/v1/calls?limit=10`)).calls;
      expect(calls.map((c: Record<string, unknown>) => [c.id, c.status, c.error, c.errorType, c.finishReason, c.prompt])).toEqual([
        ['v1-err', 'error', 'Rate limit reached', null, null, null],
        ['v1-ok', 'ok', null, null, null, 'hello from v1'],
      ]);
      // The errors view counts the old failure too, from its message alone.
      expect(app.stats.errors(3600_000).map((r) => [r.kind, r.count])).toEqual([['rateLimit', 1]]);

      const t = tracerFor(app.url, 'proto', { 'service.name': 'web' });
      const start = NOW - 2000;
      const truncated = t.start('chat gpt-4o-mini', { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.output_tokens': 512, 'gen_ai.response.finish_reasons': ['length'] }, start);
      t.end(truncated, start + 1000);
      const limited = t.start('chat gpt-4o-mini', { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'error.type': '429' }, start + 10);
      t.end(limited, start + 500, 'Too Many Requests');
      await t.shutdown();

      calls = (await getJson(`${app.url}/api/v1/calls?limit=2`)).calls;
      expect(calls.map((c: Record<string, unknown>) => [c.status, c.errorType, c.finishReason])).toEqual([
        ['error', '429', null],
        ['ok', null, 'length'],
      ]);
      // Both are query columns too: calls without one group under ''.
      const res = await fetch(`${app.url}/api/v1/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ startTs: NOW - 30 * 86400_000, endTs: NOW, type: 'aggregate', aggregations: [{ type: 'count' }], groupBy: ['errorType'], filters: [] }),
      });
      const rows = ((await res.json()) as { data: { errorType: string | null; count: number }[] }).data;
      expect(Object.fromEntries(rows.map((r) => [String(r.errorType), r.count]))).toEqual({ '': 3, '429': 1 });
    } finally {
      await app.close();
    }
    const db = new Database(file, { readonly: true });
    expect(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe(String(SCHEMA_VERSION));
    expect(db.prepare('SELECT count(*) FROM calls').pluck().get()).toBe(4);
    db.close();
  });
});

/*
 * fixtures/v2.db was written by the schema-2 CallStore (commit 5e0f2d9, ids UNIQUE on their own):
 * calls v2-a (with text), v2-b (failed, no text), v2-c (with text), and v2-d, deleted again, so
 * the highest seq handed out (4) is no longer in the table.
 */
const V2_NOW = Date.UTC(2026, 10, 20, 12, 0);

describe('a schema 2 file', () => {
  it('is the fixture it claims to be', () => {
    const db = new Database(new URL('./fixtures/v2.db', import.meta.url).pathname, { readonly: true });
    expect(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe('2');
    expect(db.prepare("SELECT count(*) FROM pragma_index_list('calls') WHERE origin = 'u'").pluck().get()).toBe(1);
    expect(db.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').pluck().get('calls')).toBe(4);
    expect(db.prepare('SELECT max(seq) FROM calls').pluck().get()).toBe(3);
    db.close();
  });

  it('is rebuilt keyed by start and id: calls, text and seqs kept, a retry stays one call, no seq handed out twice', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-v2-'));
    dirs.push(dir);
    const file = path.join(dir, 'llmtop.db');
    fs.copyFileSync(new URL('./fixtures/v2.db', import.meta.url), file);
    const store = new CallStore({ path: file, maxCalls: 1000, retentionMs: 365 * 86400_000, now: () => V2_NOW });
    try {
      const before = store.calls({ limit: 10 });
      expect(before.map((c) => [c.id, c.timeMs, c.status, c.errorType, c.prompt])).toEqual([
        ['v2-c', V2_NOW - 1000, 'ok', null, 'third prompt'],
        ['v2-b', V2_NOW - 2000, 'error', '429', null],
        ['v2-a', V2_NOW - 3000, 'ok', null, 'first prompt'],
      ]);
      store.commit({ upserted: [{ ...before[0]!, id: 'v2-e', timeMs: V2_NOW }], deleted: [] });
      // An exporter's retry of a stored call replaces it.
      const retry = store.commit({ upserted: [{ ...before[0]!, response: 'third answer, again' }], deleted: [] });
      expect(retry.replaced).toEqual([{ id: 'v2-c', timeMs: V2_NOW - 1000 }]);
      expect(store.size).toBe(4);
      expect(store.call('v2-c')).toMatchObject({ prompt: 'third prompt', response: 'third answer, again' });
    } finally {
      store.close();
    }
    const db = new Database(file, { readonly: true });
    expect(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe(String(SCHEMA_VERSION));
    expect(db.prepare("SELECT name FROM pragma_index_list('calls') WHERE \"unique\" = 1").pluck().all()).toEqual(['calls_key']);
    const seqs = db.prepare('SELECT id, seq FROM calls ORDER BY seq').raw().all() as [string, number][];
    expect(seqs.slice(0, 3)).toEqual([
      ['v2-a', 1],
      ['v2-b', 2],
      ['v2-c', 3],
    ]);
    // Not the 4 of the deleted v2-d.
    const [, newSeq] = seqs[3]!;
    expect(newSeq).toBe(5);
    expect(db.prepare('SELECT seq FROM content ORDER BY seq').pluck().all()).toEqual([1, 3, newSeq]);
    db.close();
  });
});

/*
 * fixtures/v3.db was written by the schema-3 CallStore (commit 29bcb2e, cost_usd NOT NULL): an
 * estimated call of gpt-4o, an acme-llm-9 call with no price stored as $0 'unknown', one whose SDK
 * reported $0 for it, and a reported $0.50.
 */
const V3_NOW = Date.UTC(2026, 11, 1, 12, 0);

describe('a schema 3 file', () => {
  it('is the fixture it claims to be', () => {
    const db = new Database(new URL('./fixtures/v3.db', import.meta.url).pathname, { readonly: true });
    expect(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe('3');
    expect(db.prepare("SELECT \"notnull\" FROM pragma_table_info('calls') WHERE name = 'cost_usd'").pluck().get()).toBe(1);
    db.close();
  });

  it('is upgraded in place: an unknown cost is null, not $0, once the prices are applied; text and reported costs kept', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-v3-'));
    dirs.push(dir);
    const file = path.join(dir, 'llmtop.db');
    fs.copyFileSync(new URL('./fixtures/v3.db', import.meta.url), file);
    const app = await startTestLlmtop({ db: file }, () => V3_NOW);
    try {
      const calls = (await getJson(`${app.url}/api/v1/calls?limit=10`)).calls as Record<string, unknown>[];
      expect(calls.map((c) => [c.id, c.costUsd, c.costSource, c.prompt])).toEqual([
        ['v3-reported', 0.5, 'reported', null],
        // An SDK's $0 for a model without a price is no price at all.
        ['v3-reported-zero', null, 'unknown', null],
        ['v3-unknown', null, 'unknown', 'unpriced prompt'],
        ['v3-estimated', expect.closeTo(0.0035, 9), 'estimated', 'priced prompt'],
      ]);
      expect((await getJson(`${app.url}/api/v1/summary?window=1h`)).totals).toMatchObject({ requests: 4, unpricedCalls: 2 });
    } finally {
      await app.close();
    }
    const db = new Database(file, { readonly: true });
    expect(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe(String(SCHEMA_VERSION));
    expect(db.prepare("SELECT \"notnull\" FROM pragma_table_info('calls') WHERE name = 'cost_usd'").pluck().get()).toBe(0);
    expect(db.prepare("SELECT name FROM pragma_index_list('calls') WHERE \"unique\" = 1").pluck().all()).toEqual(['calls_key']);
    db.close();
  });
});
