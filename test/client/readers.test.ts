import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileReader } from '../../src/client/file.js';
import { httpReader } from '../../src/client/http.js';
import { ReadError, type LlmtopReader } from '../../src/client/reader.js';
import { Prices } from '../../src/pricing/index.js';
import { StoreOpenError } from '../../src/store/call-store.js';
import { startTestLlmtop } from '../helpers/llmtop.js';
import { sendKnownCalls, type KnownCalls } from '../helpers/known-calls.js';
import { genAiSpanJson, tracesJson } from '../helpers/otlp-payloads.js';

/*
 * The two readers behind the CLI verbs and `llmtop mcp`. Reading a db file must give the answers
 * a llmtop started on that file gives over HTTP (the same statistics and runs, built the same
 * way), leave the file as it is, and see what a running llmtop writes to it later.
 */

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-readers-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const FIVE_MINUTES = 5 * 60_000;
const pricer = Prices.load(null);
const file = path.join(tmp, 'known.db');
let known: KnownCalls;

beforeAll(async () => {
  const writer = await startTestLlmtop({ db: file });
  known = await sendKnownCalls(writer.url);
  await writer.close();
});

/** Everything a reader answers for the known calls, in the API's JSON. */
async function everything(r: LlmtopReader) {
  const calls = await r.calls({ limit: 100 });
  return {
    summary: await r.summary({ window: '15m' }),
    byService: await r.summary({ window: '1h', groupBy: ['service'], filter: { service: 'billing' } }),
    calls,
    search: await r.calls({ limit: 10, q: 'refund OR zebrafish', errors: false }),
    each: await Promise.all(calls.calls.map((c) => r.call(c.id))),
    runs: await r.runs({ window: '15m', sort: 'cost' }),
    run: await r.run(known.supportTrace),
    errors: await r.errors({ window: '15m' }),
    prices: await r.prices(),
    named: await r.prices(['gpt-4o', 'anthropic/claude-opus-4-6']),
  };
}

/** Stops the windows' rates from depending on the millisecond each reader was asked in. */
const atRest = (answers: Awaited<ReturnType<typeof everything>>) => JSON.parse(JSON.stringify(answers));

describe('the db file reader', () => {
  it('answers as a llmtop started on the same file answers over HTTP', async () => {
    const app = await startTestLlmtop({ db: file });
    const fromFile = fileReader({ path: file, pricer, windowMs: FIVE_MINUTES });
    try {
      const http = await everything(httpReader(app.url));
      const read = await everything(fromFile);
      expect(read.calls.calls).toHaveLength(4);
      expect(read.search.matched).toBe(3);
      expect(read.run.calls).toBe(2);
      expect(read.errors.errors).toHaveLength(2);
      expect(atRest(read)).toEqual(atRest(http));
    } finally {
      fromFile.close();
      await app.close();
    }
  });

  it('leaves the file as it is (its log too: SQLite may leave an empty one where there was none)', async () => {
    const bytes = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f) : Buffer.alloc(0));
    const digest = () => ['', '-wal'].map((suffix) => crypto.createHash('sha256').update(bytes(file + suffix)).digest('hex'));
    const before = digest();
    const r = fileReader({ path: file, pricer, windowMs: FIVE_MINUTES });
    await everything(r);
    r.close();
    expect(digest()).toEqual(before);
  });

  it('sees what a running llmtop writes to the file after it has read it', async () => {
    const copy = path.join(tmp, 'live.db');
    fs.copyFileSync(file, copy);
    const app = await startTestLlmtop({ db: copy });
    const r = fileReader({ path: copy, pricer, windowMs: FIVE_MINUTES });
    try {
      expect((await r.summary({ window: '15m' })).totals.requests).toBe(4);
      const res = await fetch(`${app.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(tracesJson([genAiSpanJson({ model: 'gpt-4.1' })], 'late')) });
      expect(res.status).toBe(200);
      expect((await r.summary({ window: '15m' })).totals.requests).toBe(5);
      expect((await r.calls({ limit: 1 })).calls[0]).toMatchObject({ service: 'late', model: 'gpt-4.1' });
    } finally {
      r.close();
      await app.close();
    }
  });

  it('upgrades a file from an older llmtop once, as llmtop would, then reads it', async () => {
    const old = path.join(tmp, 'v3.db');
    fs.copyFileSync(new URL('../store/fixtures/v3.db', import.meta.url), old);
    const r = fileReader({ path: old, pricer, windowMs: FIVE_MINUTES, now: () => Date.UTC(2026, 11, 1, 12) });
    try {
      expect(await r.calls({ limit: 5, q: 'unpriced' })).toMatchObject({ matched: 1, calls: [{ id: 'v3-unknown', prompt: 'unpriced prompt' }] });
    } finally {
      r.close();
    }
  });

  it('what it does not hold, or a search it cannot read, is a ReadError with the API status; a missing file is refused', async () => {
    const r = fileReader({ path: file, pricer, windowMs: FIVE_MINUTES });
    try {
      await expect(r.call('no-such-call')).rejects.toEqual(new ReadError(404, 'no call with id no-such-call: unknown, or no longer stored'));
      await expect(r.calls({ limit: 1, q: '"open' })).rejects.toMatchObject({ status: 400, message: 'cannot read the search: unterminated string' });
      await expect(r.summary({ window: 'soon' })).rejects.toMatchObject({ status: 400 });
    } finally {
      r.close();
    }
    expect(() => fileReader({ path: path.join(tmp, 'missing.db'), pricer, windowMs: FIVE_MINUTES })).toThrow(StoreOpenError);
  });
});

describe('the HTTP reader', () => {
  it('a llmtop out of reach is a ReadError without a status that says so', async () => {
    const err = await httpReader('http://127.0.0.1:9/').calls({ limit: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReadError);
    expect(err).toMatchObject({ status: null, message: expect.stringMatching(/^cannot read http:\/\/127\.0\.0\.1:9\/api\/v1\/calls\?limit=1: .*; is llmtop running there\?$/) });
  });
});
