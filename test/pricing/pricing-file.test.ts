import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Prices, PricingFileError, loadPricingFile } from '../../src/pricing/index.js';

const dir = mkdtempSync(join(tmpdir(), 'llmtop-pricing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(content: string): string {
  const path = join(dir, `pricing-${n++}.json`);
  writeFileSync(path, content);
  return path;
}

describe('loadPricingFile', () => {
  it('reads {"models": {...}}, and its prices come before the bundled ones', () => {
    const path = file(
      JSON.stringify({
        models: {
          'gpt-4o': { input: 2, output: 8, cacheRead: 1 },
          'acme-private-model': { input: 0.5, output: 1.5, contextWindow: 32_000 },
          'anthropic/claude-3-5-haiku': { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 },
        },
      }),
    );
    const loaded = loadPricingFile(path);
    expect(loaded.entries['acme-private-model']).toEqual({ input: 0.5, output: 1.5, contextWindow: 32_000 });

    const prices = Prices.load(path);
    const at = Date.UTC(2026, 11, 7);
    expect(prices.rule('openai', 'gpt-4o-2024-08-06', at)).toMatchObject({ model: 'gpt-4o', source: { kind: 'file', path }, tiers: [{ rates: { input: 2e-6, output: 8e-6, cacheRead: 1e-6 } }] });
    expect(prices.rule('acme', 'acme-private-model-2025-06-01', at)).toMatchObject({ model: 'acme-private-model', contextWindow: 32_000 });
    // Its own snapshots only: not another model whose name starts the same.
    expect(prices.rule('acme', 'acme-private-model-2', at)).toBeNull();
    // A provider-qualified key prices that provider's model only.
    expect(prices.rule('anthropic', 'claude-3-5-haiku-20241022', at)?.model).toBe('anthropic/claude-3-5-haiku');
    expect(prices.rule('bedrock', 'claude-3-5-haiku-20241022', at)?.source.kind).toBe('bundled');
    // The bundled prices still answer for the rest.
    expect(prices.rule('openai', 'gpt-4.1', at)).toMatchObject({ model: 'gpt-4.1', source: { kind: 'bundled' } });
    // What the file says is part of the prices' fingerprint: a new file re-prices stored calls.
    expect(prices.fingerprint).not.toBe(Prices.load(null).fingerprint);
    expect(prices.fingerprint).toBe(Prices.load(path).fingerprint);
  });

  it('accepts a bare object of model → price, and an empty one', () => {
    expect(loadPricingFile(file('{"my-model": {"input": 1, "output": 0}}')).entries).toEqual({ 'my-model': { input: 1, output: 0 } });
    expect(loadPricingFile(file('{"models": {}}')).entries).toEqual({});
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
