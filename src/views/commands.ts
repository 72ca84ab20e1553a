import type { Command } from './keys.js';
import type { RowFilter, ScreenAction, ScreenState } from './state.js';

/** What a command needs to know about the screen as shown. */
export interface CommandContext {
  state: ScreenState;
  table: { ids: readonly string[]; visible: number; selectedKey: RowFilter | null };
  log: { ids: readonly string[]; visible: number; selectedId: string | null };
  /** Lines of the call detail that fit, and the furthest it can scroll. */
  detail: { visible: number; max: number };
}

const MOVES: Partial<Record<Command, (page: number) => number>> = {
  up: () => -1,
  down: () => 1,
  pageUp: (page) => -page,
  pageDown: (page) => page,
  home: () => -Infinity,
  end: () => Infinity,
};

/** The screen action a command stands for; 'quit' is the App's to carry out. */
export function actionFor(command: Command, ctx: CommandContext): ScreenAction | 'quit' | null {
  const { state } = ctx;
  const move = MOVES[command];
  if (move) {
    if (state.detail) {
      const delta = move(Math.max(1, ctx.detail.visible - 1));
      return { type: 'scrollDetail', delta: Number.isFinite(delta) ? delta : Math.sign(delta) * ctx.detail.max, max: ctx.detail.max };
    }
    if (state.view === 'distribution') {
      // The distribution follows the table's selection, whichever panel had the focus.
      return { type: 'move', delta: move(Math.max(1, ctx.table.visible - 1)), ids: ctx.table.ids, visible: ctx.table.visible, panel: 'table' };
    }
    const list = state.focus === 'table' ? ctx.table : ctx.log;
    return { type: 'move', delta: move(Math.max(1, list.visible - 1)), ids: list.ids, visible: list.visible };
  }
  switch (command) {
    case 'focusNext':
      return { type: 'focus', delta: 1 };
    case 'focusPrev':
      return { type: 'focus', delta: -1 };
    case 'open':
      if (state.focus === 'table') return ctx.table.selectedKey ? { type: 'filterToRow', key: ctx.table.selectedKey } : null;
      return ctx.log.selectedId ? { type: 'openCall', id: ctx.log.selectedId } : null;
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
    case 'sources':
      return { type: 'toggleView', view: 'sources' };
    case 'sort':
      return { type: 'cycleSort' };
    case 'pause':
      return { type: 'togglePause' };
    case 'help':
      return { type: 'toggleHelp' };
    case 'applyFilter':
      return { type: 'applyFilter' };
    case 'cancelFilter':
      return { type: 'cancelFilter' };
    case 'quit':
      return 'quit';
    default:
      return null;
  }
}
