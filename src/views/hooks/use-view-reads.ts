import { useMemo } from 'react';
import type { GroupKey } from '../../domain/call.js';
import type { SourcesReport } from '../../domain/sources.js';
import { errorRowId, ERRORS_HEAD, LOOP_LINES } from '../panels/Errors.js';
import { RUNS_CHROME } from '../panels/Runs.js';
import { SESSIONS_CHROME } from '../panels/Sessions.js';
import { treeRows } from '../panels/RunTree.js';
import type { CommandContext } from '../commands.js';
import type { Snapshot } from '../data.js';
import type { DashboardSource } from '../source.js';
import { type ScreenState, type TrendRange, viewList } from '../state.js';
import type { TrendSeries, TrendsSource } from '../trends-source.js';
import { usePolled } from './use-polled.js';

/*
 * What the views other than the dashboard read, each only while it is open, and where their
 * selection stands: App passes the rows to the panel and the `ctx` part to the keys.
 */

/** How often an open trends view asks its source again; the source re-reads the store at most once a minute. */
const TRENDS_POLL_MS = 15_000;
/** How often an open Sources view re-reads: last seen and items/s move with time, not with data. */
const SOURCES_POLL_MS = 1000;

/** The trends of the grouping while the view is open. */
export function useTrends(source: TrendsSource | undefined, open: boolean, range: TrendRange, groupBy: readonly GroupKey[]): TrendSeries | undefined {
  const tick = usePolled(open && source !== undefined, TRENDS_POLL_MS);
  const groupKey = groupBy.join(',');
  // groupBy is one of GROUPINGS' arrays, named by groupKey; tick re-asks the source.
  return useMemo(
    () => (!open || !source ? undefined : range === 'day' ? source.hourly(groupBy) : source.daily(groupBy)),
    [open, source, range, groupKey, tick],
  );
}

export function useSources(source: DashboardSource, open: boolean): SourcesReport | undefined {
  const tick = usePolled(open, SOURCES_POLL_MS);
  // tick re-reads the source.
  return useMemo(() => (open ? source.sources?.() : undefined), [open, source, tick]);
}

/** How often an open sessions view re-reads the store: a turn's cost grows as its calls arrive. */
const SESSIONS_POLL_MS = 1000;
/** Sessions listed at most. */
const SESSIONS_LIMIT = 200;

/** The sessions view (`S`): the window's sessions, or the open one's turns, re-read every second while open. */
export function useSessionsView(source: DashboardSource, state: ScreenState, bodyRows: number) {
  const open = state.view === 'sessions';
  const tick = usePolled(open, SESSIONS_POLL_MS);
  const { sort, open: session } = state.sessions;
  // tick re-reads the store.
  const list = useMemo(() => (open && !session ? (source.sessions?.({ windowMs: state.windowMs, limit: SESSIONS_LIMIT, sort }) ?? []) : []), [open, session, source, state.windowMs, sort, tick]);
  const detail = useMemo(() => (open && session ? source.session?.(session.id) : undefined), [open, session, source, tick]);
  const ids = session ? (detail?.turns ?? []).map((t, i) => t.traceId ?? `turn-${i}`) : list.map((s) => s.id);
  const visible = Math.max(1, bodyRows - SESSIONS_CHROME);
  const selection = session ? session.turns : state.sessions.list;
  const shown = viewList(selection, ids, visible);
  const ctx: CommandContext['sessions'] = {
    ids,
    visible,
    selectedId: (s) => (s.sessions.open ? s.sessions.open.id : (list[viewList(s.sessions.list, ids, visible).selected]?.id ?? null)),
    selectedTraceId: (s) => (s.sessions.open && detail ? (detail.turns[viewList(s.sessions.open.turns, ids, visible).selected]?.traceId ?? null) : null),
  };
  return { list, detail, shown, ctx, available: source.sessions !== undefined };
}

/** The errors view (`e`): its rows per model and kind, and the selected one's latest example. */
export function useErrorsView(source: DashboardSource, state: ScreenState, snap: Snapshot, bodyRows: number) {
  const open = state.view === 'errors';
  const rows = useMemo(
    () => (open ? source.errors?.(state.windowMs, { search: state.filter || undefined }) : undefined),
    // snap changes when the window's calls do.
    [open, snap, source, state.windowMs, state.filter],
  );
  const ids = useMemo(() => (rows ?? []).map(errorRowId), [rows]);
  const visible = Math.max(1, bodyRows - ERRORS_HEAD - Math.min(LOOP_LINES, snap.loops.length));
  const list = viewList(state.errorRow, ids, visible);
  const ctx: CommandContext['errors'] = { ids, visible, selectedCallId: (s) => rows?.[viewList(s.errorRow, ids, visible).selected]?.latest.id ?? null };
  return { rows, list, ctx };
}

/** The runs view (`r`): the runs of the window, or the open run's spans as a tree. */
export function useRunsView(state: ScreenState, snap: Snapshot, bodyRows: number) {
  const { runs } = state;
  const runIds = useMemo(() => snap.runs.map((r) => r.traceId), [snap]);
  const spanRows = useMemo(() => treeRows(snap.run), [snap]);
  const spanIds = useMemo(() => spanRows.map((r) => r.id), [spanRows]);
  const visible = Math.max(1, bodyRows - (runs.open ? 1 : RUNS_CHROME));
  const list = viewList(runs.list, runIds, visible);
  const tree = viewList(runs.open?.tree ?? runs.list, spanIds, visible);
  // The open run's rows are its spans; in another state of the screen they are the runs.
  const span = (s: ScreenState) => (s.runs.open ? spanRows[viewList(s.runs.open.tree, spanIds, visible).selected] : undefined);
  const ctx: CommandContext['runs'] = runs.open
    ? { ids: spanIds, visible, selectedId: (s) => span(s)?.id ?? null, selectedCallId: (s) => span(s)?.node.call?.id ?? null }
    : { ids: runIds, visible, selectedId: (s) => runIds[viewList(s.runs.list, runIds, visible).selected] ?? null, selectedCallId: () => null };
  return { spanRows, list, tree, ctx };
}
