import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { LIMITS } from '../src/app/config.js';
import { Assembler } from '../src/normalize/assemble.js';
import { normalize, type Normalized } from '../src/normalize/index.js';
import { Prices, resolveCost } from '../src/pricing/index.js';
import { jsonEncoding, protobufEncoding, type Decoded } from '../src/receiver/encoding/index.js';
import { decodeProtobufReference } from '../src/receiver/encoding/protobuf-reference.js';
import { LiveStats } from '../src/stats/live-stats.js';
import { CallStore } from '../src/store/call-store.js';
import type { Committed } from '../src/domain/changes.js';
import { IdSource, makeTraffic, type Encoding } from './load.js';

/*
 * Where llmtop's time per span goes, in one process and without HTTP: the same batches the load
 * generator sends, through each stage of the ingest path in turn, wired as src/app/llmtop.ts
 * wires them. Timed by this process's CPU time, so that other load on the machine matters less.
 */

export interface StageTimes {
  encoding: Encoding;
  spans: number;
  /** CPU microseconds per span, by stage. */
  perSpanUs: Record<string, number>;
  /** The same commits to a store without the search index, for comparison (not a stage of the path). */
  commitWithoutSearchUs: number;
  /**
   * Protobuf only: the receiver's decoder and the reference it replaced (protobufjs's generated
   * decode, then a walk of its objects) alone on the same bodies, in turns, CPU µs per span.
   */
  decodersAloneUs: { decoder: number; reference: number } | null;
}

function decodersAlone(bodies: Buffer[]): { decoder: number; reference: number } {
  const t = { decoder: 0, reference: 0 };
  let spans = 0;
  for (let i = 0; i < bodies.length; i++) {
    // Which goes first alternates, so that neither always finds the other's garbage.
    for (const which of i % 2 ? (['decoder', 'reference'] as const) : (['reference', 'decoder'] as const)) {
      const c = cpuUs();
      const d = which === 'decoder' ? protobufEncoding.decode('traces', bodies[i]!) : decodeProtobufReference('traces', bodies[i]!);
      t[which] += cpuUs() - c;
      if (which === 'decoder') for (const r of d.request.resources) for (const s of r.scopes) spans += s.items.length;
    }
  }
  return { decoder: t.decoder / spans, reference: t.reference / spans };
}

function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

export function measureStages(encoding: Encoding, opts: { dir: string; requests: number; spansPerBatch: number; requestsPerCommit: number }): StageTimes {
  const traffic = makeTraffic(encoding, { batches: 16, spansPerBatch: opts.spansPerBatch });
  const ids = new IdSource();
  const bodies: Buffer[] = [];
  for (let i = 0; i < opts.requests; i++) {
    const t = traffic.templates[i % traffic.templates.length]!;
    const body = Buffer.from(t.body);
    ids.patch(t, body, encoding);
    bodies.push(body);
  }
  const enc = encoding === 'protobuf' ? protobufEncoding : jsonEncoding;
  const db = path.join(opts.dir, `stages-${encoding}.db`);
  const prices = Prices.load(null);
  const store = new CallStore({ path: db, maxCalls: 50_000_000, retentionMs: 7 * 24 * 3600_000, now: Date.now });
  const plainDb = path.join(opts.dir, `stages-${encoding}-no-search.db`);
  const plain = new CallStore({ path: plainDb, maxCalls: 50_000_000, retentionMs: 7 * 24 * 3600_000, now: Date.now, searchIndex: false });
  let withoutSearch = 0;
  const stats = new LiveStats({ horizonMs: LIMITS.horizonMs, recentCapacity: LIMITS.recentCalls, now: Date.now });
  const assembler = new Assembler({ resolveCost: (c) => resolveCost(prices, c), keepContent: true, servicesWithCalls: [] });

  const t: Record<string, number> = { decode: 0, normalize: 0, assemble: 0, 'store commit': 0, 'stats apply': 0, 'encode answer': 0 };
  let spans = 0;
  try {
    for (let start = 0; start < bodies.length; start += opts.requestsPerCommit) {
      const items: Normalized[] = [];
      for (const body of bodies.slice(start, start + opts.requestsPerCommit)) {
        let c = cpuUs();
        const decoded: Decoded = enc.decode('traces', body);
        let d = cpuUs();
        t.decode! += d - c;
        c = d;
        items.push(normalize(decoded.request));
        d = cpuUs();
        t.normalize! += d - c;
        for (const r of decoded.request.resources) for (const s of r.scopes) spans += s.items.length;
      }
      let c = cpuUs();
      const changes = assembler.ingest(items);
      let d = cpuUs();
      t.assemble! += d - c;
      c = d;
      const committed: Committed = store.commit(changes);
      d = cpuUs();
      t['store commit']! += d - c;
      c = d;
      plain.commit(changes);
      d = cpuUs();
      withoutSearch += d - c;
      c = d;
      stats.apply(committed);
      d = cpuUs();
      t['stats apply']! += d - c;
      c = d;
      for (let i = 0; i < items.length; i++) enc.encodeResponse('traces', 0, '');
      t['encode answer']! += cpuUs() - c;
    }
    if (store.size !== spans) throw new Error(`bench: stages stored ${store.size} calls of ${spans} spans`);
  } finally {
    store.close();
    plain.close();
    for (const f of [db, plainDb]) for (const s of ['', '-wal', '-shm']) fs.rmSync(f + s, { force: true });
  }
  const perSpanUs: Record<string, number> = {};
  for (const [k, v] of Object.entries(t)) perSpanUs[k] = v / spans;
  const decodersAloneUs = encoding === 'protobuf' ? decodersAlone(bodies) : null;
  return { encoding, spans, perSpanUs, commitWithoutSearchUs: withoutSearch / spans, decodersAloneUs };
}

/**
 * What SQLite costs at the least on this machine, for issue 22's leaner commit: better-sqlite3 in
 * WAL with synchronous=NORMAL, as the store, 400 rows a transaction, one prepared statement, no
 * RETURNING. A narrow row; the same with a (start, id) key as calls has; and one with the store's
 * share of text, 2 × 800 characters, in a plain table and in the FTS5 index. CPU µs per row.
 */
export function minimalInserts(dir: string, rows = 40_000): { name: string; us: number }[] {
  const text = 'Customer asks about a refund for order 12345; the assistant explains the policy and the next steps. '.repeat(8).slice(0, 800);
  const kinds: { name: string; create: string; insert: string; row: (i: number) => unknown[] }[] = [
    { name: 'narrow row (2 integers)', create: 'CREATE TABLE t (a INTEGER, b INTEGER)', insert: 'INSERT INTO t VALUES (?, ?)', row: (i) => [i, 2 * i] },
    {
      name: 'narrow row with a (start, id) unique key',
      create: 'CREATE TABLE t (s INTEGER, id TEXT, a INTEGER); CREATE UNIQUE INDEX k ON t (s, id)',
      insert: 'INSERT INTO t VALUES (?, ?, ?)',
      row: (i) => [1_700_000_000_000_000_000n + BigInt(i) * 1000n, (i * 2654435761).toString(16), i],
    },
    { name: 'two texts of 800 characters', create: 'CREATE TABLE c (seq INTEGER PRIMARY KEY, p TEXT, r TEXT)', insert: 'INSERT INTO c VALUES (?, ?, ?)', row: (i) => [i, `${i} ${text}`, text] },
    {
      name: 'the same two texts into FTS5 (as the search index)',
      create: "CREATE VIRTUAL TABLE f USING fts5(p, r, e, content='', tokenize='unicode61 remove_diacritics 2')",
      insert: 'INSERT INTO f (rowid, p, r, e) VALUES (?, ?, ?, NULL)',
      row: (i) => [i, `${i} ${text}`, text],
    },
  ];
  return kinds.map((k, n) => {
    const file = path.join(dir, `minimal-${n}.db`);
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(k.create);
    const insert = db.prepare(k.insert);
    const commit = db.transaction((batch: unknown[][]) => {
      for (const r of batch) insert.run(r);
    });
    const c = cpuUs();
    for (let i = 0; i < rows; i += 400) commit(Array.from({ length: 400 }, (_, j) => k.row(i + j)));
    const us = (cpuUs() - c) / rows;
    db.close();
    for (const s of ['', '-wal', '-shm']) fs.rmSync(file + s, { force: true });
    return { name: k.name, us };
  });
}
