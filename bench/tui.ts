import { execFileSync, spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fillStore } from './fill.js';
import { CONTENT_TYPE, IdSource, makeTraffic, type Traffic } from './load.js';
import { summarizeProfile } from './profile-top.js';
import type { FrameResult, Stat } from './tui-frame.js';

/*
 * The TUI benchmark of issue 3: CPU of the real built CLI (bin/llmtop.js) in a real terminal
 * (tmux, 140x45), idle and while 1,000 calls a second arrive, against the same load sent to
 * `--headless` (rendering on top of ingest = TUI - headless); and the frame time with 100 models
 * and 100,000 calls in the window (bench/tui-frame.ts, in-process). Loopback only; every tmux
 * session runs on a private tmux server (-L) that is killed at the end, temp files removed.
 *
 *   npx tsx bench/tui.ts                  full run, about 2.5 minutes
 *   BENCH_QUICK=1 npx tsx bench/tui.ts    quick run (shorter load, no headless idle), about 70 s
 *
 * CPU is utime+stime of the pane's process from /proc/<pid>/stat over an interval, in percent
 * of one core; "rest of machine" is what everything else used meanwhile (compare runs made on a
 * quiet machine). Under load, 100-span OTLP/protobuf batches are posted every 100 ms over
 * keep-alive; the store starts with BENCH_TUI_PREFILL calls in the window, so that the ring
 * (100,000 by default) is full and the window as large as 1,000 calls/s keeps it.
 *
 * Settings: BENCH_TUI_LOAD_SECONDS, BENCH_TUI_IDLE_SECONDS, BENCH_TUI_RATE (calls/s, 1000),
 * BENCH_TUI_PREFILL (calls already in the 5m window when llmtop starts, 100000: the ring's
 * default size, what 1,000 calls/s holds it at), BENCH_TUI_FRAMES, BENCH_TUI_PROFILE=1 (run
 * the TUI, headless and frame processes with --cpu-prof and print where their time went),
 * BENCH_TUI_KEEP=1 (keep the temp dir), BENCH_TUI_SCREEN=1 (print the TUI's screen under load),
 * BENCH_BUILD=0 (never rebuild dist/).
 */

export interface BenchRow {
  name: string;
  value: string;
  target: string;
  ok: boolean;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'llmtop.js');
const FRAME_SCRIPT = path.join(ROOT, 'bench', 'tui-frame.ts');
const COLUMNS = 140;
const ROWS = 45;
const SPANS_PER_BATCH = 100;

const TARGET = { idlePercent: 1, renderPercent: 25 };

const log = (msg: string) => process.stderr.write(`bench tui: ${msg}\n`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const pct = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)}%`;
const ms = (x: number) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;
const int = (n: number) => Math.round(n).toLocaleString('en-US');

function envNumber(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const v = Number(text);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name}=${text} is not a number`);
  return v;
}

interface Settings {
  quick: boolean;
  rate: number;
  warmSeconds: number;
  loadSeconds: number;
  settleSeconds: number;
  idleSeconds: number;
  prefill: number;
  frames: number;
  headlessIdle: boolean;
  profile: boolean;
  keep: boolean;
}

function settings(quick: boolean): Settings {
  return {
    quick,
    rate: envNumber('BENCH_TUI_RATE', 1000),
    warmSeconds: quick ? 2 : 3,
    loadSeconds: envNumber('BENCH_TUI_LOAD_SECONDS', quick ? 8 : 20),
    settleSeconds: quick ? 2 : 3,
    // An idle dashboard re-reads about every 8-10 s (src/views/hooks/use-snapshot.ts): 20 s
    // holds two or three such reads; shorter runs swing with whether one more fell inside.
    idleSeconds: envNumber('BENCH_TUI_IDLE_SECONDS', 20),
    prefill: envNumber('BENCH_TUI_PREFILL', 100_000),
    frames: envNumber('BENCH_TUI_FRAMES', quick ? 20 : 40),
    headlessIdle: !quick,
    profile: process.env.BENCH_TUI_PROFILE === '1',
    keep: process.env.BENCH_TUI_KEEP === '1',
  };
}

/** What to kill and remove if the run stops early. */
const cleanups = new Set<() => void>();
function cleanupAll(): void {
  // Last registered first: processes before the directory they write to.
  for (const c of [...cleanups].reverse()) {
    try {
      c();
    } catch {
      // best effort
    }
  }
  cleanups.clear();
}

// --- /proc ------------------------------------------------------------------------------------

let ticksPerSecond = 0;
function clockTicks(): number {
  if (ticksPerSecond === 0) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** utime + stime of a process (all its threads), seconds. */
function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name in parentheses, which may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks();
}

/** Busy CPU seconds of the whole machine, all cores. */
function machineBusySeconds(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const [, ...ticks] = line.trim().split(/\s+/).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = ticks;
  return (user + nice + system + irq + softirq + steal) / clockTicks();
}

function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\S+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

interface Sample {
  at: number;
  target: number;
  tmux: number;
  machine: number;
  self: number;
}

function sample(pid: number, tmuxPid: number): Sample {
  const self = process.cpuUsage();
  return { at: performance.now(), target: cpuSeconds(pid), tmux: cpuSeconds(tmuxPid), machine: machineBusySeconds(), self: (self.user + self.system) / 1e6 };
}

interface Usage {
  seconds: number;
  /** Percent of one core. */
  target: number;
  tmux: number;
  bench: number;
  /** The rest of the machine: everything but the process under test, tmux and this bench. */
  rest: number;
}

function usage(a: Sample, b: Sample): Usage {
  const s = (b.at - a.at) / 1000;
  const p = (x: number) => (100 * x) / s;
  const target = b.target - a.target;
  const tmux = b.tmux - a.tmux;
  const bench = b.self - a.self;
  return { seconds: s, target: p(target), tmux: p(tmux), bench: p(bench), rest: p(Math.max(0, b.machine - a.machine - target - tmux - bench)) };
}

// --- tmux, on a private server ----------------------------------------------------------------

class Terminal {
  readonly socket = `llmtop-bench-${crypto.randomBytes(4).toString('hex')}`;
  readonly session = 'bench';
  pid = 0;
  serverPid = 0;

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  start(command: string): void {
    this.tmux('new-session', '-d', '-s', this.session, '-x', String(COLUMNS), '-y', String(ROWS), command);
    this.tmux('set-option', '-t', this.session, 'remain-on-exit', 'on');
    this.pid = Number(this.tmux('display-message', '-p', '-t', this.session, '#{pane_pid}').trim());
    this.serverPid = Number(this.tmux('display-message', '-p', '-t', this.session, '#{pid}').trim());
    // bin/llmtop.js starts itself again (process.execve): while it does, the pane's cmdline reads empty.
    const readCmdline = () => fs.readFileSync(`/proc/${this.pid}/cmdline`, 'utf8').split('\0').join(' ');
    const pause = new Int32Array(new SharedArrayBuffer(4));
    let cmdline = readCmdline();
    for (let i = 0; i < 100 && !cmdline.includes('llmtop.js'); i++) {
      Atomics.wait(pause, 0, 0, 20);
      cmdline = readCmdline();
    }
    if (!cmdline.includes('llmtop.js')) throw new Error(`the pane runs "${cmdline}", not llmtop`);
  }

  screen(): string {
    try {
      return this.tmux('capture-pane', '-p', '-t', this.session);
    } catch {
      return '';
    }
  }

  async waitFor(predicate: (screen: string) => boolean, what: string, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = this.screen();
      if (predicate(last)) return last;
      if (this.pid && !alive(this.pid)) break;
      await sleep(200);
    }
    throw new Error(`timed out waiting for ${what}; the screen was:\n${last}`);
  }

  /** SIGTERM (a clean exit, so that --cpu-prof writes its profile), then the server. */
  async stop(): Promise<void> {
    if (this.pid && alive(this.pid)) {
      try {
        process.kill(this.pid, 'SIGTERM');
      } catch {
        // gone
      }
      const deadline = Date.now() + 15_000;
      while (alive(this.pid) && Date.now() < deadline) await sleep(100);
      if (alive(this.pid)) process.kill(this.pid, 'SIGKILL');
    }
    this.kill();
  }

  kill(): void {
    let socketPath = '';
    try {
      socketPath = this.tmux('display-message', '-p', '#{socket_path}').trim();
    } catch {
      // no server
    }
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
    if (socketPath) fs.rmSync(socketPath, { force: true });
  }
}

// --- the load: OTLP/protobuf batches of GenAI spans at a steady rate ---------------------------

interface Paced {
  batches: number;
  acked: number;
  refused: number;
  failed: number;
  /** Batches not sent because 8 were already in flight. */
  skipped: number;
}

function post(agent: http.Agent, port: number, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/traces',
        headers: { 'Content-Type': CONTENT_TYPE.protobuf, 'Content-Length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}

/** A batch of `spansPerBatch` spans every spansPerBatch/rate seconds, over keep-alive, for `seconds`. */
function pacedLoad(port: number, traffic: Traffic, ids: IdSource, rate: number, seconds: number): { result: Paced; done: Promise<Paced> } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const result: Paced = { batches: 0, acked: 0, refused: 0, failed: 0, skipped: 0 };
  const intervalMs = (1000 * traffic.spansPerBatch) / rate;
  const inFlight = new Set<Promise<void>>();
  const run = async () => {
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    for (let k = 0; ; k++) {
      const due = t0 + k * intervalMs;
      if (due >= end) break;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      if (inFlight.size >= 8) {
        result.skipped++;
        continue;
      }
      const t = traffic.templates[k % traffic.templates.length]!;
      const body = Buffer.from(t.body);
      ids.patch(t, body, traffic.encoding);
      result.batches++;
      const p: Promise<void> = post(agent, port, body).then(
        (status) => {
          if (status === 200) result.acked += t.spans;
          else if (status === 429 || status === 503) result.refused += t.spans;
          else result.failed += t.spans;
        },
        () => {
          result.failed += t.spans;
        },
      );
      const tracked = p.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    }
    await Promise.all(inFlight);
    agent.destroy();
    return result;
  };
  return { result, done: run() };
}

// --- helpers ----------------------------------------------------------------------------------

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

function getJson<T>(port: number, urlPath: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`GET ${urlPath}: ${res.statusCode}`));
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T);
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`GET ${urlPath}: no answer within 30 s`)));
    req.on('error', reject);
  });
}

async function waitHealthy(port: number, term: Terminal, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await getJson(port, '/healthz');
      return;
    } catch {
      if (!alive(term.pid)) break;
      await sleep(200);
    }
  }
  throw new Error(`llmtop did not answer /healthz within ${timeoutMs} ms; the screen was:\n${term.screen()}`);
}

async function windowCalls(port: number): Promise<number> {
  const s = await getJson<{ totals: { requests: number } }>(port, '/api/v1/summary?window=5m');
  return s.totals.requests;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** llmtop runs from dist/, as users run it: build it when src/ is newer. */
function ensureBuilt(): string {
  const cli = path.join(ROOT, 'dist', 'cli.js');
  const stale = !fs.existsSync(cli) || newestMtime(path.join(ROOT, 'src')) > fs.statSync(cli).mtimeMs;
  if (!stale) return 'dist/ up to date';
  if (process.env.BENCH_BUILD === '0') return 'dist/ older than src/ (BENCH_BUILD=0: not rebuilt)';
  log('src/ is newer than dist/: npm run build');
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) log(`npm run build failed; running what dist/ holds:\n${(r.stdout + r.stderr).trim().split('\n').slice(-10).join('\n')}`);
  return r.status === 0 ? 'dist/ rebuilt' : 'dist/ build failed (ran the old dist/)';
}

/** The main thread's profile (the largest: tsx's loader thread writes one too), summarized. */
function profileSummary(dir: string): string | null {
  if (!fs.existsSync(dir)) return null;
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f))
    .sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
  return files[0] ? summarizeProfile(files[0], 25) : null;
}

function copyDb(from: string, to: string): void {
  for (const suffix of ['', '-wal', '-shm']) if (fs.existsSync(from + suffix)) fs.copyFileSync(from + suffix, to + suffix);
}

// --- the runs ---------------------------------------------------------------------------------

interface ProcessRun {
  load: Usage;
  loadRate: number;
  paced: Paced;
  idle: Usage | null;
  windowCalls: number;
  screen: string;
  profile: string | null;
}

async function runProcess(kind: 'tui' | 'headless', s: Settings, dir: string, templateDb: string, stopAt: number): Promise<ProcessRun> {
  const db = path.join(dir, `${kind}.db`);
  copyDb(templateDb, db);
  const port = await freePort();
  const profDir = path.join(dir, `prof-${kind}`);
  const nodeArgs = s.profile ? `--cpu-prof --cpu-prof-dir=${profDir} ` : '';
  const flags = kind === 'headless' ? ' --headless' : '';
  const stderrFile = path.join(dir, `${kind}.stderr`);
  const term = new Terminal();
  cleanups.add(() => term.kill());
  try {
    term.start(`exec node ${nodeArgs}${BIN} --port ${port} --grpc-port 0 --db ${db}${flags} 2>${stderrFile}`);
    await waitHealthy(port, term, 60_000);
    if (kind === 'tui') await term.waitFor((x) => x.includes('LOG') && x.includes('PROVIDER/MODEL'), 'the dashboard', 60_000);
    else await term.waitFor((x) => x.includes('listening on'), 'the listening line', 10_000);
    await sleep(s.settleSeconds * 1000);

    // Under load: the same traffic for both processes, measured after a warm-up.
    log(`${kind}: ${s.rate} calls/s for ${s.warmSeconds + s.loadSeconds} s (measured over the last ${s.loadSeconds} s)`);
    const traffic = makeTraffic('protobuf', { batches: 16, spansPerBatch: SPANS_PER_BATCH });
    const load = pacedLoad(port, traffic, new IdSource(), s.rate, s.warmSeconds + s.loadSeconds + 0.3);
    await sleep(s.warmSeconds * 1000);
    const a = sample(term.pid, term.serverPid);
    const ackedA = load.result.acked;
    await sleep(s.loadSeconds * 1000);
    const b = sample(term.pid, term.serverPid);
    const ackedB = load.result.acked;
    const paced = await load.done;
    const loadUsage = usage(a, b);
    const screen = term.screen();
    if (kind === 'tui' && !screen.includes('LOG')) throw new Error(`the TUI is not showing the dashboard under load:\n${screen}`);

    // Idle: no traffic, after the last calls were committed and drawn.
    let idle: Usage | null = null;
    if (kind === 'tui' || s.headlessIdle) {
      if (performance.now() + (s.settleSeconds + s.idleSeconds) * 1000 > stopAt) log(`${kind}: skipping the idle measurement (time limit)`);
      else {
        log(`${kind}: idle for ${s.idleSeconds} s`);
        await sleep(s.settleSeconds * 1000);
        const c = sample(term.pid, term.serverPid);
        await sleep(s.idleSeconds * 1000);
        idle = usage(c, sample(term.pid, term.serverPid));
      }
    }
    const calls = await windowCalls(port);
    await term.stop();
    let profile: string | null = null;
    if (s.profile) profile = profileSummary(profDir);
    return { load: loadUsage, loadRate: (ackedB - ackedA) / loadUsage.seconds, paced, idle, windowCalls: calls, screen, profile };
  } catch (err) {
    const stderr = fs.existsSync(stderrFile) ? fs.readFileSync(stderrFile, 'utf8').trim() : '';
    throw new Error(`${kind}: ${(err as Error).message}${stderr ? `\nstderr: ${stderr.slice(-2000)}` : ''}`);
  } finally {
    term.kill();
  }
}

/** As bin/llmtop.js runs in a terminal: React's production build, Ink drawing every frame even under CI. */
function runFrames(s: Settings, dir: string): Promise<{ result: FrameResult; profile: string | null }> {
  const profDir = path.join(dir, 'prof-frame');
  const args = ['--import', 'tsx', ...(s.profile ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []), FRAME_SCRIPT, `--frames=${s.frames}`, `--reps=${s.quick ? 10 : 20}`, `--max-seconds=${s.quick ? 30 : 60}`];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, NODE_ENV: 'production', CI: 'false', CONTINUOUS_INTEGRATION: 'false' }, stdio: ['ignore', 'pipe', 'pipe'] });
    cleanups.add(() => child.kill('SIGKILL'));
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('TUI-FRAME '));
      if (code !== 0 || !line) return reject(new Error(`tui-frame exited ${code}: ${err.trim().slice(-2000)}`));
      let profile: string | null = null;
      if (s.profile) profile = profileSummary(profDir);
      resolve({ result: JSON.parse(line.slice('TUI-FRAME '.length)) as FrameResult, profile });
    });
  });
}

const medP95 = (x: Stat) => `median ${ms(x.median)}, p95 ${ms(x.p95)}`;

export async function runTuiBench(opts: { quick: boolean }): Promise<BenchRow[]> {
  const s = settings(opts.quick);
  const stopAt = performance.now() + (s.quick ? 150 : 360) * 1000;
  const build = ensureBuilt();
  log(`${build}; ${os.cpus().length} cores; ${s.quick ? 'quick' : 'full'} run`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-bench-tui-'));
  const removeDir = () => {
    if (s.keep) log(`kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  };
  const rows: BenchRow[] = [];
  try {
    cleanups.add(removeDir);
    const templateDb = path.join(dir, 'template.db');
    log(`filling a store with ${int(s.prefill)} calls in the last 2 minutes`);
    fillStore({ db: templateDb, calls: s.prefill, windowCalls: s.prefill, windowSpanMs: 120_000, oldSpanMs: 120_000, nowMs: Date.now() });

    const tui = await runProcess('tui', s, dir, templateDb, stopAt);
    const headless = await runProcess('headless', s, dir, templateDb, stopAt);
    log(`frames: ${s.frames} frames of <App> at ${COLUMNS}x${ROWS}, 100 models, 100,000 calls`);
    const frames = await runFrames(s, dir);

    const render = tui.load.target - headless.load.target;
    // The sampling profiler costs CPU of its own: the CPU rows are not comparable when profiled.
    const note = s.profile ? ' [profiled: CPU inflated]' : '';
    const rateOk = (r: number) => r >= s.rate * 0.95;
    const rest = (u: Usage) => `rest of machine ${pct(u.rest)}`;
    if (tui.idle) {
      rows.push({
        name: `TUI idle CPU (${int(tui.windowCalls)} calls in the 5m window, ${Math.round(tui.idle.seconds)} s)${note}`,
        value: `${pct(tui.idle.target)} of a core (tmux ${pct(tui.idle.tmux)}, ${rest(tui.idle)})`,
        target: `< ${TARGET.idlePercent}%`,
        ok: tui.idle.target < TARGET.idlePercent,
      });
    }
    if (headless.idle) {
      rows.push({ name: `headless idle CPU (${Math.round(headless.idle.seconds)} s)${note}`, value: `${pct(headless.idle.target)} of a core`, target: 'info', ok: true });
    }
    rows.push({
      name: `TUI CPU at ${int(s.rate)} calls/s (${Math.round(tui.load.seconds)} s)${note}`,
      value: `${pct(tui.load.target)} of a core (tmux ${pct(tui.load.tmux)}, ${rest(tui.load)})`,
      target: 'info',
      ok: true,
    });
    rows.push({
      name: `headless CPU at ${int(s.rate)} calls/s (${Math.round(headless.load.seconds)} s)${note}`,
      value: `${pct(headless.load.target)} of a core (${rest(headless.load)})`,
      target: 'info',
      ok: true,
    });
    rows.push({
      name: `rendering on top of ingest (TUI - headless)${note}`,
      value: `${pct(render)} of a core`,
      target: `< ${TARGET.renderPercent}%`,
      ok: render < TARGET.renderPercent,
    });
    rows.push({
      name: 'load achieved (calls/s acked: TUI run, headless run)',
      value: `${int(tui.loadRate)}, ${int(headless.loadRate)}; refused ${int(tui.paced.refused + headless.paced.refused)}, failed ${int(tui.paced.failed + headless.paced.failed)}, not sent ${int(tui.paced.skipped + headless.paced.skipped)} batches`,
      target: `>= ${int(s.rate * 0.95)}`,
      ok: rateOk(tui.loadRate) && rateOk(headless.loadRate),
    });
    const f = frames.result;
    rows.push({
      name: `read: readSnapshot, ${f.models} models, ${int(f.calls)} calls (${f.groupsShown} groups)`,
      value: `${medP95(f.read.snapshot.wall)} (CPU median ${ms(f.read.snapshot.cpu.median)}); summary ${ms(f.read.summary.wall.median)}, series ${ms(f.read.series.wall.median)}, recent ${ms(f.read.recent.wall.median)}`,
      target: 'info',
      ok: true,
    });
    rows.push({
      name: `frame: ticker read + Ink render of <App>, ${COLUMNS}x${ROWS} (${f.frames.total.n} frames)`,
      value: `${medP95(f.frames.total)}; CPU ${medP95(f.frames.cpu)}`,
      target: 'info',
      ok: f.frames.total.n >= Math.min(5, s.frames),
    });
    rows.push({
      name: `  view CPU in that process (${f.models} models, ${int(f.calls)} calls, ${int(1000)} calls/s applied)`,
      value: `${pct(f.frames.viewCpuPercent)} of a core (${(f.frames.total.n / f.frames.seconds).toFixed(1)} frames/s; the calls' apply excluded)`,
      target: `info (cf. < ${TARGET.renderPercent}%)`,
      ok: true,
    });
    rows.push({
      name: '  of which the read (summary, series, recent)',
      value: medP95(f.frames.read),
      target: 'info',
      ok: true,
    });
    rows.push({
      name: '  of which the render (React, Yoga, Ink output, write)',
      value: `${medP95(f.frames.render)}; Ink's output alone ${medP95(f.frames.inkOutput)}; ${int(f.frames.bytes.median)} bytes written`,
      target: 'info',
      ok: true,
    });

    if (process.env.BENCH_TUI_SCREEN === '1') log(`the TUI's screen under load:\n${tui.screen}`);
    for (const [name, p] of [
      ['TUI process', tui.profile],
      ['headless process', headless.profile],
      ['frame process', frames.profile],
    ] as const) {
      if (p) log(`CPU profile, ${name}:\n${p}`);
    }
    return rows;
  } finally {
    cleanupAll(); // the processes, then the temp dir
  }
}

export function formatRows(rows: BenchRow[]): string {
  const head = ['measure', 'value', 'target', 'verdict'];
  const cells = rows.map((r) => [r.name, r.value, r.target, r.ok ? 'pass' : 'FAIL']);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const onSignal = () => {
    cleanupAll();
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  runTuiBench({ quick: process.env.BENCH_QUICK === '1' || process.argv.includes('--quick') }).then(
    (rows) => {
      process.stdout.write(`${formatRows(rows)}\n`);
      process.exitCode = rows.every((r) => r.ok) ? 0 : 1;
    },
    (err: unknown) => {
      cleanupAll();
      process.stderr.write(`bench tui: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
