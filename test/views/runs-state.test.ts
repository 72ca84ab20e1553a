import { describe, expect, it } from 'vitest';
import { actionFor, type CommandContext } from '../../src/views/commands.js';
import { commandFor, type Command } from '../../src/views/keys.js';
import { initialState, modeOf, reduce, type ScreenAction, type ScreenState } from '../../src/views/state.js';

/** The runs view's screen state: pure reducers, driven the way keys drive them. */

const ctx = (state: ScreenState, runs: CommandContext['runs']): CommandContext => ({
  state,
  table: { ids: [], visible: 5, selectedKey: () => null },
  log: { ids: [], visible: 5, selectedId: () => null },
  detail: { visible: 10, max: 0 },
  errors: { ids: [], visible: 5, selectedCallId: () => null },
  runs,
});

const RUNS = { ids: ['t1', 't2', 't3'], visible: 5, selectedId: () => 't1', selectedCallId: () => null };

function press(state: ScreenState, command: Command, runs: CommandContext['runs'] = RUNS): ScreenState {
  const action = actionFor(command, ctx(state, runs));
  if (action === null || action === 'quit') throw new Error(`${command} does nothing in ${modeOf(state)}`);
  return reduce(state, action as ScreenAction);
}

describe('runs view state', () => {
  const start = initialState(300_000);

  it.each<{ steps: Command[]; mode: string; sort?: string; traceId?: string | null; callId?: string | null }>([
    { steps: ['runs'], mode: 'runs', sort: 'cost', traceId: null },
    { steps: ['runs', 'runSort'], mode: 'runs', sort: 'calls' },
    { steps: ['runs', 'runSort', 'runSort', 'runSort', 'runSort'], mode: 'runs', sort: 'cost' },
    { steps: ['runs', 'open'], mode: 'run', traceId: 't1' },
    { steps: ['runs', 'open', 'back'], mode: 'runs', traceId: null },
    { steps: ['runs', 'open', 'back', 'back'], mode: 'main' },
    { steps: ['runs', 'runs'], mode: 'main' },
  ])('$steps → $mode', ({ steps, mode, sort, traceId }) => {
    const s = steps.reduce((acc, c) => press(acc, c), start);
    expect(modeOf(s)).toBe(mode);
    if (sort !== undefined) expect(s.runs.sort).toBe(sort);
    if (traceId !== undefined) expect(s.runs.open?.traceId ?? null).toBe(traceId);
  });

  it('↓ moves the runs selection, Enter opens the selected run', () => {
    let s = press(start, 'runs');
    s = press(s, 'down');
    expect(s.runs.list.id).toBe('t2');
    s = press(s, 'open', { ...RUNS, selectedId: () => 't2' });
    expect(s.runs.open).toEqual({ traceId: 't2', tree: { id: null, index: 0, scroll: 0 }, fromSession: false });
  });

  it('in a run, Enter on an LLM call opens its detail, and Esc comes back to the tree', () => {
    let s = press(press(start, 'runs'), 'open');
    const tree = { ids: ['root', 'chat'], visible: 5, selectedId: () => 'root', selectedCallId: () => null };
    expect(actionFor('open', ctx(s, tree))).toBeNull(); // a plain span has no text to show
    s = press(s, 'down', tree);
    expect(s.runs.open?.tree.id).toBe('chat');
    s = press(s, 'open', { ...tree, selectedId: () => 'chat', selectedCallId: () => 'call-9' });
    expect(s.detail?.callId).toBe('call-9');
    expect(modeOf(s)).toBe('detail');
    s = press(s, 'back');
    expect(modeOf(s)).toBe('run');
  });

  it('r, s and Enter are bound in the runs modes', () => {
    const none = { ctrl: false, meta: false, shift: false } as Parameters<typeof commandFor>[2];
    const key = { ...none, return: true };
    expect(commandFor('main', 'r', none)).toBe('runs');
    expect(commandFor('runs', 's', none)).toBe('runSort');
    expect(commandFor('main', 's', none)).toBe('sort');
    expect(commandFor('runs', '', key)).toBe('open');
    expect(commandFor('run', '', key)).toBe('open');
  });
});
