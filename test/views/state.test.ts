import { describe, expect, test } from 'vitest';
import {
  GROUPINGS,
  grouping,
  initialState,
  keepVisible,
  modeOf,
  moveSelection,
  nextWindow,
  reduce,
  type ScreenAction,
  type ScreenState,
  viewList,
} from '../../src/views/state.js';

const FIVE_MIN = 300_000;
const run = (s: ScreenState, ...actions: ScreenAction[]) => actions.reduce(reduce, s);
const ids = ['a', 'b', 'c', 'd', 'e', 'f'];

describe('list selection', () => {
  test('starts following the first row', () => {
    const s = initialState(FIVE_MIN);
    expect(viewList(s.log, ids, 3)).toEqual({ selected: 0, scroll: 0 });
  });

  test('moving anchors to the row id, so new rows above do not move the selection', () => {
    const sel = moveSelection({ id: null, index: 0, scroll: 0 }, 2, ids, 3);
    expect(sel).toEqual({ id: 'c', index: 2, scroll: 0 });
    // Two new calls arrive at the top: the same call stays selected.
    expect(viewList(sel, ['y', 'z', ...ids], 3).selected).toBe(4);
  });

  test('back at the first row it follows the newest again', () => {
    const sel = moveSelection({ id: 'b', index: 1, scroll: 0 }, -1, ids, 3);
    expect(sel.id).toBeNull();
  });

  test('clamps at both ends, scrolls to keep the selection visible', () => {
    expect(moveSelection({ id: null, index: 0, scroll: 0 }, -5, ids, 3).index).toBe(0);
    const end = moveSelection({ id: null, index: 0, scroll: 0 }, Infinity, ids, 3);
    expect(end).toEqual({ id: 'f', index: 5, scroll: 3 });
  });

  test('a row that left falls back to its last index', () => {
    expect(viewList({ id: 'gone', index: 4, scroll: 0 }, ids, 3).selected).toBe(4);
    expect(viewList({ id: 'gone', index: 9, scroll: 0 }, ids, 3).selected).toBe(5);
  });

  test('empty list', () => {
    expect(moveSelection({ id: 'x', index: 3, scroll: 2 }, 1, [], 3)).toEqual({ id: null, index: 0, scroll: 0 });
  });

  test.each([
    [0, 0, 3, 10, 0],
    [5, 0, 3, 10, 3],
    [1, 4, 3, 10, 1],
    [9, 9, 3, 10, 7],
  ])('keepVisible(index %i, scroll %i, visible %i, length %i) = %i', (index, scroll, visible, length, expected) => {
    expect(keepVisible(index, scroll, visible, length)).toBe(expected);
  });
});

describe('reduce', () => {
  test('focus cycles table ↔ log both ways', () => {
    const s = initialState(FIVE_MIN);
    expect(s.focus).toBe('table');
    expect(reduce(s, { type: 'focus', delta: 1 }).focus).toBe('log');
    expect(run(s, { type: 'focus', delta: 1 }, { type: 'focus', delta: 1 }).focus).toBe('table');
    expect(reduce(s, { type: 'focus', delta: -1 }).focus).toBe('log');
  });

  test('move applies to the focused panel only', () => {
    const s = run(initialState(FIVE_MIN), { type: 'focus', delta: 1 }, { type: 'move', delta: 1, ids, visible: 3 });
    expect(s.log.id).toBe('b');
    expect(s.table.id).toBeNull();
  });

  test('Enter on a table row filters the log and moves focus there; Esc clears', () => {
    const s = reduce(initialState(FIVE_MIN), { type: 'filterToRow', key: { provider: 'openai', model: 'gpt-4o' } });
    expect(s.rowFilter).toEqual({ provider: 'openai', model: 'gpt-4o' });
    expect(s.focus).toBe('log');
    expect(reduce(s, { type: 'back' }).rowFilter).toBeNull();
  });

  test('Esc closes help, then detail, then row filter, then filter', () => {
    let s = run(
      initialState(FIVE_MIN),
      { type: 'startFilter' },
      { type: 'typeFilter', text: 'gpt' },
      { type: 'applyFilter' },
      { type: 'filterToRow', key: { model: 'm' } },
      { type: 'openCall', id: 'c1' },
      { type: 'toggleHelp' },
    );
    expect(modeOf(s)).toBe('help');
    s = reduce(s, { type: 'back' });
    expect(modeOf(s)).toBe('detail');
    s = reduce(s, { type: 'back' });
    expect([modeOf(s), s.rowFilter]).toEqual(['main', { model: 'm' }]);
    s = reduce(s, { type: 'back' });
    expect([s.rowFilter, s.filter]).toEqual([null, 'gpt']);
    s = reduce(s, { type: 'back' });
    expect(s.filter).toBe('');
    expect(reduce(s, { type: 'back' })).toBe(s);
  });

  test('d and t open the distribution and trends views, toggle back; Esc closes them after help', () => {
    let s = reduce(initialState(FIVE_MIN), { type: 'toggleView', view: 'distribution' });
    expect([s.view, modeOf(s)]).toEqual(['distribution', 'distribution']);
    s = reduce(s, { type: 'toggleView', view: 'trends' });
    expect(modeOf(s)).toBe('trends');
    expect(reduce(s, { type: 'toggleView', view: 'trends' }).view).toBe('dashboard');
    s = run(s, { type: 'toggleHelp' });
    expect(modeOf(s)).toBe('help');
    s = reduce(s, { type: 'back' });
    expect(modeOf(s)).toBe('trends');
    s = reduce(s, { type: 'back' });
    expect([s.view, modeOf(s)]).toEqual(['dashboard', 'main']);
    expect(run(s, { type: 'cycleTrendRange' }, { type: 'cycleTrendRange' }, { type: 'cycleTrendRange' }).trendRange).toBe('week');
  });

  test('a move aimed at the table moves it whatever has the focus', () => {
    const s = run(initialState(FIVE_MIN), { type: 'focus', delta: 1 }, { type: 'move', delta: 1, ids, visible: 3, panel: 'table' });
    expect([s.table.id, s.log.id]).toEqual(['b', null]);
  });

  test('filter typing: edit, erase, apply trims; cancel keeps the old filter', () => {
    let s = run(initialState(FIVE_MIN), { type: 'startFilter' }, { type: 'typeFilter', text: 'cla' }, { type: 'typeFilter', text: 'x' });
    expect(modeOf(s)).toBe('filter');
    s = run(s, { type: 'eraseFilter' }, { type: 'typeFilter', text: 'ude ' }, { type: 'applyFilter' });
    expect([s.filter, s.draft]).toEqual(['claude', null]);
    s = run(s, { type: 'startFilter' }, { type: 'typeFilter', text: 'zzz' }, { type: 'cancelFilter' });
    expect([s.filter, s.draft]).toEqual(['claude', null]);
  });

  test('pasted control characters never enter the filter', () => {
    const s = run(initialState(FIVE_MIN), { type: 'startFilter' }, { type: 'typeFilter', text: 'a\u001b[31m\nb' });
    expect(s.draft).toBe('a[31mb');
  });

  test('typing outside filter mode does nothing', () => {
    const s = initialState(FIVE_MIN);
    expect(reduce(s, { type: 'typeFilter', text: 'x' })).toBe(s);
  });

  test('g cycles every grouping and wraps', () => {
    let s = initialState(FIVE_MIN);
    const seen = [grouping(s).join('+')];
    for (let i = 1; i < GROUPINGS.length; i++) {
      s = reduce(s, { type: 'cycleGroup' });
      seen.push(grouping(s).join('+'));
    }
    expect(seen).toEqual(['provider+model', 'provider', 'model', 'service', 'environment', 'operation', 'user']);
    expect(grouping(reduce(s, { type: 'cycleGroup' }))).toEqual(['provider', 'model']);
  });

  test('w cycles the windows and wraps; a custom window moves to the next longer', () => {
    expect(nextWindow(60_000)).toBe(300_000);
    expect(nextWindow(300_000)).toBe(900_000);
    expect(nextWindow(86_400_000)).toBe(60_000);
    expect(nextWindow(600_000)).toBe(900_000);
    expect(reduce(initialState(FIVE_MIN), { type: 'cycleWindow' }).windowMs).toBe(900_000);
  });

  test('s cycles the sort columns', () => {
    const s = run(initialState(FIVE_MIN), { type: 'cycleSort' }, { type: 'cycleSort' });
    expect(s.sort).toBe('p95');
  });

  test('p toggles pause, ? toggles help', () => {
    const s = run(initialState(FIVE_MIN), { type: 'togglePause' }, { type: 'toggleHelp' });
    expect([s.paused, s.help]).toEqual([true, true]);
  });

  test('detail scroll clamps to its range', () => {
    let s = reduce(initialState(FIVE_MIN), { type: 'openCall', id: 'x' });
    s = reduce(s, { type: 'scrollDetail', delta: 50, max: 12 });
    expect(s.detail).toEqual({ callId: 'x', scroll: 12 });
    s = reduce(s, { type: 'scrollDetail', delta: -100, max: 12 });
    expect(s.detail?.scroll).toBe(0);
  });
});
