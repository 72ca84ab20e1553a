import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LlmCall } from '../../src/domain/call.js';
import { CallStore, SearchSyntaxError } from '../../src/store/call-store.js';
import { getJson, startTestLlmtop } from '../helpers/llmtop.js';
import { makeCall } from '../helpers/view-calls.js';

/*
 * Full-text search over a real store of 100,000 calls: prompts, responses and errors, exact words,
 * prefixes, phrases and columns, with the other filters; the index kept in the same transactions
 * as the calls, trimmed with the ring and with retention; and built once for a file from before it.
 */

const N = 100_000;
const T0 = Date.UTC(2026, 11, 7, 0, 0);
const NOW = T0 + N * 100 + 60_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-search-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const TOPICS = ['refund for order', 'shipping delay of', 'password reset for', 'invoice total on', 'translate the menu of'];

/** Call i: a prompt on one of five topics; every 1000th an error; three carry rare words. */
function call(i: number): LlmCall {
  const rare = i === 10 ? ' quetzalcoatl' : i === 50_000 ? ' quetzal feathers' : i === 99_990 ? ' Quetzalcoatl again' : '';
  return makeCall({
    id: `c${i}`,
    traceId: `t${i}`,
    spanId: `s${i}`,
    timeMs: T0 + i * 100,
    model: i % 2 ? 'gpt-4o' : 'claude-haiku-4-5',
    prompt: `${TOPICS[i % 5]} customer ${i}${rare}`,
    response: i % 7 === 0 ? null : `answer ${i}: the parcel left the depot`,
    status: i % 1000 === 0 ? 'error' : 'ok',
    error: i % 1000 === 0 ? 'Request timed out after 30s' : null,
  });
}

function open(file: string, o: { maxCalls?: number; searchIndex?: boolean; now?: number } = {}): CallStore {
  return new CallStore({ path: file, maxCalls: o.maxCalls ?? 1_000_000, retentionMs: 30 * 86400_000, now: () => o.now ?? NOW, searchIndex: o.searchIndex });
}

function fill(store: CallStore, from: number, to: number): void {
  for (let i = from; i < to; i += 5000) store.commit({ upserted: Array.from({ length: Math.min(5000, to - i) }, (_, k) => call(i + k)), deleted: [] });
}

const ids = (calls: LlmCall[]) => calls.map((c) => c.id);
let store: CallStore;
const file = path.join(dir, 'search.db');

beforeAll(() => {
  store = open(file);
  fill(store, 0, N);
}, 120_000);
afterAll(() => store?.close());

describe('search over 100,000 stored calls', () => {
  it('an exact word, in any case and with or without its accents, newest first, with how many match', () => {
    const q = { limit: 10, q: 'quetzalcoatl' };
    expect(ids(store.calls(q))).toEqual(['c99990', 'c10']);
    expect(store.matching(q)).toBe(2);
  });

  it('a prefix matches every word it starts', () => {
    expect(ids(store.calls({ limit: 10, q: 'quetz*' }))).toEqual(['c99990', 'c50000', 'c10']);
    // Every call but those without a response says "parcel": 100,000 - 1 in 7 of them.
    expect(store.matching({ limit: 1, q: 'parc*' })).toBe(N - Math.ceil(N / 7));
  });

  it('phrases, columns and boolean operators, as FTS5 reads them', () => {
    expect(store.matching({ limit: 1, q: '"refund for order"' })).toBe(N / 5);
    expect(store.matching({ limit: 1, q: 'error:timed' })).toBe(N / 1000);
    expect(store.matching({ limit: 1, q: 'prompt:quetzal OR response:quetzal' })).toBe(1);
    expect(ids(store.calls({ limit: 3, q: 'customer AND 4242' }))).toEqual(['c4242']);
  });

  it('with the other filters: a model, failed calls only', () => {
    const q = { limit: 5, q: 'shipping', filter: { model: 'gpt-4o' } };
    const found = store.calls(q);
    expect(found).toHaveLength(5);
    for (const c of found) expect(c).toMatchObject({ model: 'gpt-4o', prompt: expect.stringMatching(/^shipping delay of/) });
    expect(store.matching(q)).toBe(N / 5 / 2);
    expect(store.matching({ limit: 1, q: 'customer', errors: true })).toBe(N / 1000);
  });

  it('a search FTS5 cannot read is a SearchSyntaxError that says why', () => {
    expect(() => store.calls({ limit: 1, q: '"unclosed' })).toThrow(SearchSyntaxError);
    expect(() => store.calls({ limit: 1, q: 'refund AND' })).toThrow(/cannot read the search: syntax error/);
    expect(() => store.matching({ limit: 1, q: 'nosuchcolumn:x' })).toThrow(/no such column: nosuchcolumn/);
  });
});

describe('the index follows the calls', () => {
  it('the ring trims it with the oldest calls, and a retried call is found by its new text only', () => {
    const small = path.join(dir, 'ring.db');
    const s = open(small, { maxCalls: 1000 });
    try {
      fill(s, 0, 1000);
      expect(ids(s.calls({ limit: 5, q: 'quetzalcoatl' }))).toEqual(['c10']);
      fill(s, 1000, 1100);
      // c10 went with the 100 oldest; so did its index row.
      expect(s.calls({ limit: 5, q: 'quetzalcoatl' })).toEqual([]);
      expect(s.matching({ limit: 1, q: 'customer' })).toBe(1000);
      const retried = { ...call(1050), response: 'a new answer about a hovercraft' };
      s.commit({ upserted: [retried], deleted: [] });
      expect(ids(s.calls({ limit: 5, q: 'hovercraft' }))).toEqual(['c1050']);
      expect(s.calls({ limit: 5, q: '"answer 1050"' })).toEqual([]);
      s.commit({ upserted: [], deleted: [{ id: 'c1050', timeMs: retried.timeMs }] });
      expect(s.calls({ limit: 5, q: 'hovercraft' })).toEqual([]);
    } finally {
      s.close();
    }
    const db = new Database(small, { readonly: true });
    // The index holds a row per call with text, no more.
    expect(db.prepare("SELECT count(*) FROM search WHERE search MATCH 'customer'").pluck().get()).toBe(999);
    db.close();
  });

  it('retention takes the index rows of the calls it drops', () => {
    const s = open(path.join(dir, 'retention.db'), { now: T0 + 31 * 86400_000 });
    try {
      s.commit({ upserted: [call(10)], deleted: [] });
      expect(s.size).toBe(0);
      expect(s.calls({ limit: 5, q: 'quetzalcoatl' })).toEqual([]);
    } finally {
      s.close();
    }
  });
});

describe('a file from before the index', () => {
  it('is indexed once when opened, telling how far it is, then searched like any other', () => {
    const old = path.join(dir, 'old.db');
    const before = open(old, { searchIndex: false });
    fill(before, 0, 20_000);
    expect(before.searchIndexIncomplete).toBe(false);
    before.close();

    const s = open(old);
    const steps: number[] = [];
    try {
      expect(s.searchIndexIncomplete).toBe(true);
      s.buildSearchIndex((done, total) => {
        expect(total).toBe(20_000);
        steps.push(done);
      });
      expect(steps).toEqual([10_000, 20_000]);
      expect(s.searchIndexIncomplete).toBe(false);
      expect(ids(s.calls({ limit: 5, q: 'quetzalcoatl' }))).toEqual(['c10']);
      expect(s.matching({ limit: 1, q: 'customer' })).toBe(20_000);
    } finally {
      s.close();
    }
  });

  it('llmtop says so at start and then answers searches over the API; a bad search is a 400 that says why', async () => {
    const file = path.join(dir, 'v3.db');
    fs.copyFileSync(new URL('./fixtures/v3.db', import.meta.url), file);
    const said: string[] = [];
    const app = await startTestLlmtop({ db: file }, () => Date.UTC(2026, 11, 1, 12), undefined, (line) => said.push(line));
    try {
      expect(said[0]).toBe('indexing 4 stored calls for search (once)');
      expect(said.at(-1)).toBe('indexing for search: 100%');
      expect(await getJson(`${app.url}/api/v1/calls?q=unpriced`)).toMatchObject({ matched: 1, calls: [{ id: 'v3-unknown', prompt: 'unpriced prompt' }] });
      expect(await getJson(`${app.url}/api/v1/calls?q=prompt&model=gpt-4o`)).toMatchObject({ matched: 1, calls: [{ id: 'v3-estimated' }] });
      const bad = await fetch(`${app.url}/api/v1/calls?q=${encodeURIComponent('"unclosed')}`);
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({ error: 'cannot read the search: unterminated string' });
      expect((await fetch(`${app.url}/api/v1/calls?q=`)).status).toBe(400);
    } finally {
      await app.close();
    }
  });
});
