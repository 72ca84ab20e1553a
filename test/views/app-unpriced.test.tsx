import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { lineWith, linesOf, renderApp } from '../helpers/render-app.js';
import { makeCall, NOW, statsWith } from '../helpers/view-calls.js';

/*
 * Unknown is never shown as zero: a call with no price shows `?`, a total that leaves such calls
 * out is a floor (`≥$…`) with how many it leaves out beside it, and a model with no priced call
 * at all shows `?`, at 80x24.
 */

function dashboard() {
  return statsWith([
    // Priced: 3 × $0.01 of gpt-4o.
    ...[1, 2, 3].map((i) => makeCall({ id: `p${i}`, timeMs: NOW - i * 10_000, model: 'gpt-4o', costUsd: 0.01, costSource: 'estimated' })),
    // No price anywhere: 2 calls of acme-llm-9, the newest of all.
    ...[1, 2].map((i) => makeCall({ id: `u${i}`, timeMs: NOW - i * 1000, provider: 'acme', model: 'acme-llm-9', costUsd: null, costSource: 'unknown', prompt: `unpriced ${i}` })),
  ]);
}

afterEach(() => cleanup());

describe('unpriced calls at 80x24', () => {
  it('the header shows a floor and how many calls it leaves out; the model row and the log show ?', async () => {
    const app = await renderApp(dashboard(), { columns: 80, rows: 24 });
    const frame = app.frame();
    expect(linesOf(frame).length).toBeLessThanOrEqual(24);
    expect(lineWith(frame, 'req/s')).toMatch(/cost ≥~\$0\.0300 2 unpriced/);
    // The model with no priced call: `?`, not $0; gpt-4o its own cost.
    expect(lineWith(frame, 'acme/acme-llm-9')).toMatch(/\s\?\s/);
    expect(lineWith(frame, 'acme/acme-llm-9')).not.toMatch(/\$0\b/);
    expect(lineWith(frame, 'openai/gpt-4o')).toContain('~$0.0300');
    // The newest call in the log is an unpriced one: `?` in its cost column.
    expect(lineWith(frame, 'unpriced 1')).toMatch(/\s\?\s+ok/);
  });
});
