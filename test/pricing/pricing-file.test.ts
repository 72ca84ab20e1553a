import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PriceTable, PricingFileError, loadPricingFile } from '../../src/pricing/index.js';

const dir = mkdtempSync(join(tmpdir(), 'llmtop-pricing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(content: string): string {
  const path = join(dir, `pricing-${n++}.json`);
  writeFileSync(path, content);
  return path;
}

describe('loadPricingFile', () => {
  it('reads {"models": {...}} and overrides the built-in table', () => {
    const path = file(
      JSON.stringify({
        models: {
          'gpt-4o': { input: 2, output: 8, cacheRead: 1 },
          'acme-private-model': { input: 0.5, output: 1.5, contextWindow: 32_000 },
          'anthropic/claude-3.5-haiku': { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 },
        },
      }),
    );
    const entries = loadPricingFile(path);
    expect(entries['acme-private-model']).toEqual({ input: 0.5, output: 1.5, contextWindow: 32_000 });

    const table = PriceTable.builtIn().withOverrides(entries);
    expect(table.lookup('openai', 'gpt-4o-2024-08-06')?.price).toEqual({ input: 2, output: 8, cacheRead: 1 });
    expect(table.lookup('acme', 'acme-private-model-2025-06-01')?.model).toBe('acme-private-model');
    expect(table.lookup('anthropic', 'claude-3.5-haiku')?.model).toBe('anthropic/claude-3.5-haiku');
    expect(table.lookup('openai', 'gpt-4.1')?.price.input).toBe(2); // built-ins are kept
  });

  it('accepts a bare object of model → price, and an empty one', () => {
    expect(loadPricingFile(file('{"my-model": {"input": 1, "output": 0}}'))).toEqual({ 'my-model': { input: 1, output: 0 } });
    expect(loadPricingFile(file('{"models": {}}'))).toEqual({});
  });

  const bad: Array<[name: string, make: () => string, problem: RegExp]> = [
    ['missing file', () => join(dir, 'nope.json'), /no such file/],
    ['unreadable (a directory)', () => { const d = join(dir, 'a-dir'); mkdirSync(d, { recursive: true }); return d; }, /cannot read it \(EISDIR\)/],
    ['not JSON', () => file('{"models": {\n  "gpt-4o": {"input": 1,,}\n}'), /not valid JSON/],
    ['empty file', () => file(''), /not valid JSON/],
    ['top level not an object', () => file('[1, 2]'), /expected \{"models"/],
    ['models not an object', () => file('{"models": [1]}'), /"models" must be an object/],
    ['price not an object', () => file('{"models": {"gpt-4o": 2.5}}'), /model "gpt-4o": expected an object/],
    ['input missing', () => file('{"models": {"gpt-4o": {"output": 10}}}'), /model "gpt-4o": "input" is missing/],
    ['output missing', () => file('{"models": {"gpt-4o": {"input": 1}}}'), /model "gpt-4o": "output" is missing/],
    ['negative price', () => file('{"models": {"gpt-4o": {"input": -1, "output": 10}}}'), /"input" must be a non-negative number, got -1/],
    ['string price', () => file('{"models": {"gpt-4o": {"input": "2.5", "output": 10}}}'), /"input" must be a non-negative number, got "2.5"/],
    ['null price', () => file('{"models": {"gpt-4o": {"input": 1, "output": null}}}'), /"output" must be a non-negative number, got null/],
    ['bad optional price', () => file('{"models": {"gpt-4o": {"input": 1, "output": 1, "cacheRead": true}}}'), /"cacheRead" must be a non-negative number/],
    ['infinite price', () => file('{"models": {"gpt-4o": {"input": 1e999, "output": 1}}}'), /"input" must be a non-negative number/],
    ['unknown field', () => file('{"models": {"gpt-4o": {"input": 1, "output": 1, "cache_read": 0.5}}}'), /unknown field "cache_read"/],
    ['empty model name', () => file('{"models": {" ": {"input": 1, "output": 1}}}'), /a model name is empty/],
  ];

  it.each(bad)('%s: one line naming the file and the problem', (_name, make, problem) => {
    const path = make();
    let error: unknown;
    try {
      loadPricingFile(path);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PricingFileError);
    const { message } = error as PricingFileError;
    expect(message.startsWith(`pricing file ${path}: `)).toBe(true);
    expect(message).toMatch(problem);
    expect(message).not.toMatch(/\n/);
    expect((error as PricingFileError).path).toBe(path);
  });
});
