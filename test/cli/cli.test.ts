import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tracerFor } from '../helpers/otel.js';
import { genAiSpanJson, rawRequest, tracesJson } from '../helpers/otlp-payloads.js';

/*
 * The built command line (`node bin/llmtop.js`, built by `npm run build` before the tests), run
 * as a child process: its listening line, its one-line refusals, and the durability of what it
 * acknowledged when it is killed with SIGKILL.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin', 'llmtop.js');
const LISTENING = /^llmtop listening on http:\/\/127\.0\.0\.1:(\d+)\b/m;
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

let tmp: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-cli-'));
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The environment of every run: the default db (if one is ever used) lands in the test's temp dir. */
function env(): NodeJS.ProcessEnv {
  return { ...process.env, XDG_CACHE_HOME: path.join(tmp, 'cache'), HOME: tmp, NO_COLOR: '1', FORCE_COLOR: '0' };
}

function spawnLlmtop(args: string[], extraEnv: NodeJS.ProcessEnv = {}): ChildProcess {
  // No OTLP/gRPC unless a test asks: parallel test files would contend for port 4317.
  const all = args.includes('--grpc-port') ? args : [...args, '--grpc-port', '0'];
  const child = spawn(process.execPath, [BIN, ...all], { cwd: ROOT, env: { ...env(), ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return child;
}

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs llmtop to its end, or kills it after `timeoutMs` (then timedOut is true). */
function run(args: string[], timeoutMs = 10_000): Promise<Outcome> {
  const child = spawnLlmtop(args);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** Starts a headless llmtop and waits for its listening line. */
async function startHeadless(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; port: number; url: string; stdout: () => string; stderr: () => string }> {
  const child = spawnLlmtop(['--headless', ...args], extraEnv);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line in 15 s; stdout: ${stdout}; stderr: ${stderr}`)), 15_000);
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const m = LISTENING.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`llmtop exited with ${code} before listening; stderr: ${stderr}`));
    });
  });
  return { child, port, url: `http://127.0.0.1:${port}`, stdout: () => stdout, stderr: () => stderr };
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
}

/** Exactly one non-empty line on stderr, no stack trace, a non-zero exit, and no listening line. */
function expectOneLineFailure(o: Outcome, ...mentions: (string | RegExp)[]): string {
  expect(o.timedOut, `still running; stdout: ${o.stdout}; stderr: ${o.stderr}`).toBe(false);
  expect(o.code).not.toBe(0);
  expect(o.code).not.toBeNull();
  expect(o.stdout).not.toMatch(LISTENING);
  const lines = o.stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines, `stderr was:\n${o.stderr}`).toHaveLength(1);
  expect(o.stderr).not.toMatch(STACK_FRAME);
  expect(o.stderr).not.toMatch(/\b(Error|TypeError|RangeError):/);
  for (const m of mentions) expect(lines[0]).toMatch(m);
  return lines[0]!;
}

const dbPath = (name: string) => path.join(tmp, `${name}-${Math.random().toString(36).slice(2)}.db`);

describe('starting', () => {
  it('--headless --port 0 prints the listening line with the port it got, serves, and stops on SIGTERM', async () => {
    const db = dbPath('start');
    const app = await startHeadless(['--port', '0', '--db', db]);
    expect(app.port).toBeGreaterThan(0);
    expect(app.port).toBeLessThan(65536);
    expect(app.stdout()).toContain(db);
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    expect(app.stderr()).toBe('');
    app.child.kill('SIGTERM');
    const end = await exited(app.child);
    expect(end.code).toBe(0);
    expect(fs.existsSync(db)).toBe(true);
  });

  // V8 sizes the young generation only from a command-line flag: the bin starts again with one
  // (process.execve: Node 22.15 and later; not Windows), in the same process, unless NODE_OPTIONS
  // has its own; that start has one malloc arena, unless the user chose a number.
  it.skipIf(!('execve' in process) || process.platform === 'win32')('caps the young generation and the malloc arenas in the same process, and leaves a NODE_OPTIONS that sets it alone', async () => {
    // Loaded by every Node the bin starts: says which process it is, with what flags and arenas.
    const probe = path.join(tmp, 'probe.cjs');
    fs.writeFileSync(probe, 'process.stderr.write(`probe ${process.pid} ${JSON.stringify(process.execArgv)} ${process.env.MALLOC_ARENA_MAX ?? "-"}\\n`);\n');
    const capped = spawnSync(process.execPath, [BIN, '--version'], { env: { ...env(), NODE_OPTIONS: `--require ${probe}` }, encoding: 'utf8' });
    const [first, second, ...rest] = capped.stderr.trim().split('\n').map((l) => l.split(' '));
    expect({ status: capped.status, stdout: capped.stdout.trim(), rest }).toEqual({ status: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+/), rest: [] });
    expect(first).toEqual(['probe', String(capped.pid), '[]', '-']);
    expect(second).toEqual(['probe', String(capped.pid), '["--max-semi-space-size=4"]', '1']);
    const own = spawnSync(process.execPath, [BIN, '--version'], { env: { ...env(), NODE_OPTIONS: `--require ${probe} --max-semi-space-size=32` }, encoding: 'utf8' });
    expect(own.status).toBe(0);
    expect(own.stderr).toBe(`probe ${own.pid} [] -\n`);
    const arenas = spawnSync(process.execPath, [BIN, '--version'], { env: { ...env(), NODE_OPTIONS: `--require ${probe}`, MALLOC_ARENA_MAX: '4' }, encoding: 'utf8' });
    expect(arenas.stderr).toBe(`probe ${arenas.pid} [] 4\nprobe ${arenas.pid} ["--max-semi-space-size=4"] 4\n`);
  });

  it('--proxy: prints the base URLs to set, relays to the base URL the user had set, and records the call', async () => {
    const upstream = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ model: 'gpt-4o-mini-2024-07-18', choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }], usage: { prompt_tokens: 7, completion_tokens: 1 } }));
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const upstreamUrl = `http://127.0.0.1:${(upstream.address() as net.AddressInfo).port}/v1`;
    try {
      const app = await startHeadless(['--port', '0', '--db', dbPath('proxy'), '--proxy'], { OPENAI_BASE_URL: upstreamUrl });
      for (let i = 0; i < 100 && !app.stdout().includes('GOOGLE_GEMINI_BASE_URL'); i++) await new Promise((r) => setTimeout(r, 20));
      expect(app.stdout()).toMatch(/^llmtop listening on http:\/\/127\.0\.0\.1:\d+ \(OTLP\/HTTP and API\), provider proxy on http:\/\/127\.0\.0\.1:\d+, db /m);
      const base = /export OPENAI_BASE_URL=(http:\/\/127\.0\.0\.1:\d+\/openai)$/m.exec(app.stdout())?.[1];
      expect(base, app.stdout()).toBeDefined();
      expect(app.stdout()).toMatch(/export ANTHROPIC_BASE_URL=http:\/\/127\.0\.0\.1:\d+\/anthropic$/m);
      expect(app.stdout()).toMatch(/export GOOGLE_GEMINI_BASE_URL=http:\/\/127\.0\.0\.1:\d+\/gemini$/m);
      const res = await fetch(`${base}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-cli-test-key' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }) });
      expect(((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content).toBe('hi');
      let calls: { source: string; inputTokens: number }[] = [];
      for (let i = 0; i < 50 && calls.length === 0; i++) {
        calls = ((await (await fetch(`${app.url}/api/v1/calls`)).json()) as { calls: typeof calls }).calls;
        if (calls.length === 0) await new Promise((r) => setTimeout(r, 50));
      }
      expect(calls).toEqual([expect.objectContaining({ source: 'proxy', inputTokens: 7, service: 'proxy' })]);
      const sources = (await (await fetch(`${app.url}/api/v1/sources`)).json()) as { proxy: { routes: { route: string; upstream: string; custom: boolean; calls: number }[] } };
      expect(sources.proxy.routes.find((r) => r.route === 'openai')).toEqual(expect.objectContaining({ upstream: upstreamUrl, custom: true, calls: 1 }));
      app.child.kill('SIGTERM');
      expect((await exited(app.child)).code).toBe(0);
      expect(app.stderr()).toBe('');
    } finally {
      upstream.closeAllConnections();
      await new Promise((r) => upstream.close(r));
    }
  });

  it('a busy --proxy-port: one line naming it', async () => {
    const blocker = net.createServer((socket) => socket.resume());
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const o = await run(['--headless', '--port', '0', '--db', dbPath('busy-proxy'), '--proxy-port', String(port)]);
      expectOneLineFailure(o, new RegExp(`\\b${port}\\b`), /--proxy-port/, /in use/);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('--version prints the version and exits 0', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const o = await run([flag]);
      expect(o.code, flag).toBe(0);
      expect(o.stdout.trim()).toBe(pkg.version);
      expect(o.stderr).toBe('');
    }
  });

  it('--help lists the options and exits 0', async () => {
    for (const flag of ['--help', '-h']) {
      const o = await run([flag]);
      expect(o.code, flag).toBe(0);
      for (const opt of ['--port', '--host', '--db', '--max-calls', '--retention', '--window', '--no-content', '--headless', '--proxy', '--no-proxy', '--proxy-port', 'OPENAI_BASE_URL'])
        expect(o.stdout, `${flag} lists ${opt}`).toContain(opt);
      expect(o.stdout).not.toMatch(LISTENING);
    }
  });
});

describe('refusing to start: one line on stderr, a non-zero exit', () => {
  it('a busy port', async () => {
    // llmtop probes what answers on the port: the blocker reads and drops it, so it can close.
    const blocker = net.createServer((socket) => socket.resume());
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const o = await run(['--headless', '--port', String(port), '--db', dbPath('busy')]);
      expectOneLineFailure(o, new RegExp(`\\b${port}\\b`), /in use/i);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('a busy OTLP/gRPC port, with the way to go without it', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const o = await run(['--headless', '--port', '0', '--grpc-port', String(port), '--db', dbPath('busy-grpc')]);
      expectOneLineFailure(o, new RegExp(`\\b${port}\\b`), /in use/i, /--grpc-port 0/);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('--db naming a directory', async () => {
    const d = path.join(tmp, 'a-directory');
    fs.mkdirSync(d, { recursive: true });
    const o = await run(['--headless', '--port', '0', '--db', d]);
    expectOneLineFailure(o, d);
  });

  it('--db under a regular file', async () => {
    const f = path.join(tmp, 'regular-file');
    fs.writeFileSync(f, 'not a folder');
    const bad = path.join(f, 'llmtop.db');
    const o = await run(['--headless', '--port', '0', '--db', bad]);
    expectOneLineFailure(o, f);
  });

  // mkdir answers ENOENT under /proc although /proc is there: Node's recursive mkdir looped
  // forever on it, on Node 20 to 26, and llmtop hung with no output.
  it.runIf(fs.existsSync('/proc/self'))('--db under /proc, where no folder can be made', async () => {
    const o = await run(['--headless', '--port', '0', '--db', '/proc/llmtop/x.db'], 10_000);
    expectOneLineFailure(o, '/proc/llmtop/x.db', /cannot create the folder/);
  });

  it('--db naming a file that is not SQLite', async () => {
    const f = path.join(tmp, 'notes.txt');
    fs.writeFileSync(f, 'Dear diary, today I wrote a test.\n'.repeat(50));
    const o = await run(['--headless', '--port', '0', '--db', f]);
    expectOneLineFailure(o, f);
    expect(fs.readFileSync(f, 'utf8')).toBe('Dear diary, today I wrote a test.\n'.repeat(50));
  });

  it.each([
    [['--port', 'abc'], [/--port/, /abc/]],
    [['--port', '70000'], [/--port/, /70000/]],
    [['--window', '7m'], [/--window/, /7m/]],
    [['--retention', 'xyz'], [/--retention/, /xyz/]],
    [['--max-calls', '0'], [/--max-calls/]],
    [['--frobnicate'], [/frobnicate/]],
    [['--port', '4000', '--port', '4001'], [/--port/]],
    [['snapshto'], [/snapshto/]],
    [['--token', 'short'], [/--token/]],
    [['--cors', 'not an origin'], [/--cors/]],
    [['--forward', 'ftp://x'], [/--forward/]],
    [['--slow', 'fast'], [/--slow/, /fast/]],
    [['--budget', 'lots'], [/--budget/, /lots/]],
    [['--budget', '5/week'], [/--budget/, /5\/week/]],
    [['--budget', '0'], [/--budget/]],
    [['--proxy-port', 'abc'], [/--proxy-port/, /abc/]],
    [['--proxy-port', '70000'], [/--proxy-port/, /70000/]],
    [['--no-proxy', '--proxy-port', '5000'], [/--proxy-port/, /--no-proxy/]],
  ] as [string[], RegExp[]][])('bad flags: %j', async (args, mentions) => {
    const o = await run(['--headless', '--db', dbPath('flags'), ...args]);
    expectOneLineFailure(o, ...mentions);
  });

  it('bad flags: --port without a value is not silently the default', async () => {
    const o = await run(['--headless', '--db', dbPath('flags'), '--port'], 5_000);
    expectOneLineFailure(o, /--port/);
  });
});

describe('--budget', () => {
  it('--headless: spending the budget is one line on stderr', async () => {
    const app = await startHeadless(['--port', '0', '--db', dbPath('budget'), '--budget', '0.5/session']);
    const t = tracerFor(app.url, 'proto', { 'service.name': 'eval-runner' });
    // Started after llmtop did: a session budget counts from its start.
    const start = Date.now();
    for (let i = 0; i < 2; i++) {
      const span = t.start('chat', { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.cost': 0.25 }, start + i * 10);
      t.end(span, start + i * 10 + 5);
    }
    await t.shutdown();
    const deadline = Date.now() + 15_000;
    while (!app.stderr().includes('budget') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    app.child.kill('SIGTERM');
    await exited(app.child);
    expect(app.stderr().split('\n').filter((l) => l !== '')).toEqual(['llmtop: budget 100% reached: $0.5000 of $0.50/session']);
  });
});

describe('kill -9', () => {
  it('every call acknowledged with 200 is in the db file after SIGKILL', async () => {
    const db = dbPath('durable');
    const app = await startHeadless(['--port', '0', '--db', db, '--max-calls', '100000']);
    const sent: string[] = [];
    const post = async (spans: Record<string, unknown>[]) => {
      const res = await rawRequest(app.url, {
        path: '/v1/traces',
        headers: { 'Content-Type': 'application/json' },
        body: Buffer.from(JSON.stringify(tracesJson(spans, 'durable-svc'))),
      });
      expect(res.status, res.body.toString()).toBe(200);
      sent.push(...spans.map((s) => s.spanId as string));
    };
    const base = Date.now() - 120_000;
    // One at a time, then in bursts that share group commits, then several spans per request.
    for (let i = 0; i < 40; i++) await post([genAiSpanJson({ startMs: base + i, inputTokens: i + 1 })]);
    for (let burst = 0; burst < 4; burst++)
      await Promise.all(Array.from({ length: 25 }, (_, i) => post([genAiSpanJson({ startMs: base + 1000 + burst * 100 + i })])));
    for (let i = 0; i < 10; i++) await post(Array.from({ length: 6 }, (_, j) => genAiSpanJson({ startMs: base + 5000 + i * 10 + j })));
    const N = 40 + 100 + 60;
    expect(sent).toHaveLength(N);

    app.child.kill('SIGKILL');
    const end = await exited(app.child);
    expect(end.signal).toBe('SIGKILL');

    // Straight from the file (a new connection recovers the WAL as SQLite does after a crash).
    const conn = new Database(db);
    const ids = new Set(conn.prepare('SELECT span_id FROM calls').pluck().all() as string[]);
    conn.close();
    const missing = sent.filter((id) => !ids.has(id));
    expect(missing, `${missing.length} of ${N} acknowledged calls lost`).toEqual([]);
    expect(ids.size).toBe(N);

    // And through llmtop itself, started again on the same file.
    const again = await startHeadless(['--port', '0', '--db', db]);
    const res = await fetch(`${again.url}/api/v1/calls?limit=1000&service=durable-svc`);
    const { calls } = (await res.json()) as { calls: { spanId: string; inputTokens: number }[] };
    expect(calls.map((c) => c.spanId).sort()).toEqual([...sent].sort());
    again.child.kill('SIGTERM');
    expect((await exited(again.child)).code).toBe(0);
  });
});
