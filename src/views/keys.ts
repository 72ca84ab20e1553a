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
  | 'distribution'
  | 'trends'
  | 'errors'
  | 'compare'
  | 'runs'
  | 'runSort'
  | 'sources'
  | 'applyFilter'
  | 'cancelFilter'
  | 'blur'
  | 'copyJson'
  | 'copyCurl'
  | 'sessions'
  | 'sessionSort';

/**
 * Where a binding applies: the dashboard, the call detail, the help overlay, the filter input,
 * the latency distribution and the trends views.
 */
export type Mode = 'main' | 'detail' | 'help' | 'filter' | 'distribution' | 'trends' | 'errors' | 'runs' | 'run' | 'sources' | 'sessions' | 'session';

type NamedKey = 'upArrow' | 'downArrow' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'return' | 'escape' | 'tab';

export interface KeyMatcher {
  /** A named key from Ink's `Key`. */
  key?: NamedKey;
  /** A typed character. */
  input?: string;
  shift?: boolean;
  ctrl?: boolean;
}

export interface FooterHint {
  keys: string;
  text: string;
  priority: number;
}

export interface Binding {
  command: Command;
  keys: readonly KeyMatcher[];
  modes: readonly Mode[];
  /** How the help overlay names the keys. */
  label: string;
  help: string;
  /** Listed on that command's help line instead of its own (↑ and ↓ share one line). */
  helpWith?: Command;
  /**
   * Short form for the footer; bindings without one are in the help only. A narrow footer keeps
   * the lowest priorities: the letter keys a user cannot guess before arrows and Tab.
   */
  footer?: FooterHint;
}

const ALL: readonly Mode[] = ['main', 'detail', 'help', 'distribution', 'trends', 'errors', 'runs', 'run', 'sources', 'sessions', 'session'];
/** The distribution view moves the table's selection: ↑↓ pick the row whose latencies it shows. */
const SCROLLING: readonly Mode[] = ['main', 'detail', 'distribution', 'errors', 'runs', 'run', 'sessions', 'session'];
const VIEWS: readonly Mode[] = ['main', 'distribution', 'trends', 'errors', 'runs', 'run', 'sessions', 'session'];

export const KEY_TABLE: readonly Binding[] = [
  {
    command: 'focusNext',
    keys: [{ key: 'tab', shift: false }],
    modes: ['main'],
    label: 'Tab S-Tab',
    help: 'next / previous panel (table, log)',
    footer: { keys: 'Tab', text: 'panel', priority: 2 },
  },
  {
    command: 'focusPrev',
    keys: [{ key: 'tab', shift: true }],
    modes: ['main'],
    label: 'Shift+Tab',
    help: 'previous panel',
    helpWith: 'focusNext',
  },
  {
    command: 'up',
    keys: [{ key: 'upArrow' }, { input: 'k' }],
    modes: SCROLLING,
    label: '↑↓ k j',
    help: 'select / scroll · PgUp PgDn page · Home End first / last',
    footer: { keys: '↑↓', text: 'move', priority: 4 },
  },
  { command: 'down', keys: [{ key: 'downArrow' }, { input: 'j' }], modes: SCROLLING, label: '↓ j', help: 'down', helpWith: 'up' },
  { command: 'pageUp', keys: [{ key: 'pageUp' }], modes: SCROLLING, label: 'PgUp PgDn', help: 'page up / down', helpWith: 'up' },
  { command: 'pageDown', keys: [{ key: 'pageDown' }], modes: SCROLLING, label: 'PgDn', help: 'page down', helpWith: 'up' },
  { command: 'home', keys: [{ key: 'home' }], modes: SCROLLING, label: 'Home End', help: 'first / last row, top / bottom', helpWith: 'up' },
  { command: 'end', keys: [{ key: 'end' }], modes: SCROLLING, label: 'End', help: 'last row', helpWith: 'up' },
  {
    command: 'open',
    keys: [{ key: 'return' }],
    modes: ['main', 'errors', 'runs', 'run', 'sessions', 'session'],
    label: 'Enter',
    help: 'log: open call · table: filter log to row · views: open the row',
    footer: { keys: '⏎', text: 'open', priority: 2 },
  },
  {
    command: 'back',
    keys: [{ key: 'escape' }],
    modes: ALL,
    label: 'Esc',
    help: 'back: close a view, clear the row filter, clear the filter',
    footer: { keys: 'Esc', text: 'back', priority: 3 },
  },
  {
    command: 'filter',
    keys: [{ input: '/' }],
    modes: ['main', 'distribution'],
    label: '/',
    help: 'filter by provider, model, service, env, ...',
    footer: { keys: '/', text: 'filter', priority: 1 },
  },
  {
    command: 'group',
    keys: [{ input: 'g' }],
    modes: VIEWS,
    label: 'g w',
    help: 'regroup the table · next window: 1m 5m 15m 1h 24h, day / week',
    footer: { keys: 'g', text: 'group', priority: 1 },
  },
  {
    command: 'window',
    keys: [{ input: 'w' }],
    modes: [...SCROLLING, 'trends'],
    label: 'w',
    help: 'next window: 1m 5m 15m 1h 24h; in trends: last day / last week',
    helpWith: 'group',
    footer: { keys: 'w', text: 'window', priority: 1 },
  },
  {
    command: 'sort',
    keys: [{ input: 's' }],
    modes: ['main', 'distribution'],
    label: 's c',
    help: 'sort by the next column · compare with the previous window',
    footer: { keys: 's', text: 'sort', priority: 1 },
  },
  {
    command: 'pause',
    keys: [{ input: 'p' }],
    modes: SCROLLING,
    label: 'p',
    help: 'pause / resume live updates',
    footer: { keys: 'p', text: 'pause', priority: 1 },
  },
  {
    command: 'distribution',
    keys: [{ input: 'd' }],
    modes: VIEWS,
    label: 'd t',
    help: 'latency distribution of the selected row · trends per hour / day',
    footer: { keys: 'd', text: 'latency', priority: 3 },
  },
  {
    command: 'trends',
    keys: [{ input: 't' }],
    modes: VIEWS,
    label: 't',
    help: 'trends from the store: cost and tokens per hour, per day',
    helpWith: 'distribution',
    footer: { keys: 't', text: 'trends', priority: 3 },
  },
  {
    command: 'errors',
    keys: [{ input: 'e' }],
    modes: VIEWS,
    label: 'e r o',
    help: 'LLM errors: 429, 5xx, timeouts, truncations · runs · sources',
    footer: { keys: 'e', text: 'errors', priority: 3 },
  },
  {
    command: 'compare',
    keys: [{ input: 'c' }],
    modes: ['main'],
    label: 'c',
    help: 'compare the table with the previous window (↑↓ %)',
    helpWith: 'sort',
  },
  {
    command: 'runs',
    keys: [{ input: 'r' }],
    modes: VIEWS,
    label: 'r',
    help: 'runs (calls by trace); Enter: run tree, call text',
    helpWith: 'errors',
    footer: { keys: 'r', text: 'runs', priority: 3 },
  },
  {
    command: 'runSort',
    keys: [{ input: 's' }],
    modes: ['runs'],
    label: 's',
    help: 'in runs: sort by cost, calls, duration, time',
    helpWith: 'sort',
    footer: { keys: 's', text: 'sort', priority: 1 },
  },
  {
    command: 'sessions',
    keys: [{ input: 'S' }],
    modes: VIEWS,
    label: 'S',
    help: 'sessions: conversations, turns, cost so far, context',
    footer: { keys: 'S', text: 'sessions', priority: 3 },
  },
  {
    command: 'sessionSort',
    keys: [{ input: 's' }],
    modes: ['sessions'],
    label: 's',
    help: 'in sessions: sort by newest activity, cost, calls, context',
    helpWith: 'sort',
    footer: { keys: 's', text: 'sort', priority: 1 },
  },
  {
    command: 'sources',
    keys: [{ input: 'o' }],
    modes: [...VIEWS, 'sources'],
    label: 'o',
    helpWith: 'errors',
    help: 'sources: who sends what, refusals, and what their telemetry lacks',
    footer: { keys: 'o', text: 'sources', priority: 3 },
  },
  {
    command: 'help',
    keys: [{ input: '?' }],
    modes: ALL,
    label: '? q',
    help: 'this help · quit (also Ctrl+C)',
    footer: { keys: '?', text: 'help', priority: 0 },
  },
  {
    command: 'quit',
    keys: [{ input: 'q' }, { input: 'c', ctrl: true }],
    modes: ALL,
    label: 'q Ctrl+C',
    help: 'quit',
    helpWith: 'help',
    footer: { keys: 'q', text: 'quit', priority: 0 },
  },
  {
    command: 'blur',
    keys: [{ input: 'b' }],
    modes: ALL,
    label: 'b y Y',
    help: 'blur text (screen sharing) · copy call: JSON / curl replay',
  },
  { command: 'copyJson', keys: [{ input: 'y' }], modes: ['main', 'detail'], label: 'y', help: 'copy the call as JSON', helpWith: 'blur' },
  { command: 'copyCurl', keys: [{ input: 'Y' }], modes: ['main', 'detail'], label: 'Y', help: 'copy the call as a curl replay', helpWith: 'blur' },
  {
    command: 'applyFilter',
    keys: [{ key: 'return' }],
    modes: ['filter'],
    label: 'Enter Esc',
    help: 'while typing a filter: apply it (empty clears) / cancel',
    footer: { keys: '⏎', text: 'apply', priority: 0 },
  },
  {
    command: 'cancelFilter',
    keys: [{ key: 'escape' }],
    modes: ['filter'],
    label: 'Esc',
    help: 'while typing a filter: cancel',
    helpWith: 'applyFilter',
    footer: { keys: 'Esc', text: 'cancel', priority: 0 },
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

/** The help overlay's lines: one per binding, less those listed with another. */
export function helpEntries(): { keys: string; text: string }[] {
  return KEY_TABLE.filter((b) => !b.helpWith).map((b) => ({ keys: b.label, text: b.help }));
}

/** Footer hints of a mode, in table order. */
export function footerHints(mode: Mode): FooterHint[] {
  return bindingsFor(mode).flatMap((b) => (b.footer ? [b.footer] : []));
}
