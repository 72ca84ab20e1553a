import { cleanup } from 'ink-testing-library';
import stringWidth from 'string-width';
import { afterEach, describe, expect, test } from 'vitest';
import type { LlmCall } from '../../src/domain/call.js';
import { Prices } from '../../src/pricing/index.js';
import { LiveStats } from '../../src/stats/live-stats.js';
import { KEY } from '../helpers/ink-terminal.js';
import { lineWith, linesOf, renderApp } from '../helpers/render-app.js';
import { makeCall, NOW } from '../helpers/view-calls.js';

afterEach(() => cleanup());

const prices = Prices.load(null);

function statsOf(calls: LlmCall[], recentCapacity = 1000): LiveStats {
  const stats = new LiveStats({
    horizonMs: 24 * 3600_000,
    recentCapacity,
    now: () => NOW,
    contextWindow: (provider, model) => prices.rule(provider, model, Date.now())?.contextWindow ?? null,
  });
  stats.apply({ upserted: calls, deleted: [], replaced: [] });
  return stats;
}

const mini = { provider: 'openai', model: 'gpt-4o-mini' };
const failed = (id: string, secondsAgo: number, errorType: string, error: string, o: Partial<LlmCall> = {}) =>
  makeCall({ id, ...mini, timeMs: NOW - secondsAgo * 1000, status: 'error', errorType, error, response: null, ...o });

/** A window of 5 minutes at NOW with every class. */
function errorCalls(): LlmCall[] {
  return [
    failed('rl-1', 50, 'RateLimitError', 'Rate limit reached for gpt-4o-mini (first)'),
    failed('rl-2', 20, 'RateLimitError', 'Rate limit reached for gpt-4o-mini (latest)'),
    failed('rl-3', 40, 'RateLimitError', 'Rate limit reached for gpt-4o-mini (middle)'),
    failed('srv', 30, '503', 'Service Unavailable'),
    failed('slow', 25, 'APITimeoutError', 'Request timed out.'),
    failed('over', 15, 'overloaded_error', 'Overloaded', { provider: 'anthropic', model: 'claude-sonnet-4-5' }),
    makeCall({ id: 'cut', ...mini, timeMs: NOW - 12_000, finishReason: 'length', outputTokens: 4096 }),
    makeCall({ id: 'filtered', ...mini, timeMs: NOW - 11_000, finishReason: 'content_filter' }),
    makeCall({ id: 'full', ...mini, timeMs: NOW - 10_000, inputTokens: 121_000 }),
    makeCall({ id: 'fine', ...mini, timeMs: NOW - 5_000, finishReason: 'stop' }),
    // Outside the 5m window.
    failed('old', 400, 'RateLimitError', 'old one'),
  ];
}

function expectFits(frame: string, columns: number, rows: number) {
  const lines = linesOf(frame);
  expect(lines.length).toBeLessThanOrEqual(rows - 1);
  for (const l of lines) expect(stringWidth(l), l).toBeLessThanOrEqual(columns);
}

describe('LLM errors view (e)', () => {
  test('e lists per model and class the count and the latest example, at 80x24', async () => {
    const r = await renderApp(statsOf(errorCalls()), { columns: 80, rows: 24 });
    await r.press('e');
    const frame = r.frame();
    expectFits(frame, 80, 24);
    expect(frame).not.toContain('TABLE');
    expect(lineWith(frame, '▸ ERRORS')).toContain('5m');
    expect(lineWith(frame, 'rate limit 3')).toMatch(/rate limit 3 +server 2 +timeout 1 +truncated 1 +filtered 1 +near ctx 1/);
    const rows = linesOf(frame).flatMap((l) => {
      const m = /^[ ▸] (\S+)\s+(.+?)\s+(\d+) (\d\d:\d\d:\d\d) +(.*?)\s*$/.exec(l);
      return m ? [m.slice(1)] : [];
    });
    // At 80 columns long names and examples are cut with an ellipsis; the detail has them whole.
    expect(rows).toEqual([
      ['openai/gpt-4o-mini', 'rate limit', '3', '11:59:40', 'RateLimitError: Rate lim…'],
      ['anthropic/claude-so…', 'server error', '1', '11:59:45', 'overloaded_error: Overlo…'],
      ['openai/gpt-4o-mini', 'server error', '1', '11:59:30', '503: Service Unavailable'],
      ['openai/gpt-4o-mini', 'timeout', '1', '11:59:35', 'APITimeoutError: Request…'],
      ['openai/gpt-4o-mini', 'truncated', '1', '11:59:48', 'finish reason length'],
      ['openai/gpt-4o-mini', 'content filter', '1', '11:59:49', 'finish reason content_fi…'],
      ['openai/gpt-4o-mini', 'near context', '1', '11:59:50', '121,000 of 128,000 input…'],
    ]);
  });

  test('Enter opens the selected row’s latest example in the call detail; Esc goes back to the view, then the dashboard', async () => {
    const r = await renderApp(statsOf(errorCalls()), { columns: 120, rows: 30 });
    await r.press('e');
    expect(lineWith(r.frame(), 'near context')).toContain('121,000 of 128,000 input tokens (95%)');
    await r.press(KEY.down, KEY.down, KEY.enter);
    let frame = r.frame();
    expect(lineWith(frame, '▸ CALL')).toContain('openai/gpt-4o-mini');
    expect(frame).toContain('error (503): Service Unavailable');
    await r.press(KEY.esc);
    frame = r.frame();
    expect(lineWith(frame, '▸ ERRORS')).toBeTruthy();
    expect(lineWith(frame, '503: Service Unavailable')).toMatch(/^▸/);
    await r.press(KEY.esc);
    expect(r.frame()).toContain('TABLE');
    expect(r.frame()).not.toContain('ERRORS');
  });

  test('an example older than the log’s calls still opens, without its text', async () => {
    // The log keeps one call: the rate limits are gone from it, not from the errors view.
    const r = await renderApp(statsOf(errorCalls(), 1), { columns: 100, rows: 30 });
    await r.press('e', KEY.enter);
    const frame = r.frame();
    expect(lineWith(frame, '▸ CALL')).toContain('openai/gpt-4o-mini');
    expect(frame).toContain('error (RateLimitError): Rate limit reached for gpt-4o-mini (latest)');
    expect(frame).not.toContain('no longer in memory');
  });

  test('a window without problems says so; the filter narrows the rows', async () => {
    const r = await renderApp(statsOf(errorCalls()), { columns: 100, rows: 30 });
    await r.press('/', 'claude', KEY.enter, 'e');
    let frame = r.frame();
    expect(frame).toContain('anthropic/claude-sonnet-4-5');
    expect(frame).not.toContain('gpt-4o-mini');
    const calm = await renderApp(statsOf([makeCall({ finishReason: 'stop' })]), { columns: 100, rows: 30 });
    await calm.press('e');
    frame = calm.frame();
    expect(frame).toContain('no errors, truncations or near-context calls in this window');
  });
});
