import { cleanup } from 'ink-testing-library';
import stringWidth from 'string-width';
import { afterEach, describe, expect, test } from 'vitest';
import type { LlmCall } from '../../src/domain/call.js';
import { lineWith, linesOf, renderApp } from '../helpers/render-app.js';
import { makeCall, NOW, statsWith } from '../helpers/view-calls.js';

afterEach(() => cleanup());

const MIN = 60_000;

/**
 * Two 5-minute windows on a fake clock at NOW:
 * - gpt-4o: 8 calls of 1.0s and $0.01 before, 10 calls of 1.2s and $0.01 now, one of them failed.
 * - claude: 4 calls of 2.5s before, 4 of 2.0s now, same cost, no errors.
 */
function twoWindows(): LlmCall[] {
  const calls: LlmCall[] = [];
  for (let i = 0; i < 8; i++) calls.push(makeCall({ timeMs: NOW - 6 * MIN - i * 1000, durationMs: 1000, costUsd: 0.01 }));
  for (let i = 0; i < 10; i++)
    calls.push(makeCall({ timeMs: NOW - MIN - i * 1000, durationMs: 1200, costUsd: 0.01, status: i === 0 ? 'error' : 'ok', error: i === 0 ? 'boom' : null }));
  const claude = { provider: 'anthropic', model: 'claude-sonnet-4-5', costUsd: 0.05 };
  for (let i = 0; i < 4; i++) calls.push(makeCall({ ...claude, timeMs: NOW - 7 * MIN - i * 1000, durationMs: 2500 }));
  for (let i = 0; i < 4; i++) calls.push(makeCall({ ...claude, timeMs: NOW - 2 * MIN - i * 1000, durationMs: 2000 }));
  return calls;
}

const cells = (line: string) => line.replace(/^[ ▸›]+/, '').trim().split(/ +/);

describe('compare with the previous window (c)', () => {
  test('c puts the change beside each number at 80x24; c again goes back', async () => {
    const r = await renderApp(statsWith(twoWindows()), { columns: 80, rows: 24 });
    expect(r.frame()).not.toContain('↑');
    await r.press('c');
    const frame = r.frame();
    for (const l of linesOf(frame)) expect(stringWidth(l), l).toBeLessThanOrEqual(80);
    expect(lineWith(frame, 'TABLE')).toContain('vs previous window');
    expect(cells(lineWith(frame, 'PROVIDER/MODEL'))).toEqual(['PROVIDER/MODEL', 'REQS', 'P95', 'COST', 'ERR%']);
    // 10 vs 8 calls, P95 1.2s vs 1.0s, $0.10 vs $0.08, 10% errors vs none.
    expect(cells(lineWith(frame, 'openai/gpt-4o '))).toEqual(['openai/gpt-4o', '10', '↑25%', '1.2s', '↑20%', '$0.1000', '↑25%', '10%', 'new']);
    expect(cells(lineWith(frame, 'anthropic/claude'))).toEqual(['anthropic/claude-sonnet-4…', '4', '=', '2.0s', '↓20%', '$0.2000', '=', '0%', '=']);
    await r.press('c');
    expect(r.frame()).not.toContain('vs previous window');
    expect(cells(lineWith(r.frame(), 'PROVIDER/MODEL'))).toContain('TTFT');
  });

  test('as the clock moves on, the windows move with it', async () => {
    let now = NOW;
    const r = await renderApp(statsWith(twoWindows(), () => now), { columns: 100, rows: 30 });
    await r.press('c');
    expect(cells(lineWith(r.frame(), 'openai/gpt-4o '))[1]).toBe('10');
    // Five minutes on: the current window is empty, the previous one holds what was current.
    now = NOW + 5 * MIN;
    await r.press('w', 'w', 'w', 'w', 'w'); // 5m → 15m → 1h → 24h → 1m → 5m: a re-read at the new time
    const frame = r.frame();
    expect(frame).toContain('no calls in this window match');
  });
});
