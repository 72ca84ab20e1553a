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
