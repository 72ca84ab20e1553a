import { cleanup } from 'ink-testing-library';
import stringWidth from 'string-width';
import { afterEach, describe, expect, test } from 'vitest';
import { KEY, stripSgr } from '../helpers/ink-terminal.js';
import { lineWith, linesOf, renderApp } from '../helpers/render-app.js';
import { dashboardCalls, makeCall, NOW, statsWith } from '../helpers/view-calls.js';

afterEach(() => cleanup());

function expectFits(frame: string, columns: number, rows: number) {
  const lines = linesOf(frame);
  expect(lines.length).toBeLessThanOrEqual(rows - 1);
  for (const l of lines) expect(stringWidth(l), l).toBeLessThanOrEqual(columns);
}

describe('terminal sizes', () => {
  test('80x24: every panel, frame of 23 lines, no line wider than 80', async () => {
    const r = await renderApp(statsWith(dashboardCalls()), { columns: 80, rows: 24 });
    const frame = r.frame();
    expectFits(frame, 80, 24);
    expect(linesOf(frame)).toHaveLength(23);
    expect(frame).toContain('req/s avg');
    expect(lineWith(frame, 'REQS')).toMatch(/REQ\/S +P50 +P95 +TTFT +TOKENS +CACHE +COST +ERR%$/);
    expect(lineWith(frame, 'openai/gpt-4o')).toMatch(/1\.9s +1\.9s +24\.0k +25% +\$0\.2000 +0%$/);
    // 18 columns are left for the text: prompt and response get half each.
    expect(lineWith(frame, '11:59:59')).toMatch(/100ms 100ms +1\.0k\/200 +\$0\.0100 ok  questio… → answer…$/);
    // The footer keeps the letter keys; the rest are in the help.
    expect(linesOf(frame).at(-1)!.trim()).toBe('Tab panel  / filter  g group  w window  s sort  p pause  ? help  q quit');
  });

  test('140x45: wide columns, provider and service in the log, 44 lines', async () => {
    const r = await renderApp(statsWith(dashboardCalls()), { columns: 140, rows: 45 });
    const frame = r.frame();
    expectFits(frame, 140, 45);
    expect(linesOf(frame)).toHaveLength(44);
    expect(lineWith(frame, 'REQS')).toMatch(/P95 TTFT +TOK\/S +IN +OUT +CTX95 +CACHE +COST +SAVED +ERR%$/);
    expect(lineWith(frame, 'anthropic/claude-sonnet-4-5  ').split(/ +/).slice(2, 10)).toEqual(['4', '0.01', '3.0s', '3.0s', '-', '17', '400', '200']);
    expect(lineWith(frame, '11:59:59')).toMatch(/openai\/gpt-4o +checkout +100ms +100ms +1\.0k\/200 +- +\$0\.0100 ok +question 0 → answer 0/);
    // More log lines than at 80x24: the whole 5-minute log fits.
    expect(frame).toContain('claude prompt 3');
    // Every footer hint fits.
    expect(linesOf(frame).at(-1)).toMatch(/Tab panel .*↑↓ move .*Esc back .*p pause .*q quit/);
  });

  test('resizing re-lays out at once', async () => {
    const r = await renderApp(statsWith(dashboardCalls()), { columns: 140, rows: 45 });
    expect(r.frame()).toContain('P95 TTFT');
    await r.resize(80, 24);
    expectFits(r.frame(), 80, 24);
    expect(linesOf(r.frame())).toHaveLength(23);
    expect(r.frame()).toContain('TOKENS');
    expect(r.frame()).not.toContain('P95 TTFT');
    await r.resize(100, 14);
    expectFits(r.frame(), 100, 14);
    expect(r.frame()).not.toContain('req/s avg');
  });

  test.each([
    [80, 24],
    [140, 45],
    [60, 20],
    [100, 12],
    [200, 60],
  ])('%ix%i with 60 models and huge prompts: never taller or wider than the terminal', async (columns, rows) => {
    const calls = Array.from({ length: 60 }, (_, i) =>
      makeCall({ model: `model-${i}-${'x'.repeat(i)}`, timeMs: NOW - i * 1000, prompt: 'p'.repeat(50_000), response: 'r\n'.repeat(5000) }),
    );
    const r = await renderApp(statsWith(calls), { columns, rows });
    expectFits(r.frame(), columns, rows);
    await r.press(KEY.tab, KEY.enter);
    expectFits(r.frame(), columns, rows);
    await r.press(KEY.esc, '?');
    expectFits(r.frame(), columns, rows);
  });

  test('empty state fits 80x24', async () => {
    const r = await renderApp(statsWith([]), { columns: 80, rows: 24 });
    expectFits(r.frame(), 80, 24);
  });
});

describe('terminal safety', () => {
  const hostile = makeCall({
    id: 'hostile',
    timeMs: NOW - 100,
    provider: 'open\u001b[5mai',
    model: 'gpt\u001b[2J\u001b[H-evil',
    service: 'svc\u009b31m',
    user: 'eve\u0007',
    prompt: 'before\u001b]0;pwned title\u0007\u001b[31mRED\u001b[0m\rOVERWRITE\bX\u007f\u001b]52;c;Y2xpcA==\u001b\\after\u202eevil',
    response: 'resp\u001b[1;1H\u001b[Kcleared\nsecond line',
    status: 'error',
    error: 'boom\u001b[?1049h',
  });

  function expectSafe(frame: string) {
    const text = stripSgr(frame);
    expect(text).not.toContain('\u001b');
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
  }

  test('escape sequences in prompt, model, provider, error are shown, never sent', async () => {
    const r = await renderApp(statsWith([hostile, ...dashboardCalls()]), { columns: 140, rows: 45 });
    const frame = r.frame();
    expectSafe(frame);
    expect(frame).toContain('open^[[5mai/gpt^[[2J^[[H-evil');
    expect(lineWith(frame, 'before')).toContain('ERR before^[]0;pwned titl… → ✗ boom^[[?1049h');
    await r.press(KEY.tab, KEY.enter);
    const detail = r.frame();
    expectSafe(detail);
    expect(detail).toContain('before^[]0;pwned title^G^[[31mRED^[[0m^MOVERWRITE^HX^?^[]52;c;Y2xpcA==^[\\after<U+202E>evil');
    expect(detail).toContain('resp^[[1;1H^[[Kcleared');
    expect(detail).toContain('second line');
    expect(detail).toContain('error: boom^[[?1049h');
    expect(detail).toContain('service svc\\x9b31m');
    expect(detail).toContain('user eve^G');
  });

  test('control characters pasted into the filter are dropped', async () => {
    const r = await renderApp(statsWith([hostile]));
    await r.press('/', 'ev\u0007i\u009bl', KEY.enter);
    expectSafe(r.frame());
    expect(linesOf(r.frame())[0]).toContain('filter "evil"');
  });

  test('wide characters and emoji keep the table and log columns aligned', async () => {
    const calls = [
      makeCall({ model: '模型-😀', provider: 'zhipu', costUsd: 0.03, timeMs: NOW - 3000, prompt: '你好，世界 👋🏽 ok', response: '🎉🎉' }),
      makeCall({ model: 'gpt-4o', costUsd: 0.02, timeMs: NOW - 2000, prompt: 'hello', response: 'world' }),
      makeCall({ model: '👨‍👩‍👧-family-model-with-a-long-name', provider: 'x', costUsd: 0.01, timeMs: NOW - 1000 }),
    ];
    for (const size of [
      { columns: 80, rows: 24 },
      { columns: 140, rows: 45 },
    ]) {
      const r = await renderApp(statsWith(calls), size);
      const frame = r.frame();
      expectFits(frame, size.columns, size.rows);
      // The cost column ends at the same display column on every table row.
      const ends = ['$0.0300', '$0.0200', '$0.0100'].map((cost) => {
        const line = lineWith(frame.split('LOG')[0]!, cost);
        return stringWidth(line.slice(0, line.indexOf(cost) + cost.length));
      });
      expect(new Set(ends).size, frame).toBe(1);
      // So does the status column of the log.
      const logPart = frame.split('LOG')[1]!;
      const status = linesOf(logPart)
        .filter((l) => / ok /.test(l))
        .map((l) => stringWidth(l.slice(0, l.indexOf(' ok '))));
      expect(status).toHaveLength(3);
      expect(new Set(status).size).toBe(1);
      expect(frame).toContain('zhipu/模型-😀');
      expect(lineWith(frame, '11:59:57')).toContain(size.columns > 100 ? '你好，世界 👋🏽 ok → 🎉🎉' : '你好，世界… → 🎉🎉');
      cleanup();
    }
  });
});
