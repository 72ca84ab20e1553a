import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { helpEntries } from '../../src/views/keys.js';
import { KEY, settle } from '../helpers/ink-terminal.js';
import { lineWith, linesOf, renderApp } from '../helpers/render-app.js';
import { dashboardCalls, makeCall, NOW, statsWith } from '../helpers/view-calls.js';

afterEach(() => cleanup());

/** The row the focused panel has selected: marked `▸ ` (the title line is `▸ TABLE`/`▸ LOG`). */
function selectedRow(frame: string): string {
  const row = linesOf(frame).find((l) => l.startsWith('▸ ') && !/^▸ (TABLE|LOG|CALL|HELP)/.test(l));
  if (!row) throw new Error(`no selected row in:\n${frame}`);
  return row;
}

/** Table rows in display order, by name. */
function tableNames(frame: string): string[] {
  const lines = linesOf(frame);
  const start = lines.findIndex((l) => /^ {2}[A-Z/]+ +REQS/.test(l));
  const end = lines.findIndex((l, i) => i > start && /^[▸ ] LOG/.test(l));
  return lines.slice(start + 1, end).map((l) => l.slice(2).split(/ +/)[0]!);
}

describe('keys', () => {
  test('Tab and Shift+Tab move focus between table and log, always visible', async () => {
    const r = await renderApp(statsWith(dashboardCalls()));
    expect(r.frame()).toContain('▸ TABLE');
    expect(r.frame()).toContain('  LOG');
    await r.press(KEY.tab);
    expect(r.frame()).toContain('▸ LOG');
    expect(r.frame()).toContain('  TABLE');
    expect(selectedRow(r.frame())).toContain('question 0');
    await r.press(KEY.shiftTab);
    expect(r.frame()).toContain('▸ TABLE');
    await r.press(KEY.shiftTab);
    expect(r.frame()).toContain('▸ LOG');
  });

  test('↑↓ and j k select table rows', async () => {
    const r = await renderApp(statsWith(dashboardCalls()));
    expect(selectedRow(r.frame())).toContain('openai/gpt-4o');
    await r.press(KEY.down);
    expect(selectedRow(r.frame())).toContain('anthropic/claude-sonnet-4-5');
    await r.press(KEY.down);
    expect(selectedRow(r.frame())).toContain('anthropic/claude-sonnet-4-5');
    await r.press('k');
    expect(selectedRow(r.frame())).toContain('openai/gpt-4o');
    await r.press('j');
    expect(selectedRow(r.frame())).toContain('anthropic/claude-sonnet-4-5');
    await r.press(KEY.up);
    expect(selectedRow(r.frame())).toContain('openai/gpt-4o');
  });

  test('↑↓ j k PgDn End Home scroll the log', async () => {
    const r = await renderApp(statsWith(dashboardCalls()));
    await r.press(KEY.tab, KEY.down, 'j');
    expect(selectedRow(r.frame())).toContain('question 2');
    await r.press('k');
    expect(selectedRow(r.frame())).toContain('question 1');
    await r.press(KEY.end);
    // The oldest call in memory, scrolled into view.
    expect(selectedRow(r.frame())).toContain('gemini-2.5-pro');
    expect(r.frame()).not.toContain('question 0 ');
    await r.press(KEY.home);
    expect(selectedRow(r.frame())).toContain('question 0');
    await r.press(KEY.pageDown);
    // 100x30: 16 log lines, a page moves 15.
    expect(selectedRow(r.frame())).toContain('question 15');
    await r.press(KEY.pageUp);
    expect(selectedRow(r.frame())).toContain('question 0');
  });

  test('Enter on a table row shows only its calls in the log; Esc shows all again', async () => {
    const r = await renderApp(statsWith(dashboardCalls()));
    await r.press(KEY.down, KEY.enter);
    let frame = r.frame();
    expect(frame).toContain('▸ LOG');
    expect(lineWith(frame, 'LOG')).toContain('4 calls · only provider=anthropic model=claude-sonnet-4-5 (Esc clears)');
    expect(frame).not.toContain('question');
    expect(frame).toContain('claude prompt 3');
    expect(linesOf(frame)[0]).toContain('log provider=anthropic model=claude-sonnet-4-5');
    await r.press(KEY.esc);
    frame = r.frame();
    expect(lineWith(frame, 'LOG')).toContain('25 calls');
    expect(frame).toContain('question 0');
  });

  test('Enter on a log line opens it; ↓ j k PgDn PgUp End Home scroll; Esc goes back', async () => {
    const prompt = Array.from({ length: 60 }, (_, i) => `prompt line ${i + 1}`).join('\n');
    const r = await renderApp(statsWith([...dashboardCalls(), makeCall({ id: 'big', timeMs: NOW - 10, prompt, response: 'the end' })]));
    await r.press(KEY.tab, KEY.enter);
    // 100x30: a 25-line body, 24 lines of text under the title; 4 meta lines, a rule, 60, a rule, 1.
    expect(lineWith(r.frame(), '▸ CALL')).toContain('lines 1-24 of 67');
    expect(r.frame()).toContain('prompt line 1\n');
    await r.press(KEY.down, 'j');
    expect(lineWith(r.frame(), '▸ CALL')).toContain('lines 3-26 of 67');
    await r.press('k');
    expect(lineWith(r.frame(), '▸ CALL')).toContain('lines 2-25 of 67');
    await r.press(KEY.pageDown);
    expect(lineWith(r.frame(), '▸ CALL')).toContain('lines 25-48 of 67');
    await r.press(KEY.end);
    expect(lineWith(r.frame(), '▸ CALL')).toContain('lines 44-67 of 67');
    expect(r.frame()).toContain('the end');
    await r.press(KEY.pageUp);
    expect(lineWith(r.frame(), '▸ CALL')).toContain('lines 21-44 of 67');
    await r.press(KEY.home);
    expect(lineWith(r.frame(), '▸ CALL')).toContain('lines 1-24 of 67');
    await r.press(KEY.esc);
    expect(r.frame()).toContain('▸ LOG');
    expect(r.frame()).not.toContain('CALL');
  });

  test('/ filters table and log; Esc while typing cancels; Esc clears an applied filter', async () => {
    const r = await renderApp(statsWith(dashboardCalls()));
    await r.press('/');
    expect(linesOf(r.frame()).at(-1)).toMatch(/^\/ █ +⏎ apply +Esc cancel/);
    await r.press('cla', 'x', KEY.backspace, 'ude');
    expect(linesOf(r.frame()).at(-1)).toContain('/ claude█');
    await r.press(KEY.enter);
    let frame = r.frame();
    expect(linesOf(frame)[0]).toContain('filter "claude"');
    expect(tableNames(frame)).toEqual(['anthropic/claude-sonnet-4-5']);
    expect(lineWith(frame, 'LOG')).toContain('4 calls');
    expect(linesOf(frame)[1]).toMatch(/^4 req /);
    await r.press('/', 'gpt', KEY.esc);
    frame = r.frame();
    expect(linesOf(frame)[0]).toContain('filter "claude"');
    expect(linesOf(frame).at(-1)).toContain('/ filter');
    await r.press(KEY.esc);
    frame = r.frame();
    expect(linesOf(frame)[0]).not.toContain('filter');
    expect(tableNames(frame)).toEqual(['openai/gpt-4o', 'anthropic/claude-sonnet-4-5']);
  });

  test('typing a filter: q and g are letters, not commands', async () => {
    const onQuit = vi.fn();
    const r = await renderApp(statsWith(dashboardCalls()), undefined, { onQuit });
    await r.press('/', 'q', 'g', KEY.enter);
    expect(onQuit).not.toHaveBeenCalled();
    expect(linesOf(r.frame())[0]).toContain('filter "qg"');
  });

  test('g regroups by provider, model, service, environment, operation, user, and back', async () => {
    const r = await renderApp(statsWith(dashboardCalls()));
    const seen: [string, string[]][] = [];
    for (let i = 0; i < 7; i++) {
      await r.press('g');
      const frame = r.frame();
      seen.push([lineWith(frame, 'REQS').trim().split(/ +/)[0]!, tableNames(frame)]);
    }
    expect(seen).toEqual([
      ['PROVIDER', ['openai', 'anthropic']],
      ['MODEL', ['gpt-4o', 'claude-sonnet-4-5']],
      ['SERVICE', ['checkout', 'support']],
      ['ENVIRONMENT', ['prod', 'staging']],
      ['OPERATION', ['chat']],
      ['USER', ['alice', 'bob']],
      ['PROVIDER/MODEL', ['openai/gpt-4o', 'anthropic/claude-sonnet-4-5']],
    ]);
    await r.press('g', 'g', 'g', 'g', 'g');
    expect(lineWith(r.frame(), '▸ chat').split(/ +/).slice(1, 3)).toEqual(['chat', '24']);
  });

  test('w cycles the window: 15m takes in the older call', async () => {
    const r = await renderApp(statsWith(dashboardCalls()));
    await r.press('w');
    const frame = r.frame();
    expect(linesOf(frame)[0]).toContain('window 15m');
    expect(linesOf(frame)[1]).toMatch(/^25 req /);
    expect(tableNames(frame)).toContain('google/gemini-2.5-pro');
    await r.press('w', 'w', 'w');
    expect(linesOf(r.frame())[0]).toContain('window 1m');
    // Every call but the 10-minute-old one is in the last minute: same count, five times the rate.
    expect(linesOf(r.frame())[1]).toMatch(/^24 req  0\.40 req\/s /);
    expect(tableNames(r.frame())).not.toContain('google/gemini-2.5-pro');
  });

  test('s sorts by the next column, descending', async () => {
    const r = await renderApp(statsWith(dashboardCalls()));
    expect(tableNames(r.frame())).toEqual(['openai/gpt-4o', 'anthropic/claude-sonnet-4-5']);
    await r.press('s');
    expect(lineWith(r.frame(), 'TABLE')).toContain('sort P50 ▼');
    expect(tableNames(r.frame())).toEqual(['anthropic/claude-sonnet-4-5', 'openai/gpt-4o']);
    await r.press('s', 's');
    expect(lineWith(r.frame(), 'TABLE')).toContain('sort P95 TTFT ▼');
    // Only gpt-4o streamed: it leads on TTFT.
    expect(tableNames(r.frame())).toEqual(['openai/gpt-4o', 'anthropic/claude-sonnet-4-5']);
    await r.press('s', 's', 's');
    expect(lineWith(r.frame(), 'TABLE')).toContain('sort cost ▼');
    expect(tableNames(r.frame())).toEqual(['anthropic/claude-sonnet-4-5', 'openai/gpt-4o']);
  });

  test('p pauses: new calls are not shown until resumed', async () => {
    const stats = statsWith(dashboardCalls());
    const r = await renderApp(stats);
    await r.press('p');
    expect(linesOf(r.frame())[0]).toContain('❚❚ paused');
    stats.apply({ upserted: [makeCall({ id: 'late', model: 'late-model', timeMs: NOW - 5 })], deleted: [], replaced: [] });
    await settle(200);
    expect(r.frame()).not.toContain('late-model');
    expect(linesOf(r.frame())[1]).toMatch(/^24 req /);
    await r.press('p');
    await settle(150);
    expect(linesOf(r.frame())[0]).toContain('● live');
    expect(r.frame()).toContain('late-model');
    expect(linesOf(r.frame())[1]).toMatch(/^25 req /);
  });

  test('? shows every key of the key table; ? or Esc closes', async () => {
    const r = await renderApp(statsWith(dashboardCalls()), { columns: 80, rows: 24 });
    await r.press('?');
    const frame = r.frame();
    expect(frame).toContain('▸ HELP');
    for (const e of helpEntries()) expect(lineWith(frame, e.text)).toContain(e.keys);
    expect(frame).toContain('~$ cost estimated from prices');
    expect(frame).toContain('SAVED what cache reads saved');
    await r.press('?');
    expect(r.frame()).not.toContain('HELP');
    await r.press('?', KEY.esc);
    expect(r.frame()).toContain('▸ TABLE');
  });

  test('keys typed faster than Ink reads them arrive as one chunk and still all count', async () => {
    // Tab then Enter in one chunk: the log takes the focus and Enter opens its newest call.
    const first = await renderApp(statsWith(dashboardCalls()));
    await first.press('\t\r');
    expect(first.frame()).toContain('▸ CALL');
    first.unmount();
    const r = await renderApp(statsWith(dashboardCalls()));
    await r.press('\tjjj');
    expect(selectedRow(r.frame())).toContain('question 3');
    await r.press('\r');
    expect(r.frame()).toContain('▸ CALL');
    await r.press(KEY.esc, '\t/claude\rg');
    // Enter applied the filter, which changes the rows: g waits for the render that shows them.
    const frame = await r.waitFor((f) => tableNames(f).join() === 'anthropic', 'the table regrouped by provider');
    expect(linesOf(frame)[0]).toContain('filter "claude"');
  });

  test('q calls onQuit and exits', async () => {
    const onQuit = vi.fn();
    const r = await renderApp(statsWith(dashboardCalls()), undefined, { onQuit });
    await r.press('q');
    expect(onQuit).toHaveBeenCalledTimes(1);
    // Exited: keys no longer reach the app.
    const before = r.frame();
    await r.press('?');
    expect(r.frame()).toBe(before);
  });

  test('Ctrl+C quits too, from any view', async () => {
    const onQuit = vi.fn();
    const r = await renderApp(statsWith(dashboardCalls()), undefined, { onQuit });
    await r.press(KEY.tab, KEY.enter, KEY.ctrlC);
    expect(onQuit).toHaveBeenCalledTimes(1);
  });
});
