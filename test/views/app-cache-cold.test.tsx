import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveDashboard } from '../../src/app/dashboard-source.js';
import type { LlmCall } from '../../src/domain/call.js';
import { CacheWatch } from '../../src/stats/cache-watch.js';
import { KEY } from '../helpers/ink-terminal.js';
import { lineWith, renderApp } from '../helpers/render-app.js';
import { makeCall, NOW, statsWith } from '../helpers/view-calls.js';

afterEach(() => cleanup());

/*
 * A coding agent's session whose prompt cache goes cold twice: once after 7 idle minutes (the
 * cache expired), once 20 s after a call (its prefix changed). The log marks both at 80x24; the
 * call detail says why.
 */

const S = 1000;
const MIN = 60 * S;
const turn = (id: string, atMs: number, read: number, prompt: string): LlmCall =>
  makeCall({
    id,
    timeMs: NOW - 9 * MIN + atMs,
    durationMs: 3 * S,
    sessionId: 'cc-7',
    service: 'claude-code',
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    inputTokens: 41_000,
    cacheReadTokens: read,
    prompt,
    response: 'Done.',
  });

function dashboard() {
  const calls = [
    turn('a', 0, 38_000, 'read the failing test'),
    turn('b', 20 * S, 39_000, 'fix the assertion'),
    turn('c', 40 * S, 40_000, 'run the suite'),
    // 7 minutes after c ended.
    turn('d', 43 * S + 7 * MIN, 0, 'back from lunch: go on'),
    turn('e', 43 * S + 7 * MIN + 20 * S, 40_500, 'and the linter'),
    turn('f', 43 * S + 7 * MIN + 40 * S, 41_000, 'commit it'),
    // 20 s after f ended: within the lifetime.
    turn('g', 43 * S + 7 * MIN + 63 * S, 0, 'new system prompt?'),
  ];
  const cache = new CacheWatch();
  cache.observe(calls);
  return new LiveDashboard(statsWith(calls), { cache });
}

describe('cache busts in the TUI', () => {
  it('the log marks the cold calls with why, in short at 80 columns; the others are not marked', async () => {
    const narrow = (await renderApp(dashboard(), { columns: 80, rows: 24 })).frame();
    // The mark before the text, which has little room left at 80 columns.
    expect(lineWith(narrow, '11:59:46')).toMatch(/ ok {2}cold: new prefix …$/);
    expect(lineWith(narrow, '11:58:43')).toMatch(/ ok {2}cold: idle 7m00s …$/);
    expect(narrow.match(/cold:/g)).toHaveLength(2);
    cleanup();
    const wide = (await renderApp(dashboard(), { columns: 140, rows: 30 })).frame();
    expect(lineWith(wide, '11:59:46')).toMatch(/ ok {2}cache cold: prefix changed new … → Done\.$/);
    expect(lineWith(wide, '11:58:43')).toMatch(/ ok {2}cache cold: idle 7m00s back fro… → Done\.$/);
    expect(wide.match(/cache cold/g)).toHaveLength(2);
  });

  it("the call detail says what fell, after how many warm calls, and the gap against the cache's lifetime", async () => {
    const r = await renderApp(dashboard(), { columns: 100, rows: 30 });
    await r.press(KEY.tab, KEY.enter);
    expect(r.frame()).toContain('new system prompt?');
    expect(r.frame().replace(/\n/g, ' ')).toMatch(
      /cache cold: cache reads fell from 41,000 to 0 tokens after 2 warm calls of this session and model; 20\.0s after the previous call, within the 5m00s cache lifetime: the prompt's cached prefix changed/,
    );
  });
});
