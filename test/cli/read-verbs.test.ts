import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, startTestLlmtop } from '../helpers/llmtop.js';
import { freePort } from '../helpers/ports.js';
import { ESCAPED_RESPONSE, LONG_PROMPT, sendKnownCalls, type KnownCalls } from '../helpers/known-calls.js';

/*
 * The built read verbs (`llmtop calls`, `call`, `runs`, `run`, `errors`, `summary`) as a user or a
 * script runs them: against a running llmtop (--url) and against its db file (--db) while it
 * runs, the known calls sent by the OpenTelemetry SDK's exporter. --json prints the API's answer;
 * the text is for people, with nothing from the wire reaching the terminal raw.
 */

const execFileP = promisify(execFile);
const BIN = path.resolve('bin/llmtop.js');
const ESC = '\u001b';

let app: Awaited<ReturnType<typeof startTestLlmtop>>;
let known: KnownCalls;
let db: string;

beforeAll(async () => {
  app = await startTestLlmtop();
  db = path.join(app.dir, 'llmtop.db');
  known = await sendKnownCalls(app.url);
});
afterAll(() => app.close());

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function llmtop(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  try {
    const { stdout, stderr } = await execFileP(process.execPath, [BIN, ...args], { env: { ...process.env, TZ: 'UTC', LLMTOP_TOKEN: '', ...env }, maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function json(args: string[]): Promise<any> {
  const o = await llmtop([...args, '--json']);
  expect(o.stderr).toBe('');
  expect(o.code).toBe(0);
  return JSON.parse(o.stdout);
}

/** One line on stderr, the exit code asked for, nothing on stdout. */
function oneLine(o: Outcome, code: number, mention: RegExp): void {
  expect(o.code, o.stderr).toBe(code);
  expect(o.stdout).toBe('');
  const lines = o.stderr.split('\n').filter((l) => l !== '');
  expect(lines, o.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(mention);
}

const NEWEST_FIRST = ['acme/acme-llm-9', 'openai/gpt-4.1', 'anthropic/claude-sonnet-4-5', 'openai/gpt-4o-mini'];
const modelsOf = (calls: { provider: string; model: string }[]) => calls.map((c) => `${c.provider}/${c.model}`);

describe.each([
  ['a running llmtop (--url)', () => ['--url', app.url]],
  ['its db file while it runs (--db)', () => ['--db', db]],
])('read verbs against %s', (_name, source) => {
  it('calls --json: the API answer, {calls}, newest first, with their text', async () => {
    const body = await json(['calls', ...source()]);
    expect(Object.keys(body)).toEqual(['calls']);
    expect(modelsOf(body.calls)).toEqual(NEWEST_FIRST);
    expect(body.calls).toEqual((await getJson(`${app.url}/api/v1/calls?limit=20`)).calls);
    expect(body.calls[1]).toMatchObject({ service: 'billing', prompt: LONG_PROMPT, response: ESCAPED_RESPONSE, costSource: 'estimated' });
    expect(body.calls[0]).toMatchObject({ costUsd: null, costSource: 'unknown' });
  });

  it('calls --q: a full-text search, {calls, matched}; with --errors, --model, --service and --last', async () => {
    const refund = await json(['calls', '--q', 'refund', ...source()]);
    expect(refund.matched).toBe(2);
    expect(modelsOf(refund.calls)).toEqual(['anthropic/claude-sonnet-4-5', 'openai/gpt-4o-mini']);
    expect(await json(['calls', '--q', 'refund', '--errors', ...source()])).toMatchObject({ matched: 1, calls: [{ model: 'claude-sonnet-4-5', status: 'error' }] });
    expect(await json(['calls', '--q', 'zebrafish', ...source()])).toMatchObject({ matched: 1, calls: [{ model: 'gpt-4.1' }] });
    expect(modelsOf((await json(['calls', '--service', 'billing', '--last', '1', ...source()])).calls)).toEqual(['acme/acme-llm-9']);
    expect(modelsOf((await json(['calls', '--model', 'gpt-4o-mini', ...source()])).calls)).toEqual(['openai/gpt-4o-mini']);
  });

  it('calls as text: a line per call with its id, prompt → response below, escape sequences shown, not sent', async () => {
    const o = await llmtop(['calls', ...source()]);
    expect(o.code, o.stderr).toBe(0);
    expect(o.stdout).not.toContain(ESC);
    const lines = o.stdout.split('\n');
    expect(lines[0]).toMatch(/^TIME\s+SERVICE\s+MODEL\s+DURATION\s+TTFT\s+TOKENS\s+COST\s+STATUS\s+ID$/);
    const ids = (await json(['calls', ...source()])).calls.map((c: { id: string }) => c.id);
    for (const id of ids) expect(o.stdout).toContain(id);
    expect(o.stdout).toMatch(/openai\/gpt-4o-mini .*\$0\.0012 +ok/);
    expect(o.stdout).toContain('What is your refund policy? → Refunds are accepted within 30 days of purchase.');
    expect(o.stdout).toContain('✗ 429: rate limit exceeded');
    expect(o.stdout).toMatch(/acme\/acme-llm-9 .* \? +ok/);
    expect(lines.at(-2)).toBe('the 4 newest calls; llmtop call ID for one in full');
  });

  it('call ID: the whole prompt and response; --json the API call', async () => {
    const [invoice] = (await json(['calls', '--model', 'gpt-4.1', ...source()])).calls;
    expect(await json(['call', invoice.id, ...source()])).toEqual(invoice);
    const o = await llmtop(['call', invoice.id, ...source()]);
    expect(o.code, o.stderr).toBe(0);
    expect(o.stdout).not.toContain(ESC);
    expect(o.stdout).toContain(`call      ${invoice.id}\n`);
    expect(o.stdout).toContain('model     openai/gpt-4.1 · chat\n');
    expect(o.stdout).toContain('status    ok · finish reason length\n');
    expect(o.stdout).toContain(`── prompt (30,000 characters) ──\n${LONG_PROMPT}\n`);
    expect(o.stdout).toContain('── response (23 characters) ──\nTotal due: ^[[31m$42^[[0m\n');
  });

  it('runs and run TRACE_ID: the runs by trace, one run as a tree of its calls', async () => {
    const { runs } = await json(['runs', '--window', '15m', ...source()]);
    expect(runs.map((r: { traceId: string; calls: number }) => [r.traceId, r.calls]).filter(([t]: string[]) => t === known.supportTrace || t === known.invoiceTrace)).toEqual([
      [known.invoiceTrace, 1],
      [known.supportTrace, 2],
    ]);
    const run = await json(['run', known.supportTrace, ...source()]);
    expect(run).toMatchObject({ traceId: known.supportTrace, calls: 2, errors: 1, models: ['gpt-4o-mini', 'claude-sonnet-4-5'], costUsd: 0.0012 });
    const calls: string[] = [];
    const walk = (nodes: any[]) => nodes.forEach((n) => (n.call && calls.push(n.call.model), walk(n.children)));
    walk(run.spans);
    expect(calls).toEqual(['gpt-4o-mini', 'claude-sonnet-4-5']);
    const text = await llmtop(['run', known.supportTrace, ...source()]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/─ chat gpt-4o-mini +1\.0s +openai\/gpt-4o-mini +120→30 +ctx <1% +\$0\.0012 +ok +call \S+/);
    expect(text.stdout).toMatch(/─ chat claude-sonnet-4-5 +300ms +anthropic\/claude-sonnet-4-5 +0→0 .* error +call \S+/);
  });

  it('errors: per model and kind, with the newest call; --json {window, windowSeconds, errors}', async () => {
    const body = await json(['errors', '--window', '15m', ...source()]);
    expect(Object.keys(body)).toEqual(['window', 'windowSeconds', 'errors']);
    expect(body.errors.map((r: any) => [r.kind, r.model, r.count, r.message])).toEqual([
      ['rateLimit', 'claude-sonnet-4-5', 1, '429: rate limit exceeded'],
      ['truncated', 'gpt-4.1', 1, 'finish reason length'],
    ]);
    const text = await llmtop(['errors', '--window', '15m', ...source()]);
    expect(text.stdout).toMatch(/^ +1 +rate limit +anthropic\/claude-sonnet-4-5 .* 429: rate limit exceeded$/m);
    expect(text.stdout).toContain(`latest: llmtop call ${body.errors[0].latest.id}`);
  });

  it('summary (and snapshot, its old name): the totals of the window', async () => {
    const summary = await json(['summary', '--window', '15m', ...source()]);
    expect(summary).toMatchObject({ window: '15m', totals: { requests: 4, errors: 1, unpricedCalls: 1 } });
    expect((await json(['snapshot', '--window', '15m', '--service', 'billing', ...source()])).totals.requests).toBe(2);
  });

  it('an id or trace llmtop does not hold: one line, exit 1; a search it cannot read: exit 2', async () => {
    oneLine(await llmtop(['call', 'no-such-call', ...source()]), 1, /^llmtop: no call with id no-such-call/);
    oneLine(await llmtop(['run', 'ffffffffffffffffffffffffffffffff', ...source()]), 1, /^llmtop: no run with trace id f{32}/);
    oneLine(await llmtop(['calls', '--q', '"unbalanced', ...source()]), 2, /^llmtop: cannot read the search/);
  });
});

describe('the read verbs refuse in one line', () => {
  it.each([
    [['calls', '--last', '0'], 2, /--last "0" is not a whole number from 1 to 10000/],
    [['calls', '--sort', 'cost'], 2, /--sort is an option of llmtop runs/],
    [['summary', '--q', 'x'], 2, /--q is an option of llmtop calls/],
    [['runs', '--sort', 'price'], 2, /--sort "price" is not one of cost, calls, duration, time/],
    [['runs', '--window', '2d'], 2, /--window "2d" is not a duration up to 24h/],
    [['call'], 2, /llmtop call needs one call id/],
    [['run', 'a', 'b'], 2, /llmtop run needs one trace id/],
    [['calls', 'extra'], 2, /llmtop calls takes no arguments, got "extra"/],
    [['calls', '--url', 'http://127.0.0.1:1', '--db', '/tmp/x.db'], 2, /--url and --db are two places to read from; give one/],
    [['calls', '--url', 'localhost'], 2, /--url "localhost" is not a URL/],
    [['calls', '--db', '/nonexistent/llmtop.db'], 2, /no llmtop database at \/nonexistent\/llmtop\.db; pass --db/],
  ] as [string[], number, RegExp][])('%j', async (args, code, mention) => {
    oneLine(await llmtop(args), code, mention);
  });

  it('nothing listening at --url: exit 1, as llmtop snapshot', async () => {
    const port = await freePort();
    const o = await llmtop(['calls', '--url', `http://127.0.0.1:${port}`]);
    oneLine(o, 1, new RegExp(`^llmtop: cannot read http://127\\.0\\.0\\.1:${port}/api/v1/calls\\?limit=20: ECONNREFUSED; is llmtop running there\\?$`));
    oneLine(await llmtop(['errors', '--url', `http://127.0.0.1:${port}`]), 1, /is llmtop running there\?/);
  });

  it('a llmtop that wants a token: says so without one, reads with --token or LLMTOP_TOKEN', async () => {
    const locked = await startTestLlmtop({ token: 'secret-token-1' });
    try {
      oneLine(await llmtop(['calls', '--url', locked.url]), 1, /wants a token: pass --token or set LLMTOP_TOKEN/);
      expect((await llmtop(['calls', '--url', locked.url, '--token', 'secret-token-1'])).stdout).toBe('No calls stored yet.\n');
      expect((await llmtop(['runs', '--url', locked.url], { LLMTOP_TOKEN: 'secret-token-1' })).stdout).toBe('No runs in the live window: a run is a trace with at least one LLM call.\n');
    } finally {
      await locked.close();
    }
  });
});
