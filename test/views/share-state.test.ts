import { describe, expect, test } from 'vitest';
import { actionFor, type CommandContext } from '../../src/views/commands.js';
import { initialState, reduce, type ScreenState } from '../../src/views/state.js';

/** The screen side of `b`, `y` and `Y`: blur stays on across views; a copy names the right call. */

const FIVE_MIN = 300_000;

function ctx(state: ScreenState, selectedId: string | null): CommandContext {
  return {
    state,
    table: { ids: ['openai'], visible: 5, selectedKey: () => ({ provider: 'openai' }) },
    log: { ids: ['a', 'b'], visible: 5, selectedId: () => selectedId },
    detail: { visible: 10, max: 0 },
    errors: { ids: [], visible: 5, selectedCallId: () => null },
  };
}

describe('blur', () => {
  test('b toggles, and stays on through the detail, help and other views until pressed again', () => {
    let s = reduce(initialState(FIVE_MIN), { type: 'toggleBlur' });
    for (const a of [{ type: 'openCall', id: 'a' }, { type: 'back' }, { type: 'toggleHelp' }, { type: 'back' }, { type: 'toggleView', view: 'trends' }] as const) {
      s = reduce(s, a);
      expect(s.blurred).toBe(true);
    }
    expect(reduce(s, { type: 'toggleBlur' }).blurred).toBe(false);
  });
});

describe('copy', () => {
  const detail = reduce(initialState(FIVE_MIN), { type: 'openCall', id: 'b' });
  test.each([
    ['y on the dashboard: the log selection, whichever panel has the focus', 'copyJson', initialState(FIVE_MIN), 'a', { type: 'copy', format: 'json', callId: 'a' }],
    ['Y in the detail: the call shown', 'copyCurl', detail, 'a', { type: 'copy', format: 'curl', callId: 'b' }],
    ['y with no calls: nothing', 'copyJson', initialState(FIVE_MIN), null, null],
  ] as const)('%s', (_name, command, state, selectedId, expected) => {
    expect(actionFor(command, ctx(state, selectedId))).toEqual(expected);
  });

  test('a copy leaves the screen as it was; the notice comes and goes', () => {
    const s = initialState(FIVE_MIN);
    expect(reduce(s, { type: 'copy', format: 'json', callId: 'a' })).toBe(s);
    const shown = reduce(s, { type: 'notice', text: 'copied' });
    expect(shown.notice).toBe('copied');
    expect(reduce(shown, { type: 'notice', text: null }).notice).toBeNull();
  });
});
