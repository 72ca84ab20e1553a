import { EventEmitter } from 'node:events';
import { render } from 'ink';
import { createElement } from 'react';
import type { LlmCall } from '../src/domain/call.js';
import type { CallRef } from '../src/domain/changes.js';
import { LiveStats } from '../src/stats/live-stats.js';
import { App } from '../src/views/App.js';
import { type DataQuery, readSnapshot } from '../src/views/data.js';
import { computeLayout } from '../src/views/layout.js';
import type { DashboardSource } from '../src/views/source.js';

/*
 * Frame time of the TUI with 100 models and 100,000 calls in the 5m window, in one process: a
 * real LiveStats, the ticker's read (readSnapshot) timed alone, then the real <App> rendered by
 * Ink (the options of src/cli.tsx) to a fake 140x45 terminal while 1,000 calls a second arrive,
 * each frame timed from the ticker's first read to the end of the synchronous work (React,
 * Yoga, Ink's output, the write). Run by bench/tui.ts in a child with NODE_ENV=production, as
 * bin/llmtop.js runs; prints one JSON line (prefixed TUI-FRAME ) on stdout.
 *
 *   NODE_ENV=production node --import tsx bench/tui-frame.ts [--frames=N] [--reps=N] [--calls=N] [--models=N] [--rate=N]
 */

const COLUMNS = 140;
const ROWS = 45;
const WINDOW_MS = 300_000;
/** The ticker's query as App builds it at 140x45 (src/views/App.tsx). */
const LOG_LIMIT = 500;
/** src/app/config.ts LIMITS. */
const HORIZON_MS = 24 * 3600_000;
const RECENT_CAPACITY = 2000;

function arg(name: string, fallback: number): number {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  const v = hit ? Number(hit.slice(name.length + 3)) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name}: not a positive number`);
  return v;
}

const FRAMES = arg('frames', 20);
const CALLS = arg('calls', 100_000);
const MODELS = arg('models', 100);
/** Calls arriving per second while frames are timed, applied as the store's commits would be. */
const ARRIVALS_PER_SECOND = arg('rate', 1000);
const MAX_SECONDS = arg('max-seconds', 60);
/** Repetitions of each read timed alone. */
const REPS = arg('reps', 20);

const PROVIDERS = ['openai', 'anthropic', 'gcp.gemini', 'mistral_ai', 'aws.bedrock', 'groq', 'deepseek', 'cohere', 'xai', 'azure.ai.openai'];
const SERVICES = ['support-bot', 'search-api', 'summarizer', 'code-review-agent', 'ingest-worker'];

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

const r = rng(42);
let serial = 0;

function makeCall(timeMs: number): LlmCall {
  const i = serial++;
  const m = i % MODELS;
  const provider = PROVIDERS[m % PROVIDERS.length]!;
  const model = `${provider.split('.')[0]}-model-${String(m).padStart(3, '0')}`;
  const inputTokens = 50 + Math.floor(r() * 3000);
  const outputTokens = 10 + Math.floor(r() * 800);
  const stream = r() < 0.5;
  const failed = r() < 0.02;
  const hex = i.toString(16).padStart(16, '0');
  return {
    id: `f00df00df00df00d${hex}${hex}`,
    timeMs,
    traceId: `f00df00df00df00d${hex}`,
    spanId: hex,
    service: SERVICES[i % SERVICES.length]!,
    environment: i % 7 === 0 ? 'staging' : 'production',
    provider,
    model,
    operation: 'chat',
    durationMs: 200 + Math.round(r() * outputTokens * 20),
    ttftMs: stream ? 100 + Math.round(r() * 900) : null,
    inputTokens,
    outputTokens,
    cacheReadTokens: i % 3 === 0 ? Math.floor(inputTokens / 2) : 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costUsd: (inputTokens * 0.5 + outputTokens * 2) / 1e6,
    costSource: i % 4 === 0 ? 'estimated' : 'reported',
    status: failed ? 'error' : 'ok',
    error: failed ? 'RateLimitError' : null,
    errorType: null,
    finishReason: null,
    user: null,
    prompt: `Summarize support ticket #${i} in two sentences and tag its urgency: "My invoice for March was charged twice."`,
    response: `The customer reports a duplicate charge on invoice ${i} and asks for a refund of it. Urgency: high.`,
    source: 'openlit',
    sessionId: null,
    contextPercent: null,
  };
}

export interface Stat {
  median: number;
  p95: number;
  max: number;
  n: number;
}

function stat(xs: number[]): Stat {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => (s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!);
  return { median: q(0.5), p95: q(0.95), max: s[s.length - 1] ?? NaN, n: s.length };
}

export interface Timed {
  wall: Stat;
  cpu: Stat;
}

/** Wall and CPU milliseconds of `n` calls, after one to warm up. */
function timed(n: number, fn: () => void): Timed {
  fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: stat(wall), cpu: stat(cpu) };
}

export interface FrameResult {
  calls: number;
  models: number;
  groupsShown: number;
  applyUsPerCall: number;
  read: { snapshot: Timed; summary: Timed; series: Timed; recent: Timed };
  frames: {
    /** From the ticker's first read to the frame's last write (read + React + layout + output + write). */
    total: Stat;
    /** CPU time of the process over the frame (all threads: GC included), less the arrivals' work. */
    cpu: Stat;
    /** The reads of the source inside the frame. */
    read: Stat;
    /** total - read: React, Yoga, Ink's output and the write. */
    render: Stat;
    /** total - read - inkOutput: React's render and commit, Yoga's layout, the write. */
    react: Stat;
    /** Ink's own onRender timing: the tree to a string only. */
    inkOutput: Stat;
    /** Bytes written to the terminal per frame. */
    bytes: Stat;
    /** Ticks that read but drew nothing (same content). */
    skipped: number;
    seconds: number;
    /** CPU of the process while frames were timed, less the arrivals' apply: the view's share of a core. */
    viewCpuPercent: number;
    /** Ink renders outside a ticker's frame (a throttled trailing render, a resize; should be 0). */
    late: number;
  };
}

// --- the fake terminal ------------------------------------------------------------------------

class FakeStdout extends EventEmitter {
  readonly isTTY = true;
  readonly columns = COLUMNS;
  readonly rows = ROWS;
  bytes = 0;
  writes = 0;
  lastWriteAt = 0;
  lastFrame = '';
  write(data: string): boolean {
    this.bytes += Buffer.byteLength(data);
    this.writes++;
    this.lastWriteAt = performance.now();
    if (data.length > 200) this.lastFrame = data;
    return true;
  }
}

class FakeStdin extends EventEmitter {
  readonly isTTY = true;
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
  read(): null {
    return null;
  }
}

// --- the source, with each frame's reads timed -------------------------------------------------

interface OpenFrame {
  start: number;
  cpu: NodeJS.CpuUsage;
  readMs: number;
  /** Time spent applying arriving calls while the frame was open: not the frame's. */
  otherMs: number;
  renders: number;
  inkMs: number;
  bytesBefore: number;
  writesBefore: number;
}

/**
 * One frame: the ticker's read (summary, series, recent), then React's render and commit of the
 * new snapshot (scheduled by React after the ticker returns), Yoga's layout, Ink's output and
 * its write. It ends at the last write of the Ink render that followed the read.
 */
class FrameProbe {
  open: OpenFrame | null = null;
  readonly done: { total: number; cpu: number; read: number; ink: number; bytes: number }[] = [];
  skipped = 0;
  late = 0;
  measuring = false;

  constructor(private readonly out: FakeStdout) {}

  read<T>(fn: () => T): T {
    const t0 = performance.now();
    if (this.measuring && !this.open) {
      const f: OpenFrame = { start: t0, cpu: process.cpuUsage(), readMs: 0, otherMs: 0, renders: 0, inkMs: 0, bytesBefore: this.out.bytes, writesBefore: this.out.writes };
      this.open = f;
      // A read that shows nothing new renders nothing: no frame.
      setTimeout(() => {
        if (this.open === f && f.renders === 0) {
          this.open = null;
          this.skipped++;
        }
      }, 200);
    }
    try {
      return fn();
    } finally {
      if (this.open) this.open.readMs += performance.now() - t0;
    }
  }

  /** Work outside the frame that ran while it was open (calls arriving). */
  other<T>(fn: () => T): T {
    const t0 = performance.now();
    try {
      return fn();
    } finally {
      if (this.open) this.open.otherMs += performance.now() - t0;
    }
  }

  /** Ink's onRender: called after the output is built, just before it is written. */
  rendered(ms: number): void {
    const f = this.open;
    if (!f) {
      if (this.measuring) this.late++;
      return;
    }
    f.renders++;
    f.inkMs += ms;
    if (f.renders === 1) setImmediate(() => this.close(f));
  }

  private close(f: OpenFrame): void {
    if (this.open !== f) return;
    this.open = null;
    if (this.out.writes === f.writesBefore) {
      this.skipped++;
      return;
    }
    const cpu = process.cpuUsage(f.cpu);
    this.done.push({ total: this.out.lastWriteAt - f.start - f.otherMs, cpu: (cpu.user + cpu.system) / 1000 - f.otherMs, read: f.readMs, ink: f.inkMs, bytes: this.out.bytes - f.bytesBefore });
  }
}

/**
 * The LiveStats the App reads, with every read it makes timed into the open frame: each method
 * but `call` (one lookup by id), so that reads the views add later are counted too.
 */
function timedSource(stats: LiveStats, probe: FrameProbe): DashboardSource {
  return new Proxy(stats, {
    get(target, prop) {
      const v: unknown = Reflect.get(target, prop, target);
      if (typeof v !== 'function' || prop === 'call' || prop === 'constructor') return v;
      return (...args: unknown[]) => probe.read(() => (v as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function measureFrames(): Promise<FrameResult> {
  const stats = new LiveStats({ horizonMs: HORIZON_MS, recentCapacity: RECENT_CAPACITY, now: Date.now });

  // 100,000 calls spread over the last 4.5 minutes, oldest first, in commits of 1,000.
  const now = Date.now();
  const spanMs = 270_000;
  const ring: CallRef[] = [];
  let applyMs = 0;
  for (let start = 0; start < CALLS; start += 1000) {
    const upserted: LlmCall[] = [];
    for (let i = start; i < Math.min(CALLS, start + 1000); i++) upserted.push(makeCall(now - spanMs + (spanMs * i) / CALLS));
    for (const c of upserted) ring.push({ id: c.id, timeMs: c.timeMs });
    const t0 = performance.now();
    stats.apply({ upserted, deleted: [], replaced: [] });
    applyMs += performance.now() - t0;
  }

  // (a) the ticker's read, alone.
  const points = computeLayout(COLUMNS, ROWS, 0).spark?.points ?? 60;
  const query: DataQuery = { windowMs: WINDOW_MS, groupBy: ['provider', 'model'], search: '', rowFilter: null, points, logLimit: LOG_LIMIT, compare: false };
  const reps = REPS;
  const read = {
    snapshot: timed(reps, () => readSnapshot(stats, query)),
    summary: timed(reps, () => stats.summary({ windowMs: WINDOW_MS, groupBy: query.groupBy, filter: {} })),
    series: timed(reps, () => stats.series(WINDOW_MS, points, {})),
    recent: timed(reps, () => stats.recent(LOG_LIMIT, {})),
  };
  const groupsShown = stats.summary({ windowMs: WINDOW_MS, groupBy: query.groupBy, filter: {} }).groups.length;

  // (b) the real <App> in Ink, as src/cli.tsx renders it, on a fake 140x45 terminal.
  const stdout = new FakeStdout();
  const stdin = new FakeStdin();
  const stderr = new FakeStdout();
  const probe = new FrameProbe(stdout);
  const source = timedSource(stats, probe);
  const app = render(createElement(App, { source, info: { address: '127.0.0.1:4318', noContent: false }, initialWindowMs: WINDOW_MS }), {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    exitOnCtrlC: false,
    patchConsole: false,
    maxFps: 8,
    onRender: ({ renderTime }) => probe.rendered(renderTime),
  });

  // Calls keep arriving, as the store would commit them: new ones in, the oldest out (the ring).
  const stepMs = 100;
  const perStep = Math.max(1, Math.round((ARRIVALS_PER_SECOND * stepMs) / 1000));
  let head = 0;
  let arrivalsMs = 0;
  const arrivals = setInterval(() => {
    const upserted: LlmCall[] = [];
    const t = Date.now();
    for (let i = 0; i < perStep; i++) upserted.push(makeCall(t - Math.round(r() * 1000)));
    const removed = ring.slice(head, head + perStep);
    head += perStep;
    for (const c of upserted) ring.push({ id: c.id, timeMs: c.timeMs });
    if (head > 50_000) {
      ring.splice(0, head);
      head = 0;
    }
    const t0 = performance.now();
    probe.other(() => stats.apply({ upserted, deleted: removed, replaced: [] }));
    arrivalsMs += performance.now() - t0;
  }, stepMs);

  await sleep(1500); // mount, first frames
  probe.measuring = true;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const arrivalsMs0 = arrivalsMs;
  const deadline = started + MAX_SECONDS * 1000;
  while (probe.done.length < FRAMES && performance.now() < deadline) await sleep(50);
  probe.measuring = false;
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const viewCpuPercent = (100 * ((cpu.user + cpu.system) / 1000 - (arrivalsMs - arrivalsMs0))) / (seconds * 1000);
  clearInterval(arrivals);
  app.unmount();
  app.cleanup();

  if (!stdout.lastFrame.includes('LOG')) throw new Error(`tui-frame: the last frame is not the dashboard:\n${stdout.lastFrame.slice(0, 4000)}`);
  if (process.env.TUI_FRAME_SHOW) process.stderr.write(`${stdout.lastFrame}\n`);
  const frames = probe.done;
  return {
    calls: CALLS,
    models: MODELS,
    groupsShown,
    applyUsPerCall: (applyMs * 1000) / CALLS,
    read,
    frames: {
      total: stat(frames.map((f) => f.total)),
      cpu: stat(frames.map((f) => f.cpu)),
      read: stat(frames.map((f) => f.read)),
      render: stat(frames.map((f) => f.total - f.read)),
      react: stat(frames.map((f) => f.total - f.read - f.ink)),
      inkOutput: stat(frames.map((f) => f.ink)),
      bytes: stat(frames.map((f) => f.bytes)),
      skipped: probe.skipped,
      seconds,
      viewCpuPercent,
      late: probe.late,
    },
  };
}

if (process.argv[1]?.endsWith('tui-frame.ts')) {
  measureFrames().then(
    (result) => {
      process.stdout.write(`TUI-FRAME ${JSON.stringify(result)}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
