import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCert } from '../helpers/tls.js';
import { startFakeProviders, type FakeExchange, type FakeProviders } from './fake-providers.js';

/*
 * The built `llmtop --headless -- node sdk-app.mjs`, as a user runs it: the app calls OpenAI,
 * Anthropic and Gemini through their real SDKs (openai, @anthropic-ai/sdk, @google/genai), set up
 * by nothing but the environment llmtop gives it. The providers are a fake on loopback over HTTPS
 * with a certificate made for the test, which llmtop's proxy trusts through NODE_EXTRA_CA_CERTS;
 * the base URLs in llmtop's own environment are the user's, so they are the proxy's upstreams.
 * Then the db file is read with `llmtop export`, and grepped for the key.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin', 'llmtop.js');
const APP = path.join(ROOT, 'test', 'proxy', 'fixtures', 'sdk-app.mjs');
const KEY = `sk-llmtop-e2e-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
const FIRST_CHUNK_MS = 300;

let tmp: string;
let certFile: string;
let fake: FakeProviders;

beforeAll(async () => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-proxy-e2e-'));
  const tls = await selfSignedCert();
  certFile = path.join(tmp, 'fake-provider.pem');
  fs.writeFileSync(certFile, tls.cert);
  fake = await startFakeProviders({ key: KEY, tls, firstChunkDelayMs: FIRST_CHUNK_MS });
});

afterAll(async () => {
  saveCapture();
  await fake?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/**
 * What the real SDKs sent and what they got, for the protocol readers' table tests
 * (test/proxy/protocols.test.ts): written when missing or with LLMTOP_UPDATE_CAPTURES=1.
 * Headers are left out: they hold the key.
 */
function saveCapture(): void {
  const file = path.join(ROOT, 'test', 'proxy', 'captured', 'sdk-exchanges.json');
  if (!fake || (fs.existsSync(file) && process.env.LLMTOP_UPDATE_CAPTURES !== '1')) return;
  const version = (pkg: string) => (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  const exchanges = fake.exchanges.map((x) => ({
    provider: x.provider,
    path: x.path,
    userAgent: x.headers['user-agent'] ?? null,
    request: JSON.parse(x.requestBody) as unknown,
    status: x.status,
    stream: x.stream,
    contentType: x.stream ? 'text/event-stream' : 'application/json',
    answer: x.responseBody.toString('utf8'),
    expected: { model: x.model, tokens: x.tokens, text: x.text },
  }));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const versions = { openai: version('openai'), '@anthropic-ai/sdk': version('@anthropic-ai/sdk'), '@google/genai': version('@google/genai') };
  fs.writeFileSync(file, `${JSON.stringify({ note: 'requests as the SDKs sent them through llmtop -- CMD; answers as test/proxy/fake-providers.ts sent them', versions, exchanges }, null, 2)}\n`);
}

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string | undefined>): Promise<Outcome> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: tmp, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The user's environment: their own base URLs (the fake, over HTTPS) and keys; nothing else of the test's. */
function userEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(process.env)) if (!/BASE_URL|API_KEY|^OTEL_|^ANTHROPIC_|^OPENAI_|^GOOGLE_|^GEMINI_|_proxy$/i.test(k)) env[k] = v;
  return {
    ...env,
    XDG_CACHE_HOME: path.join(tmp, 'cache'),
    NO_COLOR: '1',
    NODE_EXTRA_CA_CERTS: certFile,
    OPENAI_BASE_URL: `${fake.url}/v1`,
    ANTHROPIC_BASE_URL: fake.url,
    GOOGLE_GEMINI_BASE_URL: fake.url,
    OPENAI_API_KEY: KEY,
    ANTHROPIC_API_KEY: KEY,
    GEMINI_API_KEY: KEY,
  };
}

interface AppReport {
  env: Record<string, string | null>;
  results: { name: string; ok: boolean; value?: unknown; status?: number | string | null; message?: string }[];
  received: { url: string; status: number; body: string }[];
}

interface ExportedCall {
  time: string;
  provider: string;
  model: string;
  operation: string;
  durationMs: number;
  ttftMs: number | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  costUsd: number;
  costSource: string;
  status: string;
  error: string | null;
  errorType: string | null;
  prompt: string | null;
  response: string | null;
  source: string;
  service: string;
}

/** Runs the app under llmtop; answers what the app saw, what llmtop stored, and the exchanges the fake had. */
async function underLlmtop(name: string, scenarios: string[], extra: string[] = []) {
  const db = path.join(tmp, `${name}.db`);
  const out = path.join(tmp, `${name}.json`);
  const before = fake.exchanges.length;
  const o = await run(['--headless', '--port', '0', '--db', db, '--grace', '300ms', ...extra, '--', process.execPath, APP, out, ...scenarios], userEnv());
  expect(o.code, o.stderr).toBe(0);
  const app = JSON.parse(fs.readFileSync(out, 'utf8')) as AppReport;
  const exchanges = fake.exchanges.slice(before);
  const files = ['', '-wal', '-shm'].map((s) => db + s).filter((f) => fs.existsSync(f));
  const dbBytes = Buffer.concat(files.map((f) => fs.readFileSync(f)));
  const jsonl = await run(['export', '--db', db, '--since', '1h', '--format', 'jsonl'], userEnv());
  const otlp = await run(['export', '--db', db, '--since', '1h', '--format', 'otlp'], userEnv());
  const calls = jsonl.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ExportedCall)
    .sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  return { o, app, exchanges, calls, dbBytes, exports: jsonl.stdout + otlp.stdout };
}

/** What every run must show, whatever the SDK. */
function expectFaithful(r: Awaited<ReturnType<typeof underLlmtop>>, prefix: string): void {
  // The app went through the proxy, told by the variables llmtop set.
  expect(r.app.received).toHaveLength(r.exchanges.length);
  expect(r.app.received.every((x) => x.url.startsWith(`http://127.0.0.1:`) && x.url.includes(`/${prefix}/`))).toBe(true);
  // Byte for byte what the provider sent, status included.
  r.app.received.forEach((got, i) => {
    const sent = r.exchanges[i]!;
    expect(got.status).toBe(sent.status);
    expect(Buffer.from(got.body, 'base64').equals(sent.responseBody), `body of ${sent.path}`).toBe(true);
  });
  // One call per request, in order, with the provider's own numbers.
  expect(r.calls).toHaveLength(r.exchanges.length);
  r.exchanges.forEach((x, i) => expectCall(r.calls[i]!, x));
  // The key went upstream (the fake checked it) and nowhere else; the grep does see what is stored.
  expect(r.dbBytes.includes(r.exchanges.find((x) => x.text)!.text!)).toBe(true);
  expect(r.dbBytes.includes(KEY)).toBe(false);
  expect(r.exports).not.toContain(KEY);
  expect(r.o.stdout + r.o.stderr).not.toContain(KEY);
}

function expectCall(c: ExportedCall, x: FakeExchange): void {
  expect(c.source).toBe('proxy');
  expect(c.model).toBe(x.model);
  expect(c.provider).toBe({ openai: 'openai', anthropic: 'anthropic', gemini: 'google' }[x.provider]);
  if (x.status >= 400) {
    expect(c).toMatchObject({ status: 'error', errorType: String(x.status), inputTokens: 0, outputTokens: 0 });
    expect(c.error).toMatch(x.status === 429 ? /rate limit/i : /server had an error/i);
    return;
  }
  expect(c.status).toBe('ok');
  expect({ input: c.inputTokens, output: c.outputTokens, cacheRead: c.cacheReadTokens, cacheWrite: c.cacheWriteTokens, reasoning: c.reasoningTokens }).toEqual(x.tokens);
  expect(c.response).toBe(x.text);
  expect(c.costSource).toBe('estimated');
  expect(c.costUsd).toBeGreaterThan(0);
  if (x.stream) {
    // Measured by the proxy: the provider held the first event back FIRST_CHUNK_MS.
    expect(c.ttftMs).not.toBeNull();
    expect(c.ttftMs!).toBeGreaterThanOrEqual(FIRST_CHUNK_MS - 5);
    expect(c.ttftMs!).toBeLessThanOrEqual(c.durationMs);
  } else {
    expect(c.ttftMs).toBeNull();
  }
}

describe('llmtop -- CMD: the SDKs reach their providers through the proxy, configured by the environment alone', () => {
  it('openai: chat plain and streamed, a streamed Responses call, embeddings, 429 and 500', async () => {
    const r = await underLlmtop('openai', ['openai-chat', 'openai-chat-stream', 'openai-responses-stream', 'openai-embeddings', 'openai-429', 'openai-500']);
    expect(r.app.env.OPENAI_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/openai$/);
    expect(r.app.results.map((x) => [x.name, x.ok, x.status ?? null])).toEqual([
      ['openai-chat', true, null],
      ['openai-chat-stream', true, null],
      ['openai-responses-stream', true, null],
      ['openai-embeddings', true, null],
      ['openai-429', false, 429],
      ['openai-500', false, 500],
    ]);
    expect(r.app.results[0]!.value).toBe('Echo: Say hi to the proxy');
    expect(r.exchanges.map((x) => x.path)).toEqual(['/v1/chat/completions', '/v1/chat/completions', '/v1/responses', '/v1/embeddings', '/v1/chat/completions', '/v1/chat/completions']);
    expectFaithful(r, 'openai');
    expect(r.calls.map((c) => c.operation)).toEqual(['chat', 'chat', 'chat', 'embeddings', 'chat', 'chat']);
    expect(r.calls[0]!.prompt).toBe('Say hi to the proxy');
    // Named after the script: the app sets no OTEL_SERVICE_NAME.
    expect(r.calls[0]!.service).toBe('sdk-app');
  });

  it('@anthropic-ai/sdk: a message plain and streamed, 429 and 500', async () => {
    const r = await underLlmtop('anthropic', ['anthropic-messages', 'anthropic-stream', 'anthropic-429', 'anthropic-500']);
    expect(r.app.env.ANTHROPIC_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/anthropic$/);
    expect(r.app.results.map((x) => [x.name, x.ok, x.status ?? null])).toEqual([
      ['anthropic-messages', true, null],
      ['anthropic-stream', true, null],
      ['anthropic-429', false, 429],
      ['anthropic-500', false, 500],
    ]);
    expect(r.app.results[1]!.value).toBe('Echo: Stream a hello');
    expectFaithful(r, 'anthropic');
  });

  it('@google/genai: generateContent plain and streamed, 429 and 500', async () => {
    const r = await underLlmtop('gemini', ['gemini-generate', 'gemini-stream', 'gemini-429', 'gemini-500']);
    expect(r.app.env.GOOGLE_GEMINI_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/gemini$/);
    expect(r.app.results.map((x) => [x.name, x.ok, x.status ?? null])).toEqual([
      ['gemini-generate', true, null],
      ['gemini-stream', true, null],
      ['gemini-429', false, 429],
      ['gemini-500', false, 500],
    ]);
    expect(r.exchanges.map((x) => x.path)).toEqual([
      '/v1/models/gemini-2.5-flash:generateContent',
      '/v1/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
      '/v1/models/gemini-2.5-flash-fail-429:generateContent',
      '/v1/models/gemini-2.5-flash-fail-500:generateContent',
    ]);
    expectFaithful(r, 'gemini');
  });

  it('--no-content keeps no prompt and no response; --no-proxy leaves the base URLs to the app', async () => {
    const quiet = await underLlmtop('no-content', ['openai-chat'], ['--no-content']);
    expect(quiet.calls).toHaveLength(1);
    expect(quiet.calls[0]).toMatchObject({ prompt: null, response: null, inputTokens: quiet.exchanges[0]!.tokens!.input });
    expect(quiet.dbBytes.includes('Say hi to the proxy')).toBe(false);

    const direct = await underLlmtop('no-proxy', ['openai-chat'], ['--no-proxy']);
    expect(direct.app.env.OPENAI_BASE_URL).toBe(`${fake.url}/v1`);
    // Straight to the provider (trusted by the same NODE_EXTRA_CA_CERTS), so nothing recorded.
    expect(direct.app.results[0]).toMatchObject({ ok: true, value: 'Echo: Say hi to the proxy' });
    expect(direct.calls).toHaveLength(0);
  });
});
