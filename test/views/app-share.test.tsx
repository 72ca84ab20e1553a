import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, test } from 'vitest';
import { copyCall } from '../../src/share/copy.js';
import { BLUR_CHAR } from '../../src/views/blur.js';
import { KEY } from '../helpers/ink-terminal.js';
import { ADDRESS, lineWith, linesOf, renderApp } from '../helpers/render-app.js';
import { dashboardCalls, makeCall, statsWith } from '../helpers/view-calls.js';

/** Privacy and sharing on screen: `b` blurs the text, --no-content shows, `y`/`Y` copy a call. */

afterEach(() => cleanup());

/** Every prompt, response and error text of dashboardCalls. */
const TEXT = /question|answer|claude prompt|rate limited|older/;
const SIZES = [
  { columns: 80, rows: 24 },
  { columns: 160, rows: 45 },
];

describe('blur', () => {
  test.each(SIZES)('b: no prompt or response text in the log or the detail at $columns x $rows, and the header says so', async (size) => {
    const r = await renderApp(statsWith(dashboardCalls()), size);
    expect(r.frame()).toMatch(TEXT);
    await r.press('b');
    const frame = r.frame();
    expect(frame).not.toMatch(TEXT);
    expect(linesOf(frame)[0]).toContain('blurred');
    expect(linesOf(frame).every((l) => l.length <= size.columns)).toBe(true);
    // Every log line's bar is the same width, whatever its text's length: nothing leaks.
    const bars = linesOf(frame).flatMap((l) => l.match(new RegExp(`${BLUR_CHAR}+`, 'g')) ?? []);
    expect(bars.length).toBeGreaterThan(3);
    expect(new Set(bars.map((b) => b.length)).size).toBe(1);

    await r.press(KEY.tab, KEY.end, KEY.enter);
    const detail = r.frame();
    expect(detail).toContain('▸ CALL');
    expect(detail).toContain('── prompt');
    expect(detail).not.toMatch(TEXT);
    expect(detail).toContain(BLUR_CHAR.repeat(size.columns - 2));

    await r.press('b');
    expect(r.frame()).toMatch(TEXT);
    expect(linesOf(r.frame())[0]).not.toContain('blurred');
  });

  test('an error message is blurred too: it can quote the prompt', async () => {
    const r = await renderApp(statsWith([makeCall({ status: 'error', error: 'bad request: "my secret"', prompt: 'my secret', response: null })]), SIZES[0]);
    await r.press('b', KEY.tab, KEY.enter);
    expect(r.frame()).toContain('▸ CALL');
    expect(r.frame()).not.toContain('secret');
  });
});

test('--no-content shows in the header at 80x24, with a filter typed', async () => {
  const r = await renderApp(statsWith([makeCall({ prompt: null, response: null })]), SIZES[0], { info: { address: ADDRESS, noContent: true } });
  await r.press('/', 'gpt-4o', KEY.enter, 'b');
  const first = linesOf(r.frame())[0]!;
  expect(first).toContain('no content');
  expect(first).toContain('blurred');
  expect(first).toContain('filter');
});

describe('copy', () => {
  function copyTo() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-app-copy-'));
    const writes: string[] = [];
    const copy = (call: Parameters<typeof copyCall>[0], format: Parameters<typeof copyCall>[1]) => copyCall(call, format, { write: (b) => writes.push(b), inTmux: false, dir });
    return { dir, writes, copy };
  }
  const decoded = (seq: string) => Buffer.from(seq.slice('\u001b]52;c;'.length, -1), 'base64').toString('utf8');

  test('y on the log copies the selected call as JSON and the footer says what went where', async () => {
    const t = copyTo();
    const r = await renderApp(statsWith(dashboardCalls()), SIZES[1], { copy: t.copy });
    await r.press(KEY.tab, KEY.down, 'y');
    expect(t.writes).toHaveLength(1);
    expect(JSON.parse(decoded(t.writes[0]!))).toMatchObject({ id: 'gpt-1', prompt: 'question 1', response: 'answer 1' });
    expect(lineWith(r.frame(), 'copied call as JSON')).toContain(path.join(t.dir, 'copied.json'));
    fs.rmSync(t.dir, { recursive: true, force: true });
  });

  test('Y in the call detail copies the curl replay of that call', async () => {
    const t = copyTo();
    const r = await renderApp(statsWith(dashboardCalls()), SIZES[0], { copy: t.copy });
    await r.press(KEY.tab, KEY.enter, 'Y');
    expect(r.frame()).toContain('▸ CALL');
    const text = fs.readFileSync(path.join(t.dir, 'copied.sh'), 'utf8');
    expect(decoded(t.writes[0]!)).toBe(text);
    expect(text).toContain('"question 0"');
    expect(text).toContain('$OPENAI_API_KEY');
    fs.rmSync(t.dir, { recursive: true, force: true });
  });
});
