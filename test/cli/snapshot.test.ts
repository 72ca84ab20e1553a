import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestLlmtop } from '../helpers/llmtop.js';
import { genAiSpanJson, tracesJson } from '../helpers/otlp-payloads.js';

/** `llmtop snapshot` against a running llmtop: the built CLI, as a script would run it. */

const run = promisify(execFile);
const BIN = path.resolve('bin/llmtop.js');
let app: Awaited<ReturnType<typeof startTestLlmtop>>;

beforeAll(async () => {
  app = await startTestLlmtop();
  const spans = [genAiSpanJson({ model: 'gpt-4.1', inputTokens: 1200, outputTokens: 300, durationMs: 900 }), genAiSpanJson({ model: 'gpt-4.1', durationMs: 1100 })];
  const res = await fetch(`${app.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(tracesJson(spans, 'shop')) });
  expect(res.status).toBe(200);
});
afterAll(() => app.close());

describe('llmtop snapshot', () => {
  it('prints the summary as a table', async () => {
    const { stdout } = await run('node', [BIN, 'snapshot', '--url', app.url]);
    const row = stdout.split('\n').find((l) => l.includes('gpt-4.1'));
    expect(row).toBeDefined();
    expect(row).toMatch(/\b2\b/);
    expect(stdout).not.toContain('\u001b');
  });

  it('prints the summary as JSON with --json', async () => {
    const { stdout } = await run('node', [BIN, 'snapshot', '--json', '--url', app.url]);
    const summary = JSON.parse(stdout);
    expect(summary.totals.requests).toBe(2);
    expect(summary.totals.inputTokens).toBe(1210);
    expect(summary.groups[0]).toMatchObject({ provider: 'openai', model: 'gpt-4.1', requests: 2 });
  });

  it('says in one line when nothing answers, and exits non-zero', async () => {
    const err = await run('node', [BIN, 'snapshot', '--url', 'http://127.0.0.1:1']).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).toBe(1);
    const lines = (err as { stderr: string }).stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/is llmtop running/);
  });
});
