import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
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
