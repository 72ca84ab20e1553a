import type { Key } from 'ink';

/**
 * The one key table: the input handler matches against it and the footer and help overlay are
 * rendered from it, so a key cannot work without being listed, or be listed without working.
 */

export type Command =
  | 'focusNext'
  | 'focusPrev'
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'home'
  | 'end'
  | 'open'
  | 'back'
  | 'filter'
  | 'group'
  | 'window'
  | 'sort'
  | 'pause'
  | 'help'
  | 'quit'
  | 'applyFilter'
  | 'cancelFilter';

/** Where a binding applies: the dashboard, the call detail, the help overlay, the filter input. */
export type Mode = 'main' | 'detail' | 'help' | 'filter';

type NamedKey = 'upArrow' | 'downArrow' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'return' | 'escape' | 'tab';

export interface KeyMatcher {
  /** A named key from Ink's `Key`. */
  key?: NamedKey;
  /** A typed character. */
  input?: string;
  shift?: boolean;
  ctrl?: boolean;
}

export interface Binding {
  command: Command;
  keys: readonly KeyMatcher[];
  modes: readonly Mode[];
  /** How the help overlay names the keys. */
  label: string;
  help: string;
  /** Short form for the footer; bindings without one are in the help only. */
  footer?: { keys: string; text: string };
}

const ALL: readonly Mode[] = ['main', 'detail', 'help'];
const SCROLLING: readonly Mode[] = ['main', 'detail'];

export const KEY_TABLE: readonly Binding[] = [
  {
    command: 'focusNext',
    keys: [{ key: 'tab', shift: false }],
    modes: ['main'],
    label: 'Tab',
    help: 'next panel (table, log)',
    footer: { keys: 'Tab', text: 'panel' },
  },
  {
    command: 'focusPrev',
    keys: [{ key: 'tab', shift: true }],
    modes: ['main'],
    label: 'Shift+Tab',
    help: 'previous panel',
  },
  {
    command: 'up',
    keys: [{ key: 'upArrow' }, { input: 'k' }],
    modes: SCROLLING,
    label: '↑ k',
    help: 'select / scroll up',
    footer: { keys: '↑↓', text: 'move' },
  },
  { command: 'down', keys: [{ key: 'downArrow' }, { input: 'j' }], modes: SCROLLING, label: '↓ j', help: 'select / scroll down' },
  { command: 'pageUp', keys: [{ key: 'pageUp' }], modes: SCROLLING, label: 'PgUp', help: 'page up' },
  { command: 'pageDown', keys: [{ key: 'pageDown' }], modes: SCROLLING, label: 'PgDn', help: 'page down' },
  { command: 'home', keys: [{ key: 'home' }], modes: SCROLLING, label: 'Home', help: 'first row / top' },
  { command: 'end', keys: [{ key: 'end' }], modes: SCROLLING, label: 'End', help: 'last row / bottom' },
  {
    command: 'open',
    keys: [{ key: 'return' }],
    modes: ['main'],
    label: 'Enter',
    help: 'log: open call · table: filter log to row',
    footer: { keys: '⏎', text: 'open' },
  },
  {
    command: 'back',
    keys: [{ key: 'escape' }],
    modes: ALL,
    label: 'Esc',
    help: 'back: close view, clear row filter, then filter',
    footer: { keys: 'Esc', text: 'back' },
  },
  {
    command: 'filter',
    keys: [{ input: '/' }],
    modes: ['main'],
    label: '/',
    help: 'filter by provider, model, service, env, ...',
    footer: { keys: '/', text: 'filter' },
  },
  {
    command: 'group',
    keys: [{ input: 'g' }],
    modes: ['main'],
    label: 'g',
    help: 'regroup the table',
    footer: { keys: 'g', text: 'group' },
  },
  {
    command: 'window',
    keys: [{ input: 'w' }],
    modes: SCROLLING,
    label: 'w',
    help: 'next window: 1m 5m 15m 1h 24h',
    footer: { keys: 'w', text: 'window' },
  },
  {
    command: 'sort',
    keys: [{ input: 's' }],
    modes: ['main'],
    label: 's',
    help: 'sort the table by the next column',
    footer: { keys: 's', text: 'sort' },
  },
  {
    command: 'pause',
    keys: [{ input: 'p' }],
    modes: SCROLLING,
    label: 'p',
    help: 'pause / resume live updates',
    footer: { keys: 'p', text: 'pause' },
  },
  {
    command: 'help',
    keys: [{ input: '?' }],
    modes: ALL,
    label: '?',
    help: 'this help',
    footer: { keys: '?', text: 'help' },
  },
  {
    command: 'quit',
    keys: [{ input: 'q' }, { input: 'c', ctrl: true }],
    modes: ALL,
    label: 'q  Ctrl+C',
    help: 'quit',
    footer: { keys: 'q', text: 'quit' },
  },
  {
    command: 'applyFilter',
    keys: [{ key: 'return' }],
    modes: ['filter'],
    label: 'Enter',
    help: 'apply the filter (empty clears it)',
    footer: { keys: '⏎', text: 'apply' },
  },
  {
    command: 'cancelFilter',
    keys: [{ key: 'escape' }],
    modes: ['filter'],
    label: 'Esc',
    help: 'cancel typing',
    footer: { keys: 'Esc', text: 'cancel' },
  },
];

function matches(m: KeyMatcher, input: string, key: Key): boolean {
  if (m.key !== undefined && !key[m.key]) return false;
  if (m.input !== undefined && input !== m.input) return false;
  if (m.shift !== undefined && key.shift !== m.shift) return false;
  // A plain letter must not match its Ctrl or Alt form.
  if ((m.ctrl ?? false) !== key.ctrl) return false;
  if (m.input !== undefined && !m.ctrl && key.meta) return false;
  return true;
}

/** The command a key press means in a mode, if any. */
export function commandFor(mode: Mode, input: string, key: Key): Command | undefined {
  for (const b of KEY_TABLE) {
    if (b.modes.includes(mode) && b.keys.some((m) => matches(m, input, key))) return b.command;
  }
  return undefined;
}

export function bindingsFor(mode: Mode): Binding[] {
  return KEY_TABLE.filter((b) => b.modes.includes(mode));
}

/** Footer hints of a mode, in table order. */
export function footerHints(mode: Mode): { keys: string; text: string }[] {
  return bindingsFor(mode).flatMap((b) => (b.footer ? [b.footer] : []));
}
