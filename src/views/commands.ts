import type { Command } from './keys.js';
import type { RowFilter, ScreenAction, ScreenState } from './state.js';

/**
 * What a command needs to know about the screen as shown: its rows, and what is selected in a
 * given state of the screen (a key handled after another sees what the first one selected,
 * before the screen renders again).
 */
export interface CommandContext {
  state: ScreenState;
  table: { ids: readonly string[]; visible: number; selectedKey: (s: ScreenState) => RowFilter | null };
  log: { ids: readonly string[]; visible: number; selectedId: (s: ScreenState) => string | null };
  /** The errors view's rows, and the call id of the selected row's latest example. */
  errors: { ids: readonly string[]; visible: number; selectedCallId: (s: ScreenState) => string | null };
  /** Lines of the call detail that fit, and the furthest it can scroll. */
  detail: { visible: number; max: number };
  /** The runs view's rows as shown (runs, or the open run's spans) and the selected one's ids. */
  runs?: { ids: readonly string[]; visible: number; selectedId: (s: ScreenState) => string | null; selectedCallId: (s: ScreenState) => string | null };
  /** The sessions view's rows as shown (sessions, or the open session's turns), the selected session and its turn's trace. */
  sessions?: { ids: readonly string[]; visible: number; selectedId: (s: ScreenState) => string | null; selectedTraceId: (s: ScreenState) => string | null };
}

const MOVES: Partial<Record<Command, (page: number) => number>> = {
  up: () => -1,
  down: () => 1,
  pageUp: (page) => -page,
  pageDown: (page) => page,
  home: () => -Infinity,
  end: () => Infinity,
};

function opened<T>(selected: T | null | undefined, action: (s: T) => ScreenAction): ScreenAction | null {
  return selected === null || selected === undefined ? null : action(selected);
}

/** The screen action a command stands for; 'quit' is the App's to carry out. */
export function actionFor(command: Command, ctx: CommandContext): ScreenAction | 'quit' | null {
  const { state } = ctx;
  const move = MOVES[command];
  if (move) {
    if (state.detail) {
      const delta = move(Math.max(1, ctx.detail.visible - 1));
      return { type: 'scrollDetail', delta: Number.isFinite(delta) ? delta : Math.sign(delta) * ctx.detail.max, max: ctx.detail.max };
    }
    if (state.view === 'runs' && ctx.runs) {
      return { type: 'moveRuns', delta: move(Math.max(1, ctx.runs.visible - 1)), ids: ctx.runs.ids, visible: ctx.runs.visible };
    }
    if (state.view === 'sessions' && ctx.sessions) {
      return { type: 'moveSessions', delta: move(Math.max(1, ctx.sessions.visible - 1)), ids: ctx.sessions.ids, visible: ctx.sessions.visible };
    }
    if (state.view === 'distribution') {
      // The distribution follows the table's selection, whichever panel had the focus.
      return { type: 'move', delta: move(Math.max(1, ctx.table.visible - 1)), ids: ctx.table.ids, visible: ctx.table.visible, panel: 'table' };
    }
    if (state.view === 'errors') {
      return { type: 'move', delta: move(Math.max(1, ctx.errors.visible - 1)), ids: ctx.errors.ids, visible: ctx.errors.visible, panel: 'errors' };
    }
    const list = state.focus === 'table' ? ctx.table : ctx.log;
    return { type: 'move', delta: move(Math.max(1, list.visible - 1)), ids: list.ids, visible: list.visible };
  }
  switch (command) {
    case 'focusNext':
      return { type: 'focus', delta: 1 };
    case 'focusPrev':
      return { type: 'focus', delta: -1 };
    case 'open': {
      if (state.view === 'errors') return opened(ctx.errors.selectedCallId(state), (id) => ({ type: 'openCall', id }));
      if (state.view === 'runs') {
        if (state.runs.open) return opened(ctx.runs?.selectedCallId(state), (id) => ({ type: 'openCall', id }));
        return opened(ctx.runs?.selectedId(state), (traceId) => ({ type: 'openRun', traceId }));
      }
      if (state.view === 'sessions') {
        if (state.sessions.open) return opened(ctx.sessions?.selectedTraceId(state), (traceId) => ({ type: 'openTurn', traceId }));
        return opened(ctx.sessions?.selectedId(state), (id) => ({ type: 'openSession', id }));
      }
      if (state.focus === 'table') return opened(ctx.table.selectedKey(state), (key) => ({ type: 'filterToRow', key }));
      return opened(ctx.log.selectedId(state), (id) => ({ type: 'openCall', id }));
    }
    case 'back':
      return { type: 'back' };
    case 'filter':
      return { type: 'startFilter' };
    case 'group':
      return { type: 'cycleGroup' };
    case 'window':
      return state.view === 'trends' && !state.detail ? { type: 'cycleTrendRange' } : { type: 'cycleWindow' };
    case 'distribution':
      return { type: 'toggleView', view: 'distribution' };
    case 'trends':
      return { type: 'toggleView', view: 'trends' };
    case 'errors':
      return { type: 'toggleView', view: 'errors' };
    case 'compare':
      return { type: 'toggleCompare' };
    case 'sources':
      return { type: 'toggleView', view: 'sources' };
    case 'sort':
      return { type: 'cycleSort' };
    case 'runs':
      return { type: 'toggleView', view: 'runs' };
    case 'runSort':
      return { type: 'cycleRunSort' };
    case 'sessions':
      return { type: 'toggleView', view: 'sessions' };
    case 'sessionSort':
      return { type: 'cycleSessionSort' };
    case 'pause':
      return { type: 'togglePause' };
    case 'help':
      return { type: 'toggleHelp' };
    case 'applyFilter':
      return { type: 'applyFilter' };
    case 'cancelFilter':
      return { type: 'cancelFilter' };
    case 'blur':
      return { type: 'toggleBlur' };
    case 'copyJson':
    case 'copyCurl': {
      // The call shown in the detail, else the log's selected line (marked even while the table has the focus).
      const callId = state.detail?.callId ?? ctx.log.selectedId(state);
      return callId ? { type: 'copy', format: command === 'copyJson' ? 'json' : 'curl', callId } : null;
    }
    case 'quit':
      return 'quit';
    default:
      return null;
  }
}
