import fs from 'node:fs';
import path from 'node:path';

/*
 * Where a running server's CPU went, per span: a V8 .cpuprofile (from `node --cpu-prof`) with each
 * sample put in one area of llmtop. A sample belongs to the deepest frame on its stack that is
 * llmtop's own code (dist/<room>/) or a library that one room uses (protobufjs: decode;
 * better-sqlite3: store); frames of Node itself and native code are transparent, so that a Buffer
 * made by the decoder counts as decode and SQLite's C as the store. A sample with none of those
 * on its stack is Node's own work: HTTP and sockets, decompression, microtasks, timers, the
 * garbage collector. Used by bench/run.ts with BENCH_PROFILE=1, or alone:
 *   npx tsx bench/profile-accounting.ts SPANS FILE.cpuprofile
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

/** llmtop's rooms, by the path under dist/, most specific first. */
const ROOMS: [RegExp, string][] = [
  [/\/dist\/receiver\/encoding\//, 'decode'],
  [/\/dist\/receiver\//, 'receiver: HTTP handler, body, access'],
  [/\/dist\/normalize\/assemble\.js$/, 'assemble'],
  [/\/dist\/normalize\//, 'normalize'],
  [/\/dist\/store\//, 'store commit'],
  [/\/dist\/stats\/(loops|cache-watch)\.js$/, 'loops and cache watch'],
  [/\/dist\/stats\//, 'stats apply'],
  [/\/dist\/sources\//, 'sources tracker'],
  [/\/dist\/forward\//, 'relay hook'],
  [/\/dist\/ingest\//, 'ingest queue'],
  [/\/dist\/pricing\//, 'pricing'],
  [/\/dist\//, 'other llmtop code'],
  [/node_modules\/(protobufjs|@protobufjs|@opentelemetry\/otlp-transformer)\//, 'decode'],
  [/node_modules\/better-sqlite3\//, 'store commit'],
];

/** Node's own work, when no frame of llmtop's is on the stack. */
const NODE: [RegExp, string][] = [
  [/^node:(zlib|internal\/zlib)/, 'node: decompression'],
  [/^node:(_http_|http|net|internal\/(http|net|stream_base|streams|js_stream)|stream)/, 'node: HTTP and sockets'],
  [/^node:internal\/process\/task_queues/, 'node: microtasks and promises'],
  [/^node:internal\/timers|^node:timers/, 'node: timers'],
];

const SPECIAL: Record<string, string> = {
  '(garbage collector)': 'garbage collector',
  '(idle)': 'idle',
  '(program)': 'V8 and native, no JS frame',
  '(root)': 'V8 and native, no JS frame',
};

function room(url: string): string | null {
  for (const [re, name] of ROOMS) if (re.test(url)) return name;
  return null;
}

function nodeArea(url: string): string | null {
  for (const [re, name] of NODE) if (re.test(url)) return name;
  return null;
}

export interface Accounting {
  /** Microseconds of CPU per span, by area, largest first; idle left out. */
  rows: { area: string; usPerSpan: number; share: number }[];
  /** Busy CPU over the profile, in seconds. */
  busySeconds: number;
}

export function accountProfile(file: string, spans: number): Accounting {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const areaOf = new Map<number, string>();
  const classify = (id: number): string => {
    const cached = areaOf.get(id);
    if (cached) return cached;
    const node = byId.get(id)!;
    const special = SPECIAL[node.callFrame.functionName];
    let area = special && !node.callFrame.url ? special : null;
    // The deepest of llmtop's frames; else the deepest of Node's that says what it was doing.
    let nodeGuess: string | null = null;
    for (let at: number | undefined = id; !area && at !== undefined; at = parent.get(at)) {
      const url = byId.get(at)!.callFrame.url;
      area = room(url);
      nodeGuess ??= nodeArea(url);
    }
    area ??= nodeGuess ?? 'node: other';
    areaOf.set(id, area);
    return area;
  };

  const micros = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // A sample's delta is the time since the one before: it is charged to the sample it ends.
  for (let i = 0; i < samples.length; i++) {
    const area = classify(samples[i]!);
    micros.set(area, (micros.get(area) ?? 0) + (deltas[i + 1] ?? 0));
  }
  micros.delete('idle');
  const busy = [...micros.values()].reduce((a, b) => a + b, 0);
  const rows = [...micros]
    .map(([area, us]) => ({ area, usPerSpan: us / Math.max(1, spans), share: us / Math.max(1, busy) }))
    .sort((a, b) => b.usPerSpan - a.usPerSpan);
  return { rows, busySeconds: busy / 1e6 };
}

export function accountingTable(a: Accounting, spans: number): string {
  const lines = [
    `| area | µs per span | share |`,
    `|---|---|---|`,
    ...a.rows.map((r) => `| ${r.area} | ${r.usPerSpan.toFixed(1)} | ${(100 * r.share).toFixed(1)}% |`),
    `| **all busy CPU** | **${((a.busySeconds * 1e6) / Math.max(1, spans)).toFixed(1)}** | ${a.busySeconds.toFixed(1)} s for ${spans.toLocaleString('en-US')} spans |`,
  ];
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const [spansArg, file] = process.argv.slice(2);
  const spans = Number(spansArg);
  if (!file || !Number.isInteger(spans) || spans <= 0) {
    process.stderr.write('usage: tsx bench/profile-accounting.ts SPANS FILE.cpuprofile\n');
    process.exit(2);
  }
  process.stdout.write(`${accountingTable(accountProfile(file, spans), spans)}\n`);
}
