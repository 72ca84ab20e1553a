import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell } from '../../src/cli/export.js';
import { startTestLlmtop } from '../helpers/llmtop.js';
import { genAiSpanJson, tracesJson } from '../helpers/otlp-payloads.js';

/** `llmtop export` reads the store file of a running llmtop and writes JSON lines or CSV. */

const run = promisify(execFile);
const BIN = path.resolve('bin/llmtop.js');
const TRICKY = 'say "hi", then\nnew line';
let app: Awaited<ReturnType<typeof startTestLlmtop>>;
let db = '';

beforeAll(async () => {
  app = await startTestLlmtop();
  db = path.join(app.dir, 'llmtop.db');
  const old = genAiSpanJson({ model: 'gpt-4o', startMs: Date.now() - 3 * 3600_000 });
  const recent = genAiSpanJson({ model: 'gpt-4.1', inputTokens: 42, startMs: Date.now() - 60_000 });
  (recent.attributes as unknown[]).push({ key: 'gen_ai.prompt', value: { stringValue: TRICKY } }, { key: 'gen_ai.completion', value: { stringValue: '=HYPERLINK("http://evil")' } });
  const res = await fetch(`${app.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(tracesJson([old, recent], 'shop')) });
  expect(res.status).toBe(200);
});
afterAll(() => app.close());

describe('llmtop export', () => {
  it('writes the calls since a time as JSON lines, with their text', async () => {
    const { stdout } = await run('node', [BIN, 'export', '--db', db, '--since', '1h', '--format', 'jsonl']);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ model: 'gpt-4.1', inputTokens: 42, service: 'shop', prompt: TRICKY });
    const all = await run('node', [BIN, 'export', '--db', db, '--since', '24h']);
    expect(all.stdout.trim().split('\n')).toHaveLength(2);
  });

  it('writes CSV to a file, quoted, with formulas defused', async () => {
    const out = path.join(app.dir, 'calls.csv');
    const { stderr } = await run('node', [BIN, 'export', '--db', db, '--since', '1h', '--format', 'csv', '--out', out]);
    expect(stderr).toContain('wrote 1 calls');
    const text = fs.readFileSync(out, 'utf8');
    expect(text.split('\n')[0]).toMatch(/^id,time,traceId,/);
    expect(text).toContain('"say ""hi"", then\nnew line"');
    expect(text).toContain(`"'=HYPERLINK(""http://evil"")"`);
  });

  it('refuses a bad --since or --format in one line', async () => {
    for (const args of [['--since', 'soon'], ['--format', 'xml']]) {
      const err = (await run('node', [BIN, 'export', '--db', db, ...args]).catch((e: unknown) => e)) as { code: number; stderr: string };
      expect(err.code).toBe(2);
      expect(err.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['-1+1', "'-1+1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    [null, ''],
    [3.5, '3.5'],
  ])('csvCell(%j) is %s', (v, expected) => expect(csvCell(v)).toBe(expected));
});
