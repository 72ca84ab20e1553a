import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveDashboard } from '../../src/app/dashboard-source.js';
import { DEFAULT_LOOP_RULE } from '../../src/domain/loop.js';
import { LoopWatch } from '../../src/stats/loops.js';
import { lineWith, linesOf, renderApp } from '../helpers/render-app.js';
import { makeCall, NOW, statsWith } from '../helpers/view-calls.js';

afterEach(() => cleanup());

/* A loop flagged shows in the header's first line and at the top of the errors view, at 80x24. */

function dashboard() {
  const calls = Array.from({ length: 7 }, (_, i) =>
    makeCall({ id: `l${i}`, timeMs: NOW - 60_000 + i * 5000, service: 'agent', model: 'gpt-4o', prompt: `Fix the failing test (attempt ${1000 + i})`, costUsd: 0.01 }),
  );
  const loops = new LoopWatch(DEFAULT_LOOP_RULE, () => NOW);
  loops.observe(calls);
  return new LiveDashboard(statsWith(calls), { loops });
}

describe('a loop in the TUI', () => {
  it('the header names the model, the count, the cost so far and the prompt; e lists it above the errors', async () => {
    const r = await renderApp(dashboard(), { columns: 80, rows: 24 });
    const first = linesOf(r.frame())[0]!;
    expect(first).toMatch(/^llmtop ● live {2}127\.0\.0\.1:4318 {2}window 5m {2}⟳ LOOP gpt-4o ×7 \$0\.0700 "Fix the fa/);
    expect(first.length).toBeLessThanOrEqual(80);
    await r.press('e');
    expect(lineWith(r.frame(), '⟳ loop')).toMatch(/⟳ loop agent gpt-4o ×7 \$0\.0700 since 11:59:00 "Fix the failing test \(attempt …/);
  });
});
