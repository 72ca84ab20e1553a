import { type Key, useApp, useInput } from 'ink';
import { useCallback, useEffect, useRef } from 'react';
import { actionFor, type CommandContext } from '../commands.js';
import { commandFor } from '../keys.js';
import { modeOf, reduce, type ScreenAction, type ScreenState } from '../state.js';

/**
 * Actions after which the screen keeps its rows: the next key can be worked out at once, on
 * the state they produced. After any other (a view opened, a run, a new grouping), the rows the
 * next key acts on are only known once the screen has rendered again.
 */
const SAME_ROWS = new Set<ScreenAction['type']>(['focus', 'move', 'moveRuns', 'scrollDetail', 'startFilter', 'typeFilter', 'eraseFilter', 'togglePause', 'toggleHelp', 'toggleBlur', 'copy', 'notice']);

/**
 * The one stdin listener. Ink hands over keys typed faster than the screen renders (tmux, a
 * typist ahead of a busy screen) before React renders again, so each key is worked out on the
 * state the key before it left, not on the screen last rendered: Enter right after ↓ opens the
 * row ↓ selected. A key after one that changed the rows waits for the render that shows them.
 */
export function useKeys(ctx: CommandContext, dispatch: (a: ScreenAction) => void, onQuit?: () => void): void {
  const { exit } = useApp();
  const ref = useRef({ ctx, dispatch, onQuit, exit });
  ref.current = { ctx, dispatch, onQuit, exit };
  // Presses not handled yet, oldest first: a key, or text that may hold several (`jjj`, Tab then Enter).
  const queue = useRef<({ input: string; key: Key } | { text: string })[]>([]);
  // The state keys are worked out on, until a render shows it; and whether the rows it shows
  // may differ from the context's (then the next key waits for that render).
  const ahead = useRef<{ rendered: ScreenState; state: ScreenState; newRows: boolean } | null>(null);

  const drain = useCallback(() => {
    const { ctx, dispatch, onQuit, exit } = ref.current;
    // A render since: it shows every key handled so far.
    if (ahead.current && ahead.current.rendered !== ctx.state) ahead.current = null;
    while (queue.current.length > 0) {
      if (ahead.current?.newRows) return;
      const state = ahead.current?.state ?? ctx.state;
      const head = queue.current[0]!;
      let press: { input: string; key: Key };
      if ('key' in head) {
        press = head;
        queue.current.shift();
      } else {
        // One key at a time, in the mode the one before left, keeping text typed into the filter whole.
        const next = nextPress(head.text, modeOf(state) === 'filter');
        press = next;
        head.text = head.text.slice(next.length);
        if (head.text === '') queue.current.shift();
      }
      const action = pressAction(press.input, press.key, { ...ctx, state });
      if (action === 'quit') {
        queue.current = [];
        onQuit?.();
        exit();
        return;
      }
      if (!action) continue;
      dispatch(action);
      const next = reduce(state, action);
      if (next !== state) ahead.current = { rendered: ctx.state, state: next, newRows: !SAME_ROWS.has(action.type) };
    }
  }, []);

  // After every render: the keys that waited for it.
  useEffect(drain);
  useInput(
    useCallback(
      (input: string, key: Key) => {
        // Ink hands keys typed faster than it reads over as one string, with no key named.
        queue.current.push(input.length <= 1 || hasNamedKey(key) ? { input, key } : { text: input });
        drain();
      },
      [drain],
    ),
  );
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

/** The first press of a chunk, and how many characters it took. */
function nextPress(chunk: string, typing: boolean): { input: string; key: Key; length: number } {
  const first = Array.from(chunk)[0]!;
  const named = NAMED_CHARS[first];
  if (named) return { input: '', key: { ...PLAIN, [named]: true }, length: first.length };
  if (!typing) return { input: first, key: PLAIN, length: first.length };
  const text = /^[^\r\t\x7f\b]+/.exec(chunk)![0];
  return { input: text, key: PLAIN, length: text.length };
}
