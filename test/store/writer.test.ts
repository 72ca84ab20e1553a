import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { LlmCall } from '../../src/domain/call.js';
import type { CallChanges, CallRef, Committed } from '../../src/domain/changes.js';
import { CallStore } from '../../src/store/call-store.js';
import { storeWriter } from '../../src/store/writer.js';
import { seeded, type Rng } from '../fuzz/kit.js';
import { threadNames, threadsNamed } from '../helpers/thread-names.js';
import { makeCall } from '../helpers/view-calls.js';

/*
 * A file's commits run in a thread of their own, on its own connection. What each commit answers
 * (the calls kept, deleted and replaced), the size of the ring and the rows left must be what the
 * store answers when it commits the same batches itself.
 */

const T0 = Date.UTC(2026, 11, 7, 12);
const RING = { maxCalls: 40, retentionMs: 60_000 };
const WORDS = ['refund', 'parcel', 'invoice', 'timeout', 'weather'];

let dir: string;
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function twoStores(now: () => number) {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-writer-'));
  const direct = new CallStore({ path: path.join(dir, 'direct.db'), ...RING, now });
  const file = path.join(dir, 'threaded.db');
  const main = new CallStore({ path: file, ...RING, now });
  return { direct, main, file, writer: storeWriter(main) };
}

/** A batch of new calls (some already past the retention), calls sent again with new text, and deletions. */
function batch(rng: Rng, clock: number, known: CallRef[], n: number): CallChanges {
  const upserted: LlmCall[] = [];
  const deleted: CallRef[] = [];
  for (let i = 0; i < rng.range(1, 12); i++) {
    const text = () => (rng.bool(0.8) ? `${rng.pick(WORDS)} ${rng.pick(WORDS)}` : null);
    const again = known.length > 0 && rng.bool(0.25) ? rng.pick(known) : null;
    const ref = again ?? { id: `c${n}-${i}`, timeMs: clock - rng.int(80_000) + rng.int(1000) / 1000 };
    upserted.push(makeCall({ ...ref, prompt: text(), response: text(), status: rng.bool(0.2) ? 'error' : 'ok', error: rng.bool(0.2) ? 'upstream timeout' : null }));
    if (!again) known.push(ref);
  }
  for (let i = 0; i < rng.int(3) && known.length > 0; i++) deleted.push(rng.pick(known));
  return { upserted, deleted };
}

const answer = (c: Committed) => ({ upserted: c.upserted.map((x) => x.id), deleted: c.deleted, replaced: c.replaced });

describe('the store writer thread', () => {
  it('answers each batch as the store itself does, and leaves the same rows, ring and search index', async () => {
    let clock = T0;
    const { direct, main, writer } = twoStores(() => clock);
    const rng = seeded(22);
    const known: CallRef[] = [];
    let trimmed = 0;
    let fullest = 0;
    for (let n = 0; n < 80; n++) {
      clock += rng.int(4000);
      const changes = batch(rng, clock, known, n);
      const want = direct.commit(changes);
      const got = await writer.commit(changes);
      expect(answer(got), `batch ${n}`).toEqual(answer(want));
      expect(main.size, `batch ${n}`).toBe(direct.size);
      trimmed += want.deleted.length;
      fullest = Math.max(fullest, direct.size);
    }
    // The batches did reach the ring's limits, or the comparison says little.
    expect(fullest).toBe(RING.maxCalls);
    expect(trimmed).toBeGreaterThan(100);
    expect(direct.size).toBeGreaterThan(0);
    // The main connection reads what the thread wrote.
    expect(main.calls({ limit: 1000 })).toEqual(direct.calls({ limit: 1000 }));
    for (const word of WORDS) expect(main.matching({ limit: 1000, q: word }), word).toBe(direct.matching({ limit: 1000, q: word }));
    await writer.close();
    main.close();
    direct.close();
  });

  it('takes batches sent before the last is answered, and answers them in order', async () => {
    let clock = T0;
    const { direct, main, writer } = twoStores(() => clock);
    const rng = seeded(7);
    const known: CallRef[] = [];
    const batches = Array.from({ length: 12 }, (_, n) => batch(rng, clock, known, n));
    const answers = await Promise.all(batches.map((b) => writer.commit(b)));
    batches.forEach((b, n) => expect(answer(answers[n]!), `batch ${n}`).toEqual(answer(direct.commit(b))));
    expect(main.calls({ limit: 1000 })).toEqual(direct.calls({ limit: 1000 }));
    await writer.close();
    main.close();
    direct.close();
  });

  it('lets go of the file when closed: the main connection closes last, and the file alone holds every call', async () => {
    const { direct, main, file, writer } = twoStores(() => T0);
    direct.close();
    await writer.commit({ upserted: [makeCall({ id: 'kept', timeMs: T0 - 1000, prompt: 'refund please' })], deleted: [] });
    await writer.close();
    main.close();
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    const reopened = new CallStore({ path: file, ...RING, now: () => T0, readOnly: true });
    expect(reopened.calls({ limit: 10 }).map((c) => c.id)).toEqual(['kept']);
    reopened.close();
  });

  it('copies the log into the database between its commits: the checkpoint worker has the file no more', async () => {
    const { direct, main, file, writer } = twoStores(() => T0);
    const before = fs.statSync(file).size;
    const prompt = 'refund '.repeat(1200);
    for (let b = 0; b < 2; b++)
      await writer.commit({ upserted: Array.from({ length: 20 }, (_, i) => makeCall({ id: `c${b}-${i}`, timeMs: T0 - 1000 + b * 20 + i, prompt })), deleted: [] });
    // 40 prompts (the ring's size) of 8,400 characters: until a checkpoint, they are in the log alone.
    for (const end = Date.now() + 5000; fs.statSync(file).size < before + 250_000 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
    expect(fs.statSync(file).size).toBeGreaterThan(before + 250_000);
    await writer.close();
    main.close();
    direct.close();
  });

  it.runIf(threadsNamed)('names its threads, so that top -H and the bench tell the writer and the checkpoints apart', async () => {
    const { direct, main, writer } = twoStores(() => T0);
    await writer.commit({ upserted: [makeCall({ id: 'named', timeMs: T0 - 1000 })], deleted: [] });
    expect(threadNames()).toEqual(expect.arrayContaining(['llmtop-writer', 'llmtop-wal']));
    await writer.close();
    main.close();
    direct.close();
  });

  it('a thread that cannot open the file leaves the commits to the main connection: the batch in its hands is refused, none after it', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-writer-'));
    const file = path.join(dir, 'llmtop.db');
    const main = new CallStore({ path: file, ...RING, now: () => T0 });
    // The file now says a newer llmtop wrote it: the thread's own open refuses it.
    const other = new Database(file);
    other.prepare("UPDATE meta SET value = '999' WHERE key = 'schema_version'").run();
    other.close();
    const writer = storeWriter(main);
    await expect(writer.commit({ upserted: [makeCall({ id: 'a', timeMs: T0 - 3000 })], deleted: [] })).rejects.toThrow(/newer llmtop/);
    const next = await writer.commit({ upserted: [makeCall({ id: 'b', timeMs: T0 - 2000 }), makeCall({ id: 'c', timeMs: T0 - 1000 })], deleted: [] });
    expect(next.upserted.map((c) => c.id)).toEqual(['b', 'c']);
    expect(main.size).toBe(2);
    expect(main.calls({ limit: 10 }).map((c) => c.id)).toEqual(['c', 'b']);
    await writer.close();
    main.close();
  });
});
