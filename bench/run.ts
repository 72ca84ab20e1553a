import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fillStore } from './fill.js';
import { IdSource, makeTraffic, runLoad, type Encoding, type LoadResult, type Traffic } from './load.js';
import { accountingTable, accountProfile } from './profile-accounting.js';
import { summarizeProfile } from './profile-top.js';
import { closeAgent, cpuSeconds, getJson, killAll, machineBusySeconds, memoryMiB, request, startServer, stopServer, THREAD_KINDS, threadSeconds, type Server, type ThreadKind } from './procs.js';
import { measureStages, minimalInserts, type StageTimes } from './stages.js';

/*
 * npm run bench: ingest throughput against the decode-only limit, where llmtop's time per span
 * goes, API query latency with a million calls in the store, peak memory with the ring full, and
 * what the provider proxy adds to an app's time to first byte (bench/proxy.ts). Loopback only, bounded in
 * time, never part of npm test. Sizes come from BENCH_* variables (BENCH_QUICK=1 for a short run).
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const QUICK = process.env.BENCH_QUICK === '1';

function envNumber(name: string, full: number, quick: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return QUICK ? quick : full;
  const v = Number(text);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name}=${text} is not a number`);
  return v;
}

const CFG = {
  /** Each of the rounds, per receiver. */
  ingestSeconds: envNumber('BENCH_INGEST_SECONDS', 5, 3),
  rounds: envNumber('BENCH_ROUNDS', 3, 2),
  warmupSeconds: envNumber('BENCH_WARMUP_SECONDS', 2, 1),
  concurrency: envNumber('BENCH_CONCURRENCY', 8, 8),
  spansPerBatch: envNumber('BENCH_BATCH_SPANS', 100, 100),
  distinctBatches: envNumber('BENCH_DISTINCT_BATCHES', 32, 16),
  calls: envNumber('BENCH_CALLS', 1_000_000, 100_000),
  windowCalls: envNumber('BENCH_WINDOW_CALLS', 100_000, 10_000),
  /** The calls outside the 5m window are spread over this many hours before it. */
  oldHours: envNumber('BENCH_OLD_HOURS', 23, 23),
  // A p95 of 20 is the second slowest: one hiccup of the machine decided it. Of 100, the sixth.
  queryRepeats: envNumber('BENCH_QUERY_REPEATS', 100, 20),
  churnSpans: envNumber('BENCH_CHURN_SPANS', 100_000, 10_000),
  stageRequests: envNumber('BENCH_STAGE_REQUESTS', 400, 100),
  timeoutSeconds: envNumber('BENCH_TIMEOUT_SECONDS', 1200, 300),
  startTimeoutSeconds: envNumber('BENCH_START_TIMEOUT_SECONDS', 400, 120),
  /** Wait up to this long for the rest of the machine to go quiet (under half a core) before starting. */
  waitQuietSeconds: envNumber('BENCH_WAIT_QUIET_SECONDS', 0, 0),
};
const SECTIONS = ['ingest', 'stages', 'queries', 'memory', 'sessions', 'proxy', 'tui'];
/**
 * BENCH_ONLY picks sections (comma-separated); all of them by default. `tui` is bench/tui.ts, about
 * 3 minutes; `proxy` bench/proxy.ts, about a minute; `sessions` bench/sessions.ts (loop and cache
 * watchers per call, in process), about 2 minutes.
 */
const ONLY = new Set(
  (process.env.BENCH_ONLY ?? SECTIONS.join(','))
    .split(',')
    .map((s) => s.trim())
    .flatMap((s) => (s === 'all' ? SECTIONS : [s])),
);
const PROFILE = process.env.BENCH_PROFILE === '1';
/** V8 or Node flags for llmtop's process (not the decode-only receiver's), to try one: BENCH_NODE_ARGS='--max-semi-space-size=16'. */
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR ?? path.join(os.tmpdir(), 'llmtop-bench-profiles');
const OUT = process.env.BENCH_OUT ?? path.join(ROOT, 'bench', QUICK ? 'results-quick.md' : 'results.md');

const TARGET = { ingestRatio: 0.6, queryMs: 50, rssMiB: 250 };

const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const verdict = (ok: boolean) => (ok ? 'pass' : 'FAIL');

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------

function machine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${fixed(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}

function command(): string {
  const vars = Object.entries(process.env)
    .filter(([k]) => k.startsWith('BENCH_'))
    .map(([k, v]) => `${k}=${v}`)
    .sort();
  return [...vars, 'npm run bench'].join(' ');
}

function revision(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'bin'], { cwd: ROOT, encoding: 'utf8' }).trim();
    return dirty ? `${head} + uncommitted changes in src/` : head;
  } catch {
    return 'unknown';
  }
}

function newest(dir: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

/** llmtop runs from dist/, as users run it: build it when src/ is newer. */
function ensureBuilt(): string {
  const cli = path.join(ROOT, 'dist', 'cli.js');
  const stale = !fs.existsSync(cli) || newest(path.join(ROOT, 'src')) > fs.statSync(cli).mtimeMs;
  if (!stale || process.env.BENCH_BUILD === '0') return stale ? 'dist/ older than src/ (BENCH_BUILD=0: not rebuilt)' : 'dist/ up to date';
  log('src/ is newer than dist/: npm run build');
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) {
    log(`npm run build failed (tsc still emits; running what dist/ holds):\n${(r.stdout + r.stderr).trim().split('\n').slice(-10).join('\n')}`);
    return 'dist/ rebuilt, with type errors';
  }
  return 'dist/ rebuilt';
}

/**
 * A folder per process: each of its threads writes its own profile there, named by Node
 * (CPU.date.time.pid.thread.seq.cpuprofile; the main thread is 0, llmtop's checkpoint worker 1).
 */
function profileArgs(name: string): string[] {
  return PROFILE ? ['--cpu-prof', '--cpu-prof-dir', path.join(PROFILE_DIR, name)] : [];
}

/** The profiles a process wrote, by thread: the main thread first. */
function profilesOf(name: string): { thread: number; file: string }[] {
  const dir = path.join(PROFILE_DIR, name);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((f) => ({ thread: Number(/\.(\d+)\.\d+\.cpuprofile$/.exec(f)?.[1] ?? NaN), file: path.join(dir, f) }))
    .filter((p) => Number.isInteger(p.thread))
    .sort((a, b) => a.thread - b.thread);
}

function startLlmtop(name: string, db: string, maxCalls: number, timeoutMs = 30_000): Promise<Server> {
  const args = [...profileArgs(name), ...NODE_ARGS, 'bin/llmtop.js', '--headless', '--port', '0', '--grpc-port', '0', '--db', db, '--max-calls', String(maxCalls)];
  return startServer(name, args, { cwd: ROOT, timeoutMs });
}

function startDecodeOnly(name: string): Promise<Server> {
  return startServer(name, [...profileArgs(name), 'bench/decode-server.mjs', '0'], { cwd: ROOT, timeoutMs: 30_000 });
}

// ---------------------------------------------------------------------------------------------

interface Measured {
  load: LoadResult;
  /** CPU used, in cores (1 = one core busy all the time): the server, this load generator, everything else. */
  serverCpu: number;
  clientCpu: number;
  otherCpu: number;
  /** The server's CPU by kind of thread, in cores. */
  threadCpu: Record<ThreadKind, number>;
  /** The time the server's threads were ready to run but waited for a CPU, by kind, in cores. */
  threadWaited: Record<ThreadKind, number>;
  /** With a probe: the summary's latencies during the load. */
  summaryMs: number[];
}

/**
 * GET /api/v1/summary?window=5m, as the TUI and scripts ask it, one after the other with 100 ms
 * between, until told to stop: the latencies of reads while ingest runs at full speed.
 */
function probeSummary(port: number): { stop: () => Promise<number[]> } {
  const times: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      times.push((await request(port, 'GET', '/api/v1/summary?window=5m')).ms);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return times;
    },
  };
}

async function measure(server: Server, traffic: Traffic, ids: IdSource, seconds: number, opts: { maxSpans?: number; probe?: boolean } = {}): Promise<Measured> {
  const cpu0 = cpuSeconds(server.pid);
  const threads0 = threadSeconds(server.pid);
  const client0 = process.cpuUsage();
  const busy0 = machineBusySeconds();
  const probe = opts.probe ? probeSummary(server.port) : null;
  const load = await runLoad({ port: server.port, traffic, ids, concurrency: CFG.concurrency, durationMs: seconds * 1000, maxSpans: opts.maxSpans });
  const summaryMs = (await probe?.stop()) ?? [];
  const wall = load.elapsedMs / 1000;
  const c = process.cpuUsage(client0);
  const serverCpu = (cpuSeconds(server.pid) - cpu0) / wall;
  const threads1 = threadSeconds(server.pid);
  const perKind = (t: 'cpu' | 'waited') => Object.fromEntries(THREAD_KINDS.map((k) => [k, (threads1[t][k] - threads0[t][k]) / wall])) as Record<ThreadKind, number>;
  const clientCpu = (c.user + c.system) / 1e6 / wall;
  const otherCpu = Math.max(0, (machineBusySeconds() - busy0) / wall - serverCpu - clientCpu);
  return { load, serverCpu, clientCpu, otherCpu, threadCpu: perKind('cpu'), threadWaited: perKind('waited'), summaryMs };
}

const spansPerSecond = (m: Measured) => m.load.ackedSpans / (m.load.elapsedMs / 1000);
/** Spans per second of the server's own CPU time: less sensitive to other load on the machine. */
const spansPerCpuSecond = (m: Measured) => m.load.ackedSpans / (m.load.elapsedMs / 1000) / Math.max(1e-9, m.serverCpu);
const refused = (l: LoadResult) =>
  [l.refused429 && `${l.refused429}x429`, l.refused503 && `${l.refused503}x503`, ...Object.entries(l.otherStatus).map(([s, n]) => `${n}x${s}`), l.networkErrors && `${l.networkErrors} net err`]
    .filter(Boolean)
    .join(', ') || '0';

interface IngestRow {
  encoding: Encoding;
  target: string;
  /** The best round. */
  m: Measured;
  bodyKiB: number;
  /** Spans/s of every round. */
  rounds: number[];
  /** llmtop: a round more, with the summary asked for all along. */
  withReads?: Measured;
}

interface IngestCheck {
  encoding: Encoding;
  acked: number;
  partialRejected: number;
  healthCalls: number;
  summaryRequests: number;
  refused: string;
  peakMiB: number;
  exit: string;
}

async function ingestBench(tmp: string): Promise<{ rows: IngestRow[]; checks: IngestCheck[] }> {
  const rows: IngestRow[] = [];
  const checks: IngestCheck[] = [];
  for (const encoding of ['protobuf', 'json'] as const) {
    const traffic = makeTraffic(encoding, { batches: CFG.distinctBatches, spansPerBatch: CFG.spansPerBatch });
    const bodyKiB = traffic.meanBytes / 1024;
    const db = path.join(tmp, `ingest-${encoding}.db`);
    const limit = await startDecodeOnly(`decode-only-${encoding}`);
    const llmtop = await startLlmtop(`llmtop-ingest-${encoding}`, db, 50_000_000);
    const limitIds = new IdSource();
    const ids = new IdSource();
    log(`${encoding}: ${CFG.warmupSeconds} s warm-up each, then ${CFG.rounds} rounds of ${CFG.ingestSeconds} s, decode-only and llmtop in turn`);
    await measure(limit, traffic, limitIds, CFG.warmupSeconds);
    const loads: LoadResult[] = [(await measure(llmtop, traffic, ids, CFG.warmupSeconds)).load];
    const limitRounds: Measured[] = [];
    const llmtopRounds: Measured[] = [];
    for (let r = 0; r < CFG.rounds; r++) {
      limitRounds.push(await measure(limit, traffic, limitIds, CFG.ingestSeconds));
      llmtopRounds.push(await measure(llmtop, traffic, ids, CFG.ingestSeconds));
      loads.push(llmtopRounds[r]!.load);
    }
    // One more round with reads: a summary over the window costs tens of ms, which would be taken
    // from the rounds above. Not with BENCH_PROFILE, whose profile is of ingest alone.
    const withReads = PROFILE ? null : await measure(llmtop, traffic, ids, CFG.ingestSeconds, { probe: true });
    if (withReads) loads.push(withReads.load);
    const best = (ms: Measured[]) => ms.reduce((a, b) => (spansPerSecond(b) > spansPerSecond(a) ? b : a));
    rows.push({ encoding, target: 'decode only (limit)', m: best(limitRounds), bodyKiB, rounds: limitRounds.map(spansPerSecond) });
    rows.push({ encoding, target: 'llmtop, file db', m: best(llmtopRounds), bodyKiB, rounds: llmtopRounds.map(spansPerSecond), withReads: withReads ?? undefined });
    await stopServer(limit);

    const health = await getJson<{ calls?: number }>(llmtop.port, '/healthz');
    const summary = await getJson<{ totals: { requests: number } }>(llmtop.port, '/api/v1/summary?window=24h&groupBy=service');
    const peakMiB = memoryMiB(llmtop.pid).hwm;
    const exit = await stopServer(llmtop);
    checks.push({
      encoding,
      acked: loads.reduce((n, l) => n + l.ackedSpans, 0),
      partialRejected: loads.reduce((n, l) => n + l.partialRejected, 0),
      healthCalls: health.calls ?? NaN,
      summaryRequests: summary.totals.requests,
      refused: loads.map(refused).filter((r) => r !== '0').join(', ') || '0',
      peakMiB,
      exit: exit.killed ? 'SIGKILLed after 20 s' : exit.code === 0 ? 'clean' : `code ${exit.code} signal ${exit.signal}`,
    });
    for (const s of ['', '-wal', '-shm']) fs.rmSync(db + s, { force: true });
  }
  return { rows, checks };
}

function ingestReport(rows: IngestRow[], checks: IngestCheck[]): string {
  const out = [
    `## Ingest: OTLP/HTTP trace exports, ${CFG.spansPerBatch} GenAI chat spans per request, ${CFG.concurrency} keep-alive connections; after ${CFG.warmupSeconds} s of warm-up, ${CFG.rounds} rounds of ${CFG.ingestSeconds} s, the decode-only receiver and llmtop in turn; each row is its best round`,
    '',
  ];
  const body: string[][] = [];
  for (const r of rows) {
    const limit = rows.find((x) => x.encoding === r.encoding && x.target.startsWith('decode'));
    const isLimit = !limit || r === limit;
    const ratio = isLimit ? NaN : spansPerSecond(r.m) / spansPerSecond(limit.m);
    const cpuRatio = isLimit ? NaN : spansPerCpuSecond(r.m) / spansPerCpuSecond(limit.m);
    body.push([
      r.encoding,
      r.target,
      `${fixed(r.bodyKiB)} KiB`,
      int(spansPerSecond(r.m)),
      r.rounds.map((x) => fixed(x / 1000)).join(' / '),
      fixed(quantile(r.m.load.latenciesMs, 0.5)),
      fixed(quantile(r.m.load.latenciesMs, 0.99)),
      refused(r.m.load),
      `${fixed(100 * r.m.serverCpu, 0)}% / ${fixed(100 * r.m.clientCpu, 0)}% / ${fixed(100 * r.m.otherCpu, 0)}%`,
      int(spansPerCpuSecond(r.m)),
      isLimit ? '' : `${fixed(ratio, 2)} ${verdict(ratio >= TARGET.ingestRatio)}`,
      isLimit ? '' : fixed(cpuRatio, 2),
    ]);
  }
  out.push(
    table(
      [
        'body',
        'receiver',
        'request',
        'spans/s',
        'rounds (k spans/s)',
        'p50 ms',
        'p99 ms',
        'refused',
        'CPU: server / load gen / other',
        'spans per server CPU-s',
        `ratio (target >= ${TARGET.ingestRatio})`,
        'CPU-s ratio',
      ],
      body,
    ),
  );
  const busiest = Math.max(...rows.map((r) => r.m.otherCpu));
  out.push(
    '',
    `CPU is in % of one core over the row's run. "other" is the rest of the machine (other processes): ${busiest > 0.15 ? `up to ${fixed(100 * busiest, 0)}% of a core in this run, so the spans/s above are disturbed; the CPU-s ratio (spans per second of the server's own CPU) is the steadier comparison` : 'quiet during this run'}.`,
  );
  const kinds = THREAD_KINDS.filter((k) => rows.some((r) => r.m.threadCpu[k] >= 0.005));
  const perSpan = (r: IngestRow, cores: number) => fixed((cores * 1e6) / Math.max(1, spansPerSecond(r.m)));
  const sum = (byKind: Record<ThreadKind, number>) => THREAD_KINDS.reduce((n, k) => n + byKind[k], 0);
  out.push('', "The server's CPU per span by thread (the same best rounds; each thread's own time from /proc/PID/task, by the thread's name), µs:", '');
  out.push(table(['body', 'receiver', ...kinds, 'all threads'], rows.map((r) => [r.encoding, r.target, ...kinds.map((k) => perSpan(r, r.m.threadCpu[k])), perSpan(r, r.m.serverCpu)])));
  out.push(
    '',
    'And the time the same threads were ready to run but waited for a CPU (/proc/PID/task/TID/schedstat), µs per span: where the load generator and the threads of the server outnumber the cores, they take turns, and a stage waiting here holds up the requests behind it.',
    '',
  );
  out.push(table(['body', 'receiver', ...kinds, 'all threads'], rows.map((r) => [r.encoding, r.target, ...kinds.map((k) => perSpan(r, r.m.threadWaited[k])), perSpan(r, sum(r.m.threadWaited))])));
  const withReads = rows.filter((r) => r.withReads && r.withReads.summaryMs.length > 0);
  if (withReads.length > 0) {
    out.push('', `Reads during ingest at full speed: one more round of ${CFG.ingestSeconds} s for llmtop, with GET /api/v1/summary?window=5m asked one after the other, 100 ms apart, all along (as a script or a second TUI would):`, '');
    out.push(
      table(
        ['body', 'spans/s in that round', 'summaries', 'p50 ms', 'p99 ms', 'max ms', 'target: p99 < 100 ms'],
        withReads.map((r) => {
          const m = r.withReads!;
          const ms = m.summaryMs;
          return [r.encoding, int(spansPerSecond(m)), int(ms.length), fixed(quantile(ms, 0.5)), fixed(quantile(ms, 0.99)), fixed(Math.max(...ms)), verdict(quantile(ms, 0.99) < 100)];
        }),
      ),
    );
  }
  out.push('', 'Stored check (llmtop, after the load, warm-up included):', '');
  out.push(
    table(
      ['body', 'spans acknowledged (200)', 'partial_success rejected', '/healthz calls', 'summary 24h requests', 'refused (429/503)', 'peak RSS', 'shutdown', 'every acknowledged span stored'],
      checks.map((c) => [
        c.encoding,
        int(c.acked),
        int(c.partialRejected),
        int(c.healthCalls),
        int(c.summaryRequests),
        c.refused,
        `${fixed(c.peakMiB)} MiB`,
        c.exit,
        verdict(c.healthCalls === c.acked - c.partialRejected && c.summaryRequests === c.acked - c.partialRejected),
      ]),
    ),
  );
  return out.join('\n');
}

/** With BENCH_PROFILE=1: the running server's CPU per span by area, from its profile of the ingest rows. */
function accountingReport(checks: IngestCheck[]): string {
  const out = [
    "## Where the running server's CPU per span goes (BENCH_PROFILE=1: llmtop's --cpu-prof over its ingest rows, warm-up included; bench/profile-accounting.ts)",
    '',
    "Each sample goes to the deepest of llmtop's own frames on its stack (a library counts for the room that calls it; Node's and native frames are transparent), else to what Node was doing. The profiler samples wall time, so CPU taken by other processes inflates every row alike.",
  ];
  for (const c of checks) {
    const [main, ...others] = profilesOf(`llmtop-ingest-${c.encoding}`);
    if (!main || main.thread !== 0) continue;
    out.push('', `${c.encoding}: ${int(c.acked)} spans acknowledged`, '', accountingTable(accountProfile(main.file, c.acked), c.acked));
    // The store writer commits, and the checkpoint worker copies the log into the database, off the event loop.
    for (const o of others) {
      const a = accountProfile(o.file, c.acked);
      if (fs.readFileSync(o.file, 'utf8').includes('store/writer-thread.js'))
        out.push('', `The store writer thread (${fixed((a.busySeconds * 1e6) / Math.max(1, c.acked))} µs of CPU a span, off the event loop):`, '', accountingTable(a, c.acked));
      else out.push('', `Besides, thread ${o.thread} (the WAL checkpoint worker): ${fixed((a.busySeconds * 1e6) / Math.max(1, c.acked))} µs of CPU a span, off the event loop.`);
    }
  }
  return out.join('\n');
}

function stagesReport(dir: string): string {
  const results: StageTimes[] = [];
  for (const encoding of ['protobuf', 'json'] as const) {
    log(`${encoding}: ingest stages in one process, ${CFG.stageRequests} requests`);
    const opts = { dir, spansPerBatch: CFG.spansPerBatch, requestsPerCommit: 4 };
    measureStages(encoding, { ...opts, requests: Math.max(20, Math.round(CFG.stageRequests / 4)) }); // warm-up
    results.push(measureStages(encoding, { ...opts, requests: CFG.stageRequests }));
  }
  const names = Object.keys(results[0]!.perSpanUs);
  const floor = minimalInserts(dir);
  return [
    `## Where llmtop's time per span goes: the ingest path in one process, no HTTP (${int(results[0]!.spans)} spans, 4 requests per commit, CPU µs per span)`,
    '',
    table(
      ['body', ...names, 'total', 'spans/s on one core', 'decode share'],
      results.map((r) => {
        const total = Object.values(r.perSpanUs).reduce((a, b) => a + b, 0);
        return [r.encoding, ...names.map((n) => fixed(r.perSpanUs[n]!)), fixed(total), int(1e6 / total), `${fixed((100 * r.perSpanUs.decode!) / total, 0)}%`];
      }),
    ),
    '',
    'HTTP, body reading and the event loop come on top of these; the decode-only receiver pays only for decode (and HTTP).',
    '',
    ...results.flatMap((r) =>
      r.decodersAloneUs
        ? [
            `Protobuf decode alone, the same ${int(r.spans)} spans, the two decoders in turns: ${fixed(r.decodersAloneUs.decoder)} µs a span with protobufjs's Reader straight into the decoded shape, ${fixed(r.decodersAloneUs.reference)} with the reference it replaced (the generated decode(), then a walk of its objects; protobuf-reference.ts).`,
            '',
          ]
        : [],
    ),
    `The search index (prompt, response and error in FTS5): the same commits to a store without it, in the same run: ${results
      .map((r) => {
        const total = Object.values(r.perSpanUs).reduce((a, b) => a + b, 0);
        const without = total - r.perSpanUs['store commit']! + r.commitWithoutSearchUs;
        return `${r.encoding} ${fixed(r.perSpanUs['store commit']!)} µs a span against ${fixed(r.commitWithoutSearchUs)} (the whole path ${fixed(total)} against ${fixed(without)}: ingest at ${fixed(without / total, 2)} of its speed without the index)`;
      })
      .join('; ')}.`,
    '',
    `What SQLite costs at the least here (better-sqlite3, WAL, synchronous=NORMAL, 400 rows a transaction, one prepared statement, no RETURNING), CPU µs a row: ${floor.map((f) => `${f.name} ${fixed(f.us)}`).join('; ')}.`,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------

interface QueryRow {
  name: string;
  note: string;
  median: number;
  p95: number;
  target: boolean;
  bytes: number;
}

interface MemoryRow {
  stage: string;
  hwm: number;
  rss: number;
}

async function timeQuery(port: number, name: string, method: string, url: string, body: unknown, target: boolean): Promise<QueryRow> {
  const probe = await request(port, method, url, body);
  if (probe.status === 404) return { name, note: 'not built (404)', median: NaN, p95: NaN, target, bytes: 0 };
  if (probe.status !== 200) return { name, note: `answered ${probe.status}: ${probe.body.slice(0, 120)}`, median: NaN, p95: NaN, target, bytes: 0 };
  await request(port, method, url, body);
  const times: number[] = [];
  const repeats = target ? CFG.queryRepeats : Math.min(5, CFG.queryRepeats);
  for (let i = 0; i < repeats; i++) times.push((await request(port, method, url, body)).ms);
  return { name, note: '', median: quantile(times, 0.5), p95: quantile(times, 0.95), target, bytes: probe.body.length };
}

function queryBody(type: 'timeseries' | 'aggregate'): Record<string, unknown> {
  const endTs = new Date().toISOString();
  const startTs = new Date(Date.now() - 300_000).toISOString();
  return type === 'timeseries'
    ? {
        startTs,
        endTs,
        type,
        interval: '1 minute',
        aggregations: [{ type: 'count' }, { type: 'p95', column: 'durationMs' }, { type: 'sum', column: 'costUsd' }],
        groupBy: ['model'],
        filters: [],
      }
    : {
        startTs,
        endTs,
        type,
        aggregations: [{ type: 'count' }, { type: 'p95', column: 'durationMs' }, { type: 'avg', column: 'ttftMs' }, { type: 'sum', column: 'costUsd' }],
        groupBy: ['provider'],
        filters: [{ fieldName: 'status', operator: 'EQUAL', value: 'ok' }],
      };
}

/**
 * A store of CFG.calls calls: all but CFG.windowCalls written straight to the db file (spread
 * over the hours before the window), then llmtop started on it with the ring sized to fit, then
 * the last CFG.windowCalls sent as OTLP, so that they are in the 5m window when it is queried
 * however long llmtop takes to start. Then the queries, then more spans through the full ring.
 */
async function queriesAndMemory(tmp: string): Promise<string> {
  const db = path.join(tmp, 'million.db');
  const oldCalls = CFG.calls - CFG.windowCalls;
  log(`writing ${int(oldCalls)} calls to a db file (spread over the ${CFG.oldHours} h before the last 5 minutes)`);
  const fillSeconds = fillStore({ db, calls: oldCalls, windowCalls: 0, windowSpanMs: 300_000, oldSpanMs: CFG.oldHours * 3600_000, nowMs: Date.now() });
  const dbMiB = ['', '-wal'].reduce((n, s) => n + (fs.existsSync(db + s) ? fs.statSync(db + s).size : 0), 0) / 2 ** 20;
  log(`written in ${fixed(fillSeconds)} s (${fixed(dbMiB)} MiB on disk); starting llmtop --max-calls ${CFG.calls} on it`);

  const llmtop = await startLlmtop('llmtop-million', db, CFG.calls, CFG.startTimeoutSeconds * 1000);
  const memory: MemoryRow[] = [];
  const snap = (stage: string) => memory.push({ stage, ...memoryMiB(llmtop.pid) });
  snap(`listening on ${int(oldCalls)} stored calls (${fixed(llmtop.startMs / 1000)} s after spawn)`);

  log(`sending the last ${int(CFG.windowCalls)} calls as OTLP protobuf`);
  const traffic = makeTraffic('protobuf', { batches: CFG.distinctBatches, spansPerBatch: CFG.spansPerBatch });
  const ids = new IdSource();
  const windowLoad = await measure(llmtop, traffic, ids, 600, { maxSpans: CFG.windowCalls });
  snap(`ring full: ${int(oldCalls + windowLoad.load.ackedSpans)} calls`);

  const inWindow = (await getJson<{ totals: { requests: number } }>(llmtop.port, '/api/v1/summary?window=5m')).totals.requests;
  const queries: QueryRow[] = [];
  log(`${int(inWindow)} calls in the 5m window; timing queries, ${CFG.queryRepeats} of each`);
  queries.push(await timeQuery(llmtop.port, 'GET /api/v1/summary?window=5m', 'GET', '/api/v1/summary?window=5m', undefined, true));
  queries.push(await timeQuery(llmtop.port, 'GET /api/v1/summary?window=5m&groupBy=service', 'GET', '/api/v1/summary?window=5m&groupBy=service', undefined, true));
  queries.push(
    await timeQuery(llmtop.port, 'GET /api/v1/summary?window=5m&service=support-bot', 'GET', '/api/v1/summary?window=5m&service=support-bot', undefined, true),
  );
  queries.push(await timeQuery(llmtop.port, 'POST /api/v1/query timeseries 5m, 1 minute, by model', 'POST', '/api/v1/query', queryBody('timeseries'), true));
  queries.push(await timeQuery(llmtop.port, 'POST /api/v1/query aggregate 5m, by provider, status = ok', 'POST', '/api/v1/query', queryBody('aggregate'), true));
  queries.push(await timeQuery(llmtop.port, 'GET /api/v1/summary?window=24h (every call)', 'GET', '/api/v1/summary?window=24h', undefined, false));
  queries.push(await timeQuery(llmtop.port, 'GET /api/v1/calls?limit=100', 'GET', '/api/v1/calls?limit=100', undefined, false));
  // Full-text search over the whole store: one call's own number (selective), and a word every call holds.
  const one = Math.floor(oldCalls / 2);
  queries.push(await timeQuery(llmtop.port, `GET /api/v1/calls?q=${one} (search, 1 call of ${int(oldCalls + windowLoad.load.ackedSpans)})`, 'GET', `/api/v1/calls?q=${one}&limit=100`, undefined, true));
  queries.push(await timeQuery(llmtop.port, 'GET /api/v1/calls?q=refund&limit=100 (search, a word of every stored call: counts them all)', 'GET', '/api/v1/calls?q=refund&limit=100', undefined, false));
  // Sessions, added up in SQL over each session's whole history: 7 calls in 10 of the stored ones are in one of some 40 calls.
  queries.push(await timeQuery(llmtop.port, 'GET /api/v1/sessions?window=1h (the sessions of the last hour)', 'GET', '/api/v1/sessions?window=1h', undefined, true));
  const sessionId = `session-${Math.floor(one / 400)}-0`;
  queries.push(await timeQuery(llmtop.port, `GET /api/v1/sessions/${sessionId} (one session, its turns)`, 'GET', `/api/v1/sessions/${sessionId}`, undefined, true));
  queries.push(await timeQuery(llmtop.port, 'GET /api/v1/sessions?window=24h&sort=cost (every session of the day)', 'GET', '/api/v1/sessions?window=24h&sort=cost', undefined, false));
  snap('after the queries');

  log(`ring full: sending ${int(CFG.churnSpans)} more spans, each commit trims the oldest`);
  const churn = await measure(llmtop, traffic, ids, 600, { maxSpans: CFG.churnSpans });
  snap(`after ${int(churn.load.ackedSpans)} more spans through the full ring`);
  const health = await getJson<{ calls?: number }>(llmtop.port, '/healthz');
  const exit = await stopServer(llmtop);

  const windowNote =
    inWindow < CFG.windowCalls * 0.99 ? ` (wanted ${int(CFG.windowCalls)}: only ${int(windowLoad.load.ackedSpans)} were acknowledged, or some left the window)` : '';
  const out = [
    `## Queries: ${int(oldCalls + windowLoad.load.ackedSpans)} calls in the store, ${int(inWindow)} in the 5m window${windowNote}, the rest spread over the ${CFG.oldHours} h before it; ${CFG.queryRepeats} sequential requests each after 2 untimed (5 for the rows for scale)`,
    '',
    table(
      ['query', 'median ms', 'p95 ms', 'answer size', `target: p95 < ${TARGET.queryMs} ms`],
      queries.map((q) => [
        q.name,
        q.note || fixed(q.median),
        q.note ? '' : fixed(q.p95),
        q.note ? '' : `${fixed(q.bytes / 1024)} KiB`,
        q.note ? (q.target ? 'FAIL' : '') : q.target ? verdict(q.p95 < TARGET.queryMs) : '(for scale)',
      ]),
    ),
    '',
    `The ${int(oldCalls)} older calls were written with CallStore in ${fixed(fillSeconds)} s (${fixed(dbMiB)} MiB on disk, a short prompt and response each); llmtop took ${fixed(llmtop.startMs / 1000)} s from spawn to listening on them. The ${int(CFG.windowCalls)} recent ones came in over OTLP at ${int(spansPerSecond(windowLoad))} spans/s (refused: ${refused(windowLoad.load)}).`,
    '',
    `## Memory: llmtop --max-calls ${int(CFG.calls)}, peak RSS read from /proc/PID/status`,
    '',
    table(
      ['stage', 'peak RSS so far (VmHWM)', 'RSS now (VmRSS)', `target: peak < ${TARGET.rssMiB} MiB`],
      memory.map((m) => [m.stage, `${fixed(m.hwm)} MiB`, `${fixed(m.rss)} MiB`, verdict(m.hwm < TARGET.rssMiB)]),
    ),
    '',
    `Ingest with the ring full: ${int(spansPerSecond(churn))} spans/s (server CPU ${fixed(100 * churn.serverCpu, 0)}%, p99 ${fixed(quantile(churn.load.latenciesMs, 0.99))} ms), refused: ${refused(churn.load)}; calls kept afterwards: ${int(health.calls ?? NaN)} (capacity ${int(CFG.calls)}: ${verdict(health.calls === CFG.calls)}); shutdown: ${exit.killed ? 'SIGKILLed after 20 s' : exit.code === 0 ? 'clean' : `code ${exit.code}`}.`,
  ];
  for (const s of ['', '-wal', '-shm']) fs.rmSync(db + s, { force: true });
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------

/** How busy the rest of the machine is, in cores, over one second. */
async function otherLoad(): Promise<number> {
  const busy0 = machineBusySeconds();
  const self0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, 1000));
  const self = process.cpuUsage(self0);
  return Math.max(0, machineBusySeconds() - busy0 - (self.user + self.system) / 1e6);
}

async function waitQuiet(): Promise<string> {
  const until = performance.now() + CFG.waitQuietSeconds * 1000;
  let load = await otherLoad();
  while (load > 0.5 && performance.now() < until) {
    log(`other processes use ${fixed(100 * load, 0)}% of a core; waiting for quiet (BENCH_WAIT_QUIET_SECONDS)`);
    await new Promise((r) => setTimeout(r, 4000));
    load = await otherLoad();
  }
  return `other processes used ${fixed(100 * load, 0)}% of a core when it started`;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = performance.now();
  const watchdog = setTimeout(() => {
    log(`over the ${CFG.timeoutSeconds} s limit (BENCH_TIMEOUT_SECONDS): stopping`);
    killAll();
    process.exit(1);
  }, CFG.timeoutSeconds * 1000);
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.on(sig, () => {
      killAll();
      process.exit(130);
    });

  const build = ensureBuilt();
  const quiet = await waitQuiet();
  if (PROFILE) {
    fs.mkdirSync(PROFILE_DIR, { recursive: true });
    for (const f of fs.readdirSync(PROFILE_DIR)) if (/^(decode-only|llmtop)-/.test(f)) fs.rmSync(path.join(PROFILE_DIR, f), { recursive: true });
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-bench-'));
  const sections: string[] = [];
  try {
    if (ONLY.has('ingest')) {
      const { rows, checks } = await ingestBench(tmp);
      sections.push(ingestReport(rows, checks));
      if (PROFILE) sections.push(accountingReport(checks));
    }
    if (ONLY.has('stages')) sections.push(stagesReport(tmp));
    if (ONLY.has('queries') || ONLY.has('memory')) sections.push(await queriesAndMemory(tmp));
    if (ONLY.has('sessions')) {
      const { runSessionsBench } = await import('./sessions.js');
      sections.push(runSessionsBench({ quick: QUICK }));
    }
    if (ONLY.has('proxy')) {
      const { runProxyBench } = await import('./proxy.js');
      sections.push(await runProxyBench({ quick: QUICK }));
    }
    if (ONLY.has('tui')) {
      const tui = await import('./tui.js');
      sections.push(['## TUI (bench/tui.ts)', '', '```', tui.formatRows(await tui.runTuiBench({ quick: QUICK })), '```'].join('\n'));
    }
  } finally {
    closeAgent();
    killAll();
    if (process.env.BENCH_KEEP !== '1') fs.rmSync(tmp, { recursive: true, force: true });
    clearTimeout(watchdog);
  }

  const report = [
    `# llmtop bench${QUICK ? ' (quick run: BENCH_QUICK=1, smaller sizes)' : ''}`,
    '',
    `- machine: ${machine()}`,
    `- command: \`${command()}\``,
    `- code: ${revision()}; ${build}; ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; ${fixed((performance.now() - started) / 1000, 0)} s in all`,
    `- every receiver is a child process on 127.0.0.1; the load generator runs in the bench process, on the same machine; ${quiet}`,
    '',
    ...sections.flatMap((s) => [s, '']),
  ].join('\n');
  process.stdout.write(`\n${report}`);
  fs.writeFileSync(OUT, report);
  log(`written to ${path.relative(ROOT, OUT)}`);

  if (PROFILE) {
    for (const name of fs.readdirSync(PROFILE_DIR).sort()) {
      for (const p of profilesOf(name)) process.stdout.write(`\n${name}, thread ${p.thread}:\n${summarizeProfile(p.file)}\n`);
    }
    log(`CPU profiles in ${PROFILE_DIR}`);
  }
}

main().catch((err: unknown) => {
  killAll();
  process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
