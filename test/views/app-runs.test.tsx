import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, test } from 'vitest';
import { LiveDashboard } from '../../src/app/dashboard-source.js';
import type { LlmCall } from '../../src/domain/call.js';
import type { SpanSkeleton } from '../../src/domain/run.js';
import { RunIndex } from '../../src/stats/runs.js';
import { KEY, settle } from '../helpers/ink-terminal.js';
import { lineWith, linesOf, renderApp } from '../helpers/render-app.js';
import { makeCall, NOW, statsWith } from '../helpers/view-calls.js';

afterEach(() => cleanup());

/*
 * The runs view (`r`) on a real LiveStats and RunIndex: an agent turn (root, a tool, two calls)
 * and a cheaper one-call run; the tree of the turn, and a call's text from there.
 */

const sk = (spanId: string, parentSpanId: string, name: string, from: number, to: number): SpanSkeleton => ({
  traceId: 'turn',
  spanId,
  parentSpanId,
  name,
  service: 'agent',
  startMs: NOW - 20_000 + from,
  endMs: NOW - 20_000 + to,
});

function source(stored: LlmCall[] = []) {
  const calls = [
    makeCall({ id: 'c1', traceId: 'turn', spanId: 'chat1', model: 'gpt-4.1', timeMs: NOW - 20_000 + 100, durationMs: 1000, inputTokens: 1200, outputTokens: 80, costUsd: 0.5, prompt: 'Plan the refund for order 42' }),
    makeCall({ id: 'c2', traceId: 'turn', spanId: 'chat2', model: 'gpt-4o-mini', timeMs: NOW - 20_000 + 1500, durationMs: 500, costUsd: 0.25 }),
    makeCall({ id: 'c3', traceId: 'single', spanId: 's', model: 'gpt-4o-mini', service: 'search', timeMs: NOW - 5000, costUsd: 0.01 }),
  ];
  const stats = statsWith(calls);
  const runs = new RunIndex({ maxRuns: 100, maxSpansPerRun: 100, horizonMs: 3600_000, now: () => NOW });
  runs.apply({ upserted: calls, deleted: [] }, [
    sk('chat1', 'root', 'chat gpt-4.1', 100, 1100),
    sk('tool', 'root', 'execute_tool refund', 1100, 1400),
    sk('chat2', 'root', 'chat gpt-4o-mini', 1500, 2000),
    sk('root', '', 'invoke_agent refunds', 0, 2500),
  ]);
  const byId = new Map(stored.map((c) => [c.id, c]));
  return { stats, source: new LiveDashboard(stats, { runs: { index: runs, call: (id) => byId.get(id) } }) };
}

describe('runs view', () => {
  test('r lists the runs, most expensive first, with calls, cost, wall time and model share; s re-sorts', async () => {
    const { stats, source: src } = source();
    const r = await renderApp(stats, { columns: 80, rows: 24 }, { source: src });
    await r.press('r');
    const frame = r.frame();
    expect(linesOf(frame).length).toBeLessThanOrEqual(23);
    expect(frame).toContain('RUNS');
    expect(frame).toContain('by cost');
    const turn = lineWith(frame, 'invoke_agent refunds');
    expect(turn).toMatch(/^› /); // selected: the most expensive
    expect(turn).toContain('$0.7500');
    expect(turn).toMatch(/\b2\b/); // calls
    expect(turn).toContain('2.5s'); // wall time
    expect(turn).toContain('60%'); // 1.5 s of 2.5 s waiting on models
    expect(lineWith(frame, 'search · chat gpt-4o-mini')).toContain('$0.0100'); // named after its first call: no root
    await r.press('s', 's', 's'); // cost → calls → duration → time: newest first
    expect(r.frame()).toContain('by newest');
    expect(lineWith(r.frame(), 'search · chat')).toMatch(/^› /);
  });

  test('Enter opens the run as an indented tree with the LLM calls marked; Enter on a call shows its text; Esc goes back', async () => {
    const { stats, source: src } = source();
    const r = await renderApp(stats, { columns: 80, rows: 24 }, { source: src });
    await r.press('r', KEY.enter);
    const tree = r.frame();
    expect(linesOf(tree).length).toBeLessThanOrEqual(23);
    expect(tree).toContain('RUN invoke_agent refunds');
    expect(lineWith(tree, '· invoke_agent refunds')).toMatch(/^› · invoke_agent/);
    expect(lineWith(tree, 'gpt-4.1')).toMatch(/^ {4}◆ gpt-4\.1 +1\.2k→80 tok +\$0\.5000 +1\.0s/);
    expect(lineWith(tree, 'execute_tool refund')).toMatch(/^ {4}· execute_tool refund +300ms/);
    const order = ['invoke_agent refunds', 'chat gpt-4.1', 'execute_tool refund', 'chat gpt-4o-mini'].map((n) => linesOf(tree).findIndex((l) => l.includes(n)));
    expect(order).toEqual([...order].sort((a, b) => a - b));

    await r.press(KEY.down, KEY.enter);
    expect(r.frame()).toContain('CALL openai/gpt-4.1');
    expect(r.frame()).toContain('Plan the refund for order 42');
    await r.press(KEY.esc);
    expect(r.frame()).toContain('RUN invoke_agent refunds');
    await r.press(KEY.esc);
    expect(r.frame()).toContain('RUNS');
    await r.press(KEY.esc);
    expect(r.frame()).toContain('TABLE');
  });

  // tmux, or a user typing ahead of a busy screen, gives Ink both keys before it renders again:
  // Enter must open the call that Down selected, not act on the row selected before it.
  test('keys written in the same tick each act on the screen the one before produced', async () => {
    const { stats, source: src } = source();
    const r = await renderApp(stats, { columns: 80, rows: 24 }, { source: src });
    // Opening the runs and a run change the rows: the keys after each wait for them.
    for (const k of ['r', KEY.enter, KEY.down, KEY.enter]) r.stdin.write(k);
    for (let i = 0; i < 20 && !r.frame().includes('CALL'); i++) await settle();
    expect(r.frame()).toContain('CALL openai/gpt-4.1');
    expect(r.frame()).toContain('Plan the refund for order 42');
  });

  test('a call no longer held in memory is read through the source (the store behind it)', async () => {
    const gone = makeCall({ id: 'c2', traceId: 'turn', spanId: 'chat2', model: 'gpt-4o-mini', prompt: 'from the store' });
    const { stats, source: src } = source([gone]);
    stats.apply({ upserted: [], deleted: [{ id: 'c2', timeMs: gone.timeMs }], replaced: [] });
    const r = await renderApp(stats, { columns: 80, rows: 24 }, { source: src });
    await r.press('r', KEY.enter, KEY.down, KEY.down, KEY.down, KEY.enter);
    expect(r.frame()).toContain('from the store');
  });
});
