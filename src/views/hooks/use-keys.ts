import { type Key, useApp, useInput } from 'ink';
import { useCallback, useRef } from 'react';
import { actionFor, type CommandContext } from '../commands.js';
import { commandFor } from '../keys.js';
import { modeOf, reduce, type ScreenAction, type ScreenState } from '../state.js';

/**
 * The one stdin listener. The context is read through a ref refreshed on every render, so a key
 * pressed right after another sees the screen the first one produced, not a stale closure.
 */
export function useKeys(ctx: CommandContext, dispatch: (a: ScreenAction) => void, onQuit?: () => void): void {
  const { exit } = useApp();
  const ref = useRef({ ctx, dispatch, onQuit, exit });
  ref.current = { ctx, dispatch, onQuit, exit };

  const handler = useCallback((input: string, key: Key) => {
    const { ctx, dispatch, onQuit, exit } = ref.current;
    let state = ctx.state;
    const run = (action: ScreenAction | 'quit' | null): boolean => {
      if (action === 'quit') {
        onQuit?.();
        exit();
        return false;
      }
      if (action) {
        dispatch(action);
        state = reduce(state, action);
      }
      return true;
    };
    if (input.length <= 1 || hasNamedKey(key)) {
      run(pressAction(input, key, ctx));
      return;
    }
    // Ink hands over keys typed faster than it reads (`jjj`, Tab then Enter) as one string: take
    // them one at a time, in the mode the previous one left, keeping text typed into the filter whole.
    let rest = input;
    while (rest) {
      const p = nextPress(rest, modeOf(state) === 'filter');
      rest = rest.slice(p.length);
      if (!run(pressAction(p.input, p.key, { ...ctx, state }))) return;
    }
  }, []);

  useInput(handler);
}

function pressAction(input: string, key: Key, ctx: CommandContext): ScreenAction | 'quit' | null {
  const mode = modeOf(ctx.state);
  const command = commandFor(mode, input, key);
  if (command) return actionFor(command, ctx);
  if (mode !== 'filter') return null;
  if (key.backspace || key.delete) return { type: 'eraseFilter' };
  if (input && !key.ctrl && !key.meta) return { type: 'typeFilter', text: input };
  return null;
}

const NAMED: readonly (keyof Key)[] = ['upArrow', 'downArrow', 'pageUp', 'pageDown', 'home', 'end', 'return', 'escape', 'tab', 'backspace', 'delete'];

function hasNamedKey(key: Key): boolean {
  return NAMED.some((k) => key[k]) || key.ctrl;
}

/** A press with no named key or modifier. */
export const PLAIN: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

const NAMED_CHARS: Record<string, keyof Key> = { '\r': 'return', '\t': 'tab', '\x7f': 'delete', '\b': 'backspace' };

/** The first press of a chunk and how many characters it took. */
function nextPress(chunk: string, typing: boolean): { input: string; key: Key; length: number } {
  const first = Array.from(chunk)[0]!;
  const named = NAMED_CHARS[first];
  if (named) return { input: '', key: { ...PLAIN, [named]: true }, length: first.length };
  if (!typing) return { input: first, key: PLAIN, length: first.length };
  const text = /^[^\r\t\x7f\b]+/.exec(chunk)![0];
  return { input: text, key: PLAIN, length: text.length };
}
