import { describe, expect, test } from 'vitest';
import { actionFor, type CommandContext } from '../../src/views/commands.js';
import { computeLayout, FOOTER_LINES, HEADER_LINES, sparkLines } from '../../src/views/layout.js';
import { initialState, reduce } from '../../src/views/state.js';

describe('computeLayout', () => {
  test.each([
    [80, 24, 3],
    [80, 24, 50],
    [140, 45, 5],
    [140, 45, 200],
    [100, 30, 10],
    [60, 20, 4],
    [200, 60, 1],
  ])('%ix%i with %i groups fills exactly rows-1 lines', (columns, rows, groups) => {
    const l = computeLayout(columns, rows, groups);
    const total = HEADER_LINES + sparkLines(l.spark) + 2 + l.tableRows + 1 + l.logRows + FOOTER_LINES;
    expect(total).toBe(rows - 1);
    expect(l.logRows).toBeGreaterThanOrEqual(l.tableRows > 3 ? 5 : 1);
  });

  test('80x24: three small charts, a short table, the log gets the rest', () => {
    expect(computeLayout(80, 24, 3)).toMatchObject({
      wide: false,
      spark: { height: 2, charts: 3, chartWidth: 25, points: 18 },
      tableRows: 3,
      logRows: 9,
    });
  });

  test('140x45: taller charts, wide columns, many log lines', () => {
    const l = computeLayout(140, 45, 20);
    expect(l.wide).toBe(true);
    expect(l.spark?.height).toBe(4);
    expect(l.tableRows).toBe(12);
    expect(l.logRows).toBe(19);
  });

  test('a short terminal drops the charts first', () => {
    expect(computeLayout(80, 16, 3).spark).toBeNull();
  });
});

describe('actionFor', () => {
  const ctx = (over: Partial<CommandContext> = {}): CommandContext => ({
    state: initialState(300_000),
    table: { ids: ['g1', 'g2'], visible: 5, selectedKey: () => ({ provider: 'openai', model: 'gpt-4o' }) },
    log: { ids: ['c1', 'c2', 'c3'], visible: 2, selectedId: () => 'c1' },
    errors: { ids: [], visible: 5, selectedCallId: () => null },
    detail: { visible: 10, max: 30 },
    ...over,
  });

  test('Enter on the table filters the log to the row; on the log opens the call', () => {
    expect(actionFor('open', ctx())).toEqual({ type: 'filterToRow', key: { provider: 'openai', model: 'gpt-4o' } });
    const onLog = ctx({ state: reduce(initialState(300_000), { type: 'focus', delta: 1 }) });
    expect(actionFor('open', onLog)).toEqual({ type: 'openCall', id: 'c1' });
    expect(actionFor('open', ctx({ table: { ids: [], visible: 5, selectedKey: () => null } }))).toBeNull();
  });

  test('moves go to the focused list with its page size, or scroll the detail', () => {
    expect(actionFor('pageDown', ctx())).toEqual({ type: 'move', delta: 4, ids: ['g1', 'g2'], visible: 5 });
    const detail = ctx({ state: reduce(initialState(300_000), { type: 'openCall', id: 'c1' }) });
    expect(actionFor('pageDown', detail)).toEqual({ type: 'scrollDetail', delta: 9, max: 30 });
    expect(actionFor('end', detail)).toEqual({ type: 'scrollDetail', delta: 30, max: 30 });
    expect(actionFor('up', detail)).toEqual({ type: 'scrollDetail', delta: -1, max: 30 });
  });

  test('quit is left to the App', () => {
    expect(actionFor('quit', ctx())).toBe('quit');
  });
});
