import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { Checkpointer } from '../../src/store/checkpointer.js';
import { threadNames, threadsNamed } from '../helpers/thread-names.js';

/*
 * The write-ahead log under commits that never pause: the worker copies it into the database and
 * starts it over, so the -wal file stays short however long ingest runs.
 */

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

it('keeps the log short under commits that never pause, and loses none of them', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-wal-'));
  dirs.push(dir);
  const file = path.join(dir, 'x.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.pragma('journal_size_limit = 0');
  db.exec('CREATE TABLE t (x TEXT)');
  const release = new Checkpointer(64).add(file, () => db.pragma('wal_autocheckpoint = 1000'));
  const insert = db.prepare('INSERT INTO t VALUES (?)');
  const row = 'x'.repeat(16_000);
  let walMax = 0;
  let commits = 0;
  // Some 50 MB in small commits, a few milliseconds apart (the worker's copies run between them).
  for (const end = Date.now() + 3000; Date.now() < end; commits++) {
    db.transaction(() => {
      for (let i = 0; i < 4; i++) insert.run(row);
    })();
    walMax = Math.max(walMax, fs.statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0);
    await new Promise((r) => setTimeout(r, 2));
  }
  const written = commits * 4 * row.length;
  expect(written).toBeGreaterThan(20_000_000);
  // Without the restarts the log holds all of it; with them, what a few of the worker's rounds (250 ms) bring.
  expect(walMax).toBeLessThan(written / 3);
  release();
  expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(commits * 4);
  db.close();
});

it('never keeps a process running: one that opens a store and returns exits, closed or not', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-wal-'));
  dirs.push(dir);
  const store = path.resolve('src/store/call-store.ts');
  for (const close of ['s.close();', '']) {
    // A script of its own, run as the bench and scripts run (tsx): it ends when its work does.
    const script = path.join(dir, 'open.mts');
    fs.writeFileSync(script, `import { CallStore } from ${JSON.stringify(store)};
      const s = new CallStore({ path: ${JSON.stringify(path.join(dir, 'a.db'))}, maxCalls: 10, retentionMs: 1e9, now: Date.now });
      ${close}\n`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 15_000 });
    expect({ status: r.status, signal: r.signal, stderr: r.stderr }).toEqual({ status: 0, signal: null, stderr: '' });
  }
}, 40_000);

it.runIf(threadsNamed)(
  'stops its worker (some 10 MiB) once no store has been left to checkpoint for a second, and starts it again for the next',
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-wal-'));
    dirs.push(dir);
    const file = path.join(dir, 'x.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    const checkpointer = new Checkpointer();
    const workers = () => threadNames().filter((n) => n === 'llmtop-wal').length;
    // The workers of the tests before, released, stop meanwhile.
    await new Promise((r) => setTimeout(r, 1500));
    const before = workers();
    const release = checkpointer.add(file, () => {});
    await new Promise((r) => setTimeout(r, 200));
    expect(workers()).toBe(before + 1);
    release();
    await new Promise((r) => setTimeout(r, 1500));
    expect(workers()).toBe(before);
    const again = checkpointer.add(file, () => {});
    await new Promise((r) => setTimeout(r, 200));
    expect(workers()).toBe(before + 1);
    again();
    db.close();
  },
  10_000,
);
