import { describe, expect, it } from 'vitest';
import { tableColumns } from '../../src/views/columns.js';
import { change, type BadWay } from '../../src/views/compare.js';
import { changeSeg } from '../../src/views/panels/ModelTable.js';
import { makeCall, NOW, statsWith } from '../helpers/view-calls.js';

describe('change against the previous window', () => {
  const cases: Array<[current: number | null, previous: number | null, bad: BadWay, text: string, verdict: string]> = [
    [1200, 1000, 'up', '↑20%', 'worse'], // latency up
    [800, 1000, 'up', '↓20%', 'better'], // latency down
    [0.12, 0.1, 'up', '↑20%', 'worse'], // cost up
    [80, 100, 'down', '↓20%', 'worse'], // speed down
    [120, 100, 'down', '↑20%', 'better'], // speed up
    [125, 100, null, '↑25%', 'neutral'], // more traffic: neither good nor bad
    [100, 100, 'up', '=', 'neutral'],
    [100.4, 100, 'up', '=', 'neutral'], // under half a percent
    [0, 0, 'up', '=', 'neutral'],
    [0.05, 0, 'up', 'new', 'worse'], // errors where there were none
    [50, null, 'down', 'new', 'better'], // a speed where the previous window had none
    [0, 0.04, 'up', '↓100%', 'better'], // errors gone
    [1500, 100, 'up', '↑15x', 'worse'], // past ten times: a factor
    [null, null, 'up', '', 'neutral'],
  ];
  it.each(cases)('%s vs %s (bad: %s) → %s %s', (current, previous, bad, text, verdict) => {
    expect(change(current, previous, bad)).toEqual({ text, verdict });
  });
});

describe('changeSeg', () => {
  const prev = statsWith([makeCall({ durationMs: 1000, costUsd: 0.01, status: 'ok' })]).summary({ windowMs: 300_000, groupBy: [], filter: {} }).totals;
  const now = statsWith([makeCall({ durationMs: 1000, costUsd: 0.015, status: 'error', error: 'x' })]).summary({ windowMs: 300_000, groupBy: [], filter: {} }).totals;
  const col = (title: string) => tableColumns(80, true).find((c) => c.title === title)!;

  it('colours a change by whether it went the bad way', () => {
    expect(changeSeg(col('COST'), now, prev)).toMatchObject({ text: ' ↑50% ', color: 'red' });
    expect(changeSeg(col('COST'), prev, now)).toMatchObject({ text: ' ↓33% ', color: 'green' });
    expect(changeSeg(col('P95'), now, prev)).toMatchObject({ text: ' =    ', color: undefined, dim: true });
    expect(changeSeg(col('ERR%'), now, prev)).toMatchObject({ text: ' new  ', color: 'red' });
    // A group the previous window did not have at all.
    expect(changeSeg(col('REQS'), now, null)).toMatchObject({ text: ' new  ', color: undefined });
  });

  it('offsetMs reads the window before: the same length, ending where the current one starts', () => {
    const stats = statsWith([makeCall({ timeMs: NOW - 400_000 }), makeCall({ timeMs: NOW - 299_000 }), makeCall({ timeMs: NOW - 601_000 })]);
    expect(stats.summary({ windowMs: 300_000, offsetMs: 300_000, groupBy: [], filter: {} }).totals.requests).toBe(1);
    expect(stats.summary({ windowMs: 300_000, groupBy: [], filter: {} }).totals.requests).toBe(1);
  });
});
