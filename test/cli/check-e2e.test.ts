import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.js';

/*
 * The built `llmtop check -- CMD` and `llmtop --headless -- CMD`, wrapping a small Node app that
 * uses the OTel JS SDK's protobuf exporter, configured only by the environment llmtop gives it.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin', 'llmtop.js');
const APP = path.join(ROOT, 'test', 'cli', 'fixtures', 'genai-app.mjs');

let tmp: string;
beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-check-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs llmtop to its end; the environment is the test's own (not tuned for a terminal) plus `env`. */
function run(args: string[], env: Record<string, string | undefined> = {}): Promise<Outcome> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: tmp,
    env: { ...process.env, XDG_CACHE_HOME: path.join(tmp, 'cache'), NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `llmtop check` on a free port (parallel test files), with a short grace. */
async function check(limits: string[], appArgs: string[], env: Record<string, string | undefined> = {}): Promise<Outcome> {
  return run(['check', '--port', String(await freePort()), '--grace', '300ms', ...limits, '--', process.execPath, APP, ...appArgs], env);
}

const errLines = (o: Outcome) => o.stderr.split('\n').filter((l) => l.trim() !== '');

describe('llmtop check -- CMD', () => {
  it('a run within its limits exits 0, prints the tables (every one of 40 calls, 4 runs) and writes the Markdown report', async () => {
    const report = path.join(tmp, 'pass.md');
    const o = await check(['--max-cost', '1', '--max-p95', '2s', '--max-ttft-p95', '1s', '--min-calls', '40', '--report', report], ['--runs', '4', '--calls', '10', '--cost', '0.01']);
    expect(o.code, o.stderr).toBe(0);
    expect(errLines(o)).toEqual([]);
    // the app's own output, then the tables
    expect(o.stdout).toContain('genai-app: sent 40 calls');
    expect(o.stdout).toMatch(/^openai\/gpt-4o-mini\s+40\s+4\.0k\s+800\s+\$0\.4000\s+500ms\s+200ms\s+0$/m);
    expect(o.stdout).toMatch(/^RUN\s+REQ/m);
    expect(o.stdout.match(/^[0-9a-f]{8} eval-suite\s+10\s/gm)).toHaveLength(4);
    const md = fs.readFileSync(report, 'utf8');
    expect(md).toContain('**passed**');
    expect(md).toContain('| `--max-cost $1.00` | $0.4000 | ✅ ok |');
    expect(md).toContain('| `--min-calls 40` | 40 | ✅ ok |');
  });

  it('a run over --max-cost exits 1 and names the limit in one line; the JSON report says why', async () => {
    const report = path.join(tmp, 'fail.json');
    const o = await check(['--max-cost', '0.30', '--report', report], ['--calls', '3', '--cost', '0.14']);
    expect(o.code).toBe(1);
    expect(errLines(o)).toEqual(['llmtop check: cost $0.4200 over --max-cost $0.3000']);
    const json = JSON.parse(fs.readFileSync(report, 'utf8'));
    expect(json.passed).toBe(false);
    expect(json.breaches).toEqual([{ flag: '--max-cost', message: 'cost $0.4200 over --max-cost $0.3000' }]);
    expect(json.totals.requests).toBe(3);
  });

  it('--max-cost over calls without a price says so, rather than passing on a floor without a word', async () => {
    const report = path.join(tmp, 'unpriced.json');
    // The SDK reports $0 for a model nobody has a price for: unknown, not free.
    const unknown = await check(['--max-cost', '1', '--report', report], ['--calls', '3', '--cost', '0', '--model', 'acme-llm-9']);
    expect(unknown.code, unknown.stderr).toBe(0);
    expect(errLines(unknown)).toEqual([
      'llmtop check: cost unknown, so --max-cost $1.00 was not checked: 3 calls unpriced (openai/acme-llm-9); price them with --pricing FILE',
    ]);
    expect(unknown.stdout).toMatch(/^openai\/acme-llm-9\s+3\s+300\s+60\s+\?\s/m);
    expect(JSON.parse(fs.readFileSync(report, 'utf8'))).toMatchObject({ passed: true, totals: { costUsd: 0, unpricedCalls: 3 }, notes: [expect.stringContaining('3 calls unpriced')] });
    // With a --pricing file the same calls are priced, and checked.
    const pricing = path.join(tmp, 'acme-prices.json');
    fs.writeFileSync(pricing, JSON.stringify({ models: { 'acme-llm-9': { input: 1000, output: 10_000 } } }));
    // 100 tokens in at $1000 and 20 out at $10,000 per million: $0.30 a call.
    const priced = await check(['--max-cost', '0.5', '--pricing', pricing], ['--calls', '3', '--cost', '0', '--model', 'acme-llm-9']);
    expect(priced.code).toBe(1);
    expect(errLines(priced)).toEqual(['llmtop check: cost $0.9000 over --max-cost $0.5000']);
  });

  it('names every broken limit, one line each', async () => {
    const o = await check(['--max-p95', '100ms', '--max-error-rate', '10', '--max-tokens', '100'], ['--calls', '4', '--error-every', '2']);
    expect(o.code).toBe(1);
    expect(errLines(o)).toEqual([
      'llmtop check: P95 latency 500ms over --max-p95 100ms',
      'llmtop check: error rate 50% (2 of 4) over --max-error-rate 10%',
      'llmtop check: tokens 480 over --max-tokens 100',
    ]);
  });

  it("the command's own non-zero exit passes through, and wins over a broken limit", async () => {
    const o = await check(['--max-cost', '0.001'], ['--exit', '3']);
    expect(o.code).toBe(3);
    expect(o.stdout).toContain('exited 3, 2 LLM calls');
    expect(o.stderr).toContain('over --max-cost');
  });

  it('a command killed by a signal exits 128+n', async () => {
    const o = await check([], ['--signal', 'SIGTERM']);
    expect(o.code).toBe(128 + os.constants.signals.SIGTERM);
    expect(o.stdout).toContain('killed by SIGTERM');
  });

  it('a command that does not exist: one line, status 127', async () => {
    const o = await run(['check', '--port', String(await freePort()), '--', 'no-such-command-llmtop']);
    expect(o.code).toBe(127);
    expect(errLines(o)).toEqual(['llmtop check: cannot run no-such-command-llmtop: command not found']);
  });

  it('with HTTPS_PROXY set the provider proxy stays off and says so, in one line; the calls still come over OTLP', async () => {
    const o = await check(['--min-calls', '2'], ['--calls', '2'], { HTTPS_PROXY: 'http://127.0.0.1:9' });
    expect(o.code, o.stderr).toBe(0);
    expect(errLines(o)).toEqual(['llmtop check: HTTPS_PROXY is set, and the provider proxy does not relay through it: it is off, and only OTLP is recorded (--proxy turns it on anyway)']);
  });

  it('fails when no LLM calls arrive under --min-calls, and says why', async () => {
    const o = await check(['--min-calls', '1'], ['--calls', '0']);
    expect(o.code).toBe(1);
    expect(o.stderr).toContain('no LLM calls arrived');
    expect(o.stderr).toContain('or does it call OpenAI, Anthropic or Gemini through an SDK that reads its base URL');
    expect(o.stderr).toContain('llmtop check: 0 LLM calls under --min-calls 1');
  });

  it.each([
    [['check', '--', ], /llmtop check needs a command after --/],
    [['check', '--max-cost', 'cheap', '--', 'true'], /--max-cost "cheap" is not a number/],
    [['check', '--report', 'out.txt', '--', 'true'], /--report "out.txt" must end in .md or .json/],
  ])('%j is refused in one line', async (args, message) => {
    const o = await run(args);
    expect(o.code).toBe(2);
    expect(errLines(o)).toHaveLength(1);
    expect(o.stderr).toMatch(message);
  });
});

describe('the environment the command gets', () => {
  it('points at llmtop with capture on; the user\'s own capture settings win; llmtop\'s tuning for Ink does not leak', async () => {
    const out = path.join(tmp, 'env.json');
    const port = await freePort();
    const o = await run(['check', '--port', String(port), '--grace', '0', '--', process.execPath, APP, '--env-out', out], {
      TRACELOOP_TRACE_CONTENT: 'false',
      NODE_ENV: undefined,
      MY_APP_SETTING: 'kept',
    });
    expect(o.code, o.stderr).toBe(0);
    const env = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(env).toMatchObject({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
      TRACELOOP_TRACE_CONTENT: 'false',
      MY_APP_SETTING: 'kept',
    });
    // bin/llmtop.js sets NODE_ENV=production for React, and one malloc arena for itself; the user had neither
    expect(env.NODE_ENV).toBeUndefined();
    expect(env.MALLOC_ARENA_MAX).toBeUndefined();
    // and the app's calls arrived there
    expect(o.stdout).toMatch(/^openai\/gpt-4o-mini\s+2\s/m);
  });

  it('--no-content turns capture off, whatever the shell says', async () => {
    const out = path.join(tmp, 'env-nocontent.json');
    const o = await check(['--no-content'], ['--env-out', out], { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true' });
    expect(o.code, o.stderr).toBe(0);
    const env = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(env).toMatchObject({ OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'false', TRACELOOP_TRACE_CONTENT: 'false', OPENINFERENCE_HIDE_INPUTS: 'true' });
  });
});

describe('llmtop --headless -- CMD', () => {
  it("stores the command's calls in the db, shares the terminal with it and exits with its status", async () => {
    const db = path.join(tmp, 'headless.db');
    const o = await run(['--headless', '--port', String(await freePort()), '--db', db, '--grace', '300ms', '--', process.execPath, APP, '--calls', '4', '--exit', '5']);
    expect(o.code, o.stderr).toBe(5);
    expect(o.stdout).toBe('genai-app: sent 4 calls\n');
    expect(o.stderr).toMatch(/^llmtop: listening on http:\/\/127\.0\.0\.1:\d+, provider proxy http:\/\/127\.0\.0\.1:\d+, db .*headless\.db; running .*genai-app\.mjs --calls 4 --exit 5 \(pid \d+\)$/m);
    const sqlite = new Database(db, { readonly: true });
    const n = (sqlite.prepare('SELECT count(*) AS n FROM calls').get() as { n: number }).n;
    sqlite.close();
    expect(n).toBe(4);
  });
});
