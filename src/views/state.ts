import type { GroupKey } from '../domain/call.js';
import { RUN_SORTS, type RunSort } from '../domain/run.js';
import { SESSION_SORTS, type SessionSort } from '../domain/session.js';
import { parseDuration, WINDOWS } from '../stats/windows.js';
import { SORT_KEYS, type SortKey } from './columns.js';
import type { Mode } from './keys.js';

/** Screen state, kept apart from the data: pure reducers, tested without rendering. */

export type Panel = 'table' | 'log';
export const PANELS: readonly Panel[] = ['table', 'log'];

/**
 * A selection in a list whose rows move under it as data arrives: anchored to a row id, with the
 * last index as fallback when that row leaves. `id: null` follows the first row (the newest call,
 * the top group), like `tail -f`.
 */
export interface ListSelection {
  id: string | null;
  index: number;
  /** First visible row. */
  scroll: number;
}

export const GROUPINGS: readonly (readonly GroupKey[])[] = [
  ['provider', 'model'],
  ['provider'],
  ['model'],
  ['service'],
  ['environment'],
  ['operation'],
  ['user'],
];

export type RowFilter = Partial<Record<GroupKey, string>>;

/**
 * What the body shows: the dashboard (table, log), the latency distribution of the table's
 * selected row (`d`), the trends from the store (`t`), the LLM errors per model (`e`), the runs
 * (`r`) or the senders (`o`).
 */
export type View = 'dashboard' | 'distribution' | 'trends' | 'errors' | 'runs' | 'sources' | 'sessions';

/** The runs view (`r`): its table of runs, and the run opened as a tree (Enter). */
export interface RunsScreen {
  sort: RunSort;
  list: ListSelection;
  /** `fromSession`: opened from a session's turn, where Esc goes back to. */
  open: { traceId: string; tree: ListSelection; fromSession: boolean } | null;
}

/** The sessions view (`S`): its table of sessions, and the session opened as its turns (Enter). */
export interface SessionsScreen {
  sort: SessionSort;
  list: ListSelection;
  open: { id: string; turns: ListSelection } | null;
}

/** The trends view's range: per hour over the last day, or per day over the last week. */
export type TrendRange = 'day' | 'week';

export interface ScreenState {
  focus: Panel;
  table: ListSelection;
  log: ListSelection;
  /** The applied text filter. */
  filter: string;
  /** The filter being typed; null when not typing. */
  draft: string | null;
  /** The log shows only this table row's calls (Enter on the table). */
  rowFilter: RowFilter | null;
  /** Index into GROUPINGS. */
  grouping: number;
  sort: SortKey;
  windowMs: number;
  paused: boolean;
  help: boolean;
  detail: { callId: string; scroll: number } | null;
  view: View;
  trendRange: TrendRange;
  /** Prompt and response text shown as bars (`b`), for screen sharing. */
  blurred: boolean;
  /** A short message such as what was copied where; App clears it after a few seconds. */
  notice: string | null;
  /** The selected row of the errors view. */
  errorRow: ListSelection;
  /** The table shows each number against the previous window of the same length (`c`). */
  compare: boolean;
  runs: RunsScreen;
  sessions: SessionsScreen;
}

export type ScreenAction =
  | { type: 'focus'; delta: 1 | -1 }
  /** Move the focused list's selection; `ids` are its rows as shown, `visible` its height. */
  | { type: 'move'; delta: number; ids: readonly string[]; visible: number; panel?: Panel | 'errors' }
  | { type: 'scrollDetail'; delta: number; max: number }
  | { type: 'openCall'; id: string }
  | { type: 'filterToRow'; key: RowFilter }
  | { type: 'back' }
  | { type: 'startFilter' }
  | { type: 'typeFilter'; text: string }
  | { type: 'eraseFilter' }
  | { type: 'applyFilter' }
  | { type: 'cancelFilter' }
  | { type: 'cycleGroup' }
  | { type: 'cycleWindow' }
  | { type: 'cycleSort' }
  | { type: 'togglePause' }
  | { type: 'toggleHelp' }
  /** Opens a view, or goes back to the dashboard when it is the one shown. */
  | { type: 'toggleView'; view: Exclude<View, 'dashboard'> }
  | { type: 'cycleTrendRange' }
  | { type: 'toggleBlur' }
  /** Copy a call (`y` JSON, `Y` curl): an effect App carries out, then it shows a notice. */
  | { type: 'copy'; format: 'json' | 'curl'; callId: string }
  | { type: 'notice'; text: string | null }
  | { type: 'toggleCompare' }

  /** Move in the runs table, or in the open run's tree; `ids` are its rows as shown. */
  | { type: 'moveRuns'; delta: number; ids: readonly string[]; visible: number }
  | { type: 'openRun'; traceId: string }
  /** Move in the sessions table, or in the open session's turns; `ids` are its rows as shown. */
  | { type: 'moveSessions'; delta: number; ids: readonly string[]; visible: number }
  | { type: 'openSession'; id: string }
  /** A session's turn: its run's tree, in the runs view, Esc coming back to the session. */
  | { type: 'openTurn'; traceId: string }
  | { type: 'cycleSessionSort' }
  | { type: 'cycleRunSort' };

const TOP: ListSelection = { id: null, index: 0, scroll: 0 };

export function initialState(windowMs: number): ScreenState {
  return {
    focus: 'table',
    table: TOP,
    log: TOP,
    filter: '',
    draft: null,
    rowFilter: null,
    grouping: 0,
    sort: 'requests',
    windowMs,
    paused: false,
    help: false,
    detail: null,
    view: 'dashboard',
    trendRange: 'day',
    blurred: false,
    notice: null,
    errorRow: TOP,
    compare: false,
    // The most expensive runs first: where the money went.
    runs: { sort: 'cost', list: TOP, open: null },
    // The newest activity first: the session being watched.
    sessions: { sort: 'time', list: TOP, open: null },
  };
}

/** Which key bindings apply: typing a filter, then overlays, then the dashboard. */
export function modeOf(state: ScreenState): Mode {
  if (state.draft !== null) return 'filter';
  if (state.help) return 'help';
  if (state.detail) return 'detail';
  if (state.view === 'runs') return state.runs.open ? 'run' : 'runs';
  if (state.view === 'sessions') return state.sessions.open ? 'session' : 'sessions';
  if (state.view !== 'dashboard') return state.view;
  return 'main';
}

export function grouping(state: ScreenState): readonly GroupKey[] {
  return GROUPINGS[state.grouping] ?? GROUPINGS[0]!;
}

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));

/** The selected row's index in `ids` now. */
export function selectedIndex(sel: ListSelection, ids: readonly string[]): number {
  if (ids.length === 0) return 0;
  if (sel.id !== null) {
    const i = ids.indexOf(sel.id);
    if (i >= 0) return i;
  }
  return clamp(sel.index, 0, ids.length - 1);
}

/** The first visible row that keeps row `index` on screen, moving as little as possible. */
export function keepVisible(index: number, scroll: number, visible: number, length: number): number {
  const v = Math.max(1, visible);
  let s = clamp(scroll, 0, Math.max(0, length - v));
  if (index < s) s = index;
  if (index >= s + v) s = index - v + 1;
  return Math.max(0, s);
}

/** Where a list is now: selected index and first visible row. */
export function viewList(sel: ListSelection, ids: readonly string[], visible: number): { selected: number; scroll: number } {
  const selected = selectedIndex(sel, ids);
  return { selected, scroll: keepVisible(selected, sel.scroll, visible, ids.length) };
}

export function moveSelection(sel: ListSelection, delta: number, ids: readonly string[], visible: number): ListSelection {
  if (ids.length === 0) return TOP;
  const index = clamp(selectedIndex(sel, ids) + delta, 0, ids.length - 1);
  return { id: index === 0 ? null : ids[index]!, index, scroll: keepVisible(index, sel.scroll, visible, ids.length) };
}

/** The window after `windowMs` in WINDOWS, wrapping; a custom window moves to the next longer one. */
export function nextWindow(windowMs: number): number {
  const all = WINDOWS.map((w) => parseDuration(w)!);
  return all.find((ms) => ms > windowMs) ?? all[0]!;
}

function sanitizeTyped(text: string): string {
  // Pasted text can carry line breaks and escapes: a filter is one plain line.
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
}

export function reduce(state: ScreenState, action: ScreenAction): ScreenState {
  switch (action.type) {
    case 'focus': {
      const i = PANELS.indexOf(state.focus);
      return { ...state, focus: PANELS[(i + action.delta + PANELS.length) % PANELS.length]! };
    }
    case 'move': {
      const panel = action.panel ?? state.focus;
      const sel = moveSelection(panel === 'errors' ? state.errorRow : state[panel], action.delta, action.ids, action.visible);
      if (panel === 'errors') return { ...state, errorRow: sel };
      return panel === 'table' ? { ...state, table: sel } : { ...state, log: sel };
    }
    case 'scrollDetail':
      if (!state.detail) return state;
      return { ...state, detail: { ...state.detail, scroll: clamp(state.detail.scroll + action.delta, 0, Math.max(0, action.max)) } };
    case 'openCall':
      return { ...state, detail: { callId: action.id, scroll: 0 }, help: false };
    case 'filterToRow':
      return { ...state, rowFilter: action.key, focus: 'log', log: TOP };
    case 'back':
      if (state.help) return { ...state, help: false };
      if (state.detail) return { ...state, detail: null };
      if (state.view === 'runs' && state.runs.open?.fromSession) return { ...state, view: 'sessions', runs: { ...state.runs, open: null } };
      if (state.view === 'runs' && state.runs.open) return { ...state, runs: { ...state.runs, open: null } };
      if (state.view === 'sessions' && state.sessions.open) return { ...state, sessions: { ...state.sessions, open: null } };
      if (state.view !== 'dashboard') return { ...state, view: 'dashboard' };
      if (state.rowFilter) return { ...state, rowFilter: null, log: TOP };
      if (state.filter) return { ...state, filter: '', table: TOP, log: TOP };
      return state;
    case 'startFilter':
      return { ...state, draft: state.filter };
    case 'typeFilter':
      return state.draft === null ? state : { ...state, draft: state.draft + sanitizeTyped(action.text) };
    case 'eraseFilter':
      return state.draft === null ? state : { ...state, draft: Array.from(state.draft).slice(0, -1).join('') };
    case 'applyFilter':
      if (state.draft === null) return state;
      return { ...state, filter: state.draft.trim(), draft: null, table: TOP, log: TOP };
    case 'cancelFilter':
      return { ...state, draft: null };
    case 'cycleGroup':
      return { ...state, grouping: (state.grouping + 1) % GROUPINGS.length, table: TOP };
    case 'cycleWindow':
      return { ...state, windowMs: nextWindow(state.windowMs) };
    case 'cycleSort':
      return { ...state, sort: SORT_KEYS[(SORT_KEYS.indexOf(state.sort) + 1) % SORT_KEYS.length]! };
    case 'togglePause':
      return { ...state, paused: !state.paused };
    case 'toggleHelp':
      return { ...state, help: !state.help };
    case 'toggleView':
      return { ...state, view: state.view === action.view ? 'dashboard' : action.view, detail: null, help: false };
    case 'cycleTrendRange':
      return { ...state, trendRange: state.trendRange === 'day' ? 'week' : 'day' };
    case 'toggleBlur':
      return { ...state, blurred: !state.blurred };
    case 'copy':
      return state;
    case 'notice':
      return { ...state, notice: action.text };
    case 'toggleCompare':
      return { ...state, compare: !state.compare };
    case 'moveRuns': {
      const { runs } = state;
      if (runs.open) return { ...state, runs: { ...runs, open: { ...runs.open, tree: moveSelection(runs.open.tree, action.delta, action.ids, action.visible) } } };
      return { ...state, runs: { ...runs, list: moveSelection(runs.list, action.delta, action.ids, action.visible) } };
    }
    case 'openRun':
      return { ...state, runs: { ...state.runs, open: { traceId: action.traceId, tree: TOP, fromSession: false } } };
    case 'openTurn':
      return { ...state, view: 'runs', runs: { ...state.runs, open: { traceId: action.traceId, tree: TOP, fromSession: true } } };
    case 'moveSessions': {
      const { sessions } = state;
      if (sessions.open) return { ...state, sessions: { ...sessions, open: { ...sessions.open, turns: moveSelection(sessions.open.turns, action.delta, action.ids, action.visible) } } };
      return { ...state, sessions: { ...sessions, list: moveSelection(sessions.list, action.delta, action.ids, action.visible) } };
    }
    case 'openSession':
      return { ...state, sessions: { ...state.sessions, open: { id: action.id, turns: TOP } } };
    case 'cycleSessionSort':
      return { ...state, sessions: { ...state.sessions, sort: SESSION_SORTS[(SESSION_SORTS.indexOf(state.sessions.sort) + 1) % SESSION_SORTS.length]! } };
    case 'cycleRunSort':
      return { ...state, runs: { ...state.runs, sort: RUN_SORTS[(RUN_SORTS.indexOf(state.runs.sort) + 1) % RUN_SORTS.length]! } };
  }
}
