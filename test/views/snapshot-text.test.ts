import stringWidth from 'string-width';
import { describe, expect, test } from 'vitest';
import { formatSummaryTable } from '../../src/views/snapshot-text.js';
import { makeCall, statsWith } from '../helpers/view-calls.js';

function summary(groupBy: ('provider' | 'model' | 'service')[] = ['provider', 'model']) {
  const calls = [
    ...Array.from({ length: 20 }, (_, i) =>
      makeCall({ durationMs: (i + 1) * 100, ttftMs: (i + 1) * 100, costUsd: 0.01, inputTokens: 1000, outputTokens: 200, cacheReadTokens: 250 }),
    ),
    makeCall({ provider: 'anthropic', model: 'claude-sonnet-4-5', durationMs: 2500, costUsd: 0.5, costSource: 'estimated', status: 'error', error: 'x' }),
    makeCall({ provider: 'openai', model: 'evil\u001b]0;owned\u0007', durationMs: 300 }),
  ];
  return statsWith(calls).summary({ windowMs: 300_000, groupBy, filter: {} });
}

describe('formatSummaryTable', () => {
  test('one row per group with the TUI formats, then totals', () => {
    const text = formatSummaryTable(summary());
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('window 5m: 22 requests, 0.07 req/s, 4.5% errors, cost ~$0.7010');
    expect(lines[1]).toMatch(/^PROVIDER\/MODEL +REQS +REQ\/S +P50 +P95 +P95 TTFT +TOK\/S +IN +OUT +CTX95 +CACHE +COST +SAVED +ERR%$/);
    const gpt = lines.find((l) => l.startsWith('openai/gpt-4o'))!;
    // 20 calls of 100..2000 ms: P50 1.0s, P95 1.9s; 20 × $0.01; 250 of 1000 input tokens cached.
    expect(gpt.split(/ +/)).toEqual(['openai/gpt-4o', '20', '0.07', '1.0s', '1.9s', '1.9s', '-', '20.0k', '4.0k', '-', '25%', '$0.2000', '$0', '0%']);
    const claude = lines.find((l) => l.startsWith('anthropic/'))!;
    expect(claude.split(/ +/).slice(-4)).toEqual(['0%', '~$0.5000', '$0', '100%']);
    expect(lines.at(-2)!.startsWith('TOTAL')).toBe(true);
    expect(lines.at(-1)).toBe('~ cost includes estimates from prices');
  });

  test('plain text: no ANSI, wire text made visible, columns aligned', () => {
    const text = formatSummaryTable(summary());
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\u0007');
    expect(text).toContain('openai/evil^[]0;owned^G');
    const rows = text.split('\n').slice(1, -2);
    const widths = new Set(rows.map((l) => stringWidth(l.slice(0, l.lastIndexOf('%') + 1))));
    expect(widths.size).toBe(1);
  });

  test('names the grouping it was given', () => {
    const text = formatSummaryTable(summary(['service']));
    expect(text.split('\n')[1]).toMatch(/^SERVICE /);
    expect(text).toMatch(/^checkout +22 /m);
  });

  test('an empty summary still prints headers and a zero total', () => {
    const empty = statsWith([]).summary({ windowMs: 60_000, groupBy: ['provider', 'model'], filter: {} });
    const lines = formatSummaryTable(empty).trimEnd().split('\n');
    expect(lines[0]).toBe('window 1m: 0 requests, 0 req/s, - errors, cost $0');
    expect(lines.at(-1)).toMatch(/^TOTAL +0 +0 +- +- +- +- +0 +0 +- +- +\$0 +\$0 +-$/);
  });
});

