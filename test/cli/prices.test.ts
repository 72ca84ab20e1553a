import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CallStore } from '../../src/store/call-store.js';
import { makeCall } from '../helpers/view-calls.js';

/*
 * The built `llmtop prices`: the price each model is billed at, per million tokens, its tiers and
 * context window, and where the price comes from; with no model, the models stored, unpriced first.
 */

const BIN = path.resolve('bin/llmtop.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-prices-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function prices(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'prices', ...args], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: path.join(tmp, 'cache') } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('llmtop prices', () => {
  it('claude-opus-4-6: $5 in and $25 out per million, its context window and the bundled source', () => {
    const o = prices('claude-opus-4-6');
    expect(o.code, o.stderr).toBe(0);
    expect(o.stdout.split('\n')).toEqual([
      'anthropic/claude-opus-4-6  →  anthropic/claude-opus-4-6',
      '  per 1M tokens: in $5.00  out $25.00  cache read $0.50  cache write $6.25',
      '  context window: 1,000,000 tokens',
      '  source: @pydantic/genai-prices 0.1.8 (bundled data of 2026-09-23)',
      '',
    ]);
  });

  it('names the long-prompt tier, says when a model has no price, and how to give it one', () => {
    const o = prices('claude-sonnet-4-5-20250929', 'acme-llm-9');
    expect(o.stdout).toContain('  prompts over 200k tokens: in $6.00  out $22.50  cache read $0.60  cache write $7.50');
    expect(o.stdout).toContain('acme-llm-9  no price known: its cost shows as ?');
    expect(o.stdout).toContain('price it with --pricing FILE: {"models": {"acme-llm-9": {"input": <USD per 1M>, "output": <USD per 1M>}}}');
  });

  it('--json for scripts; --pricing FILE comes first and is named as the source', () => {
    const file = path.join(tmp, 'prices.json');
    fs.writeFileSync(file, JSON.stringify({ models: { 'acme-llm-9': { input: 0.5, output: 1.5, contextWindow: 32000 } } }));
    const o = prices('acme-llm-9', 'gpt-4o', '--json', '--pricing', file);
    expect(o.code, o.stderr).toBe(0);
    const { prices: answers } = JSON.parse(o.stdout) as { prices: Record<string, any>[] };
    expect(answers[0]).toEqual({
      provider: '',
      model: 'acme-llm-9',
      price: { provider: '', model: 'acme-llm-9', source: `--pricing ${file}`, perMillion: { input: 0.5, output: 1.5, cacheRead: 0.5, cacheWrite: 0.5 }, tiers: [], contextWindow: 32000 },
    });
    expect(answers[1]).toMatchObject({ provider: 'openai', model: 'gpt-4o', price: { perMillion: { input: 2.5, output: 10, cacheRead: 1.25 }, contextWindow: 128000 } });
  });

  it('with no model: the models in the db, unpriced first, with their calls', () => {
    const db = path.join(tmp, 'seen.db');
    const store = new CallStore({ path: db, maxCalls: 1000, retentionMs: 7 * 86400_000, now: Date.now });
    store.commit({
      upserted: [
        makeCall({ id: 'a', model: 'gpt-4o', timeMs: Date.now() - 3000 }),
        makeCall({ id: 'b', model: 'gpt-4o', timeMs: Date.now() - 2000 }),
        makeCall({ id: 'c', provider: 'acme', model: 'acme-llm-9', costUsd: null, costSource: 'unknown', timeMs: Date.now() - 1000 }),
      ],
      deleted: [],
    });
    store.close();
    const o = prices('--db', db);
    expect(o.code, o.stderr).toBe(0);
    const heads = o.stdout.split('\n').filter((l) => l !== '' && !l.startsWith(' '));
    expect(heads).toEqual(['acme/acme-llm-9  no price known: its cost shows as ?  (1 call stored)', 'openai/gpt-4o  →  openai/gpt-4o  (2 calls stored)']);
  });

  it('a db file that is not there: one line and exit 2', () => {
    const o = prices('--db', path.join(tmp, 'missing.db'));
    expect({ code: o.code, stderr: o.stderr.trim().split('\n') }).toEqual({ code: 2, stderr: [`llmtop: no llmtop database at ${path.join(tmp, 'missing.db')}; name a model, or pass --db`] });
  });
});
