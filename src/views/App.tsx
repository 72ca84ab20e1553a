import { Box } from 'ink';
import { useEffect, useMemo, useReducer } from 'react';
import type { GroupKey, LlmCall } from '../domain/call.js';
import type { CopyFormat } from '../share/copy.js';
import { groupId, groupLabel, sortGroups, tableColumns } from './columns.js';
import type { CommandContext } from './commands.js';
import { previousRows } from './compare.js';
import type { DataQuery } from './data.js';
import { formatClock } from './format.js';
import { useKeys } from './hooks/use-keys.js';
import { useSnapshot } from './hooks/use-snapshot.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { useErrorsView, useRunsView, useSessionsView, useSources, useTrends } from './hooks/use-view-reads.js';
import { computeLayout } from './layout.js';
import { CallDetail, detailLines } from './panels/CallDetail.js';
import { CallLog } from './panels/CallLog.js';
import { Distribution } from './panels/Distribution.js';
import { EmptyState } from './panels/EmptyState.js';
import { Errors } from './panels/Errors.js';
import { Footer } from './panels/Footer.js';
import { Header, type CommandNotice } from './panels/Header.js';
import { HelpOverlay } from './panels/HelpOverlay.js';
import { ModelTable } from './panels/ModelTable.js';
import { Runs } from './panels/Runs.js';
import { RunTree } from './panels/RunTree.js';
import { Sources } from './panels/Sources.js';
import { SessionList, SessionTurns } from './panels/Sessions.js';
import { Sparklines } from './panels/Sparklines.js';
import { Trends } from './panels/Trends.js';
import { searchWords } from '../domain/search.js';
import type { DashboardSource } from './source.js';
import { grouping, initialState, modeOf, reduce, type RowFilter, type ScreenAction, viewList } from './state.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from './thresholds.js';
import type { TrendsSource } from './trends-source.js';
import type { Upstream } from '../proxy/routes.js';

export interface AppInfo {
  /** host:port the receiver listens on, for the header and the set-up lines. */
  address: string;
  /** Running with --no-content: no prompt or response is stored. */
  noContent: boolean;
  /** The command run by `llmtop -- CMD`, for the header. */
  command?: CommandNotice | undefined;
  /** The provider proxy, when on: the empty state shows the base URLs to set. */
  proxy?: { origin: string; upstreams: readonly Upstream[] } | null;
}

export interface AppProps {
  source: DashboardSource;
  info: AppInfo;
  initialWindowMs: number;
  /** Redraw ticks per second; the source is re-read only when it changed. */
  fps?: number;
  /** Called on q / Ctrl+C before Ink exits, to close the store. */
  onQuit?: () => void;
  /** Clock format of the log; local time unless told otherwise (tests use UTC). */
  formatTime?: (ms: number) => string;
  /** Past these, durations and tokens show in red (log, table P95, distribution). */
  thresholds?: Thresholds;
  /** History from the store for the trends view (`t`); without it the view says there is none. */
  trends?: TrendsSource;
  /** Copies a call (`y`, `Y`) and says what went where; without it the keys say copying is off. */
  copy?: (call: LlmCall, format: CopyFormat) => string;
}

/** Calls the log can scroll through. */
const LOG_LIMIT = 500;
/** Runs the runs view lists. */
const RUNS_LIMIT = 200;
const DEFAULT_FPS = 4;

/** How long a notice (what was copied where) stays in the footer. */
const NOTICE_MS = 4000;

export function App({
  source,
  info,
  initialWindowMs,
  fps = DEFAULT_FPS,
  onQuit,
  formatTime = formatClock,
  thresholds = DEFAULT_THRESHOLDS,
  trends,
  copy,
}: AppProps) {
  const { columns, rows } = useTerminalSize();
  const [state, dispatchScreen] = useReducer(reduce, initialWindowMs, initialState);
  const groupBy = grouping(state);

  // Chart width depends on the terminal only, so the query is known before the data.
  const points = computeLayout(columns, rows, 0).spark?.points ?? 60;
  const runsQuery = state.view === 'runs' ? { sort: state.runs.sort, limit: RUNS_LIMIT, traceId: state.runs.open?.traceId ?? null } : undefined;
  const query: DataQuery = { windowMs: state.windowMs, groupBy, search: state.filter, rowFilter: state.rowFilter, points, logLimit: LOG_LIMIT, compare: state.compare, runs: runsQuery };
  const snap = useSnapshot(source, query, state.paused, fps);
  const layout = computeLayout(columns, rows, snap.summary.groups.length);
  const width = layout.columns;

  // An idle re-read keeps the parts time did not change: these follow their part, not the read.
  const groups = useMemo(() => sortGroups(snap.summary.groups, state.sort, groupBy), [snap.summary, state.sort, groupBy]);
  const previous = useMemo(() => (snap.previous ? previousRows(snap.previous.groups, groupBy) : null), [snap.previous, groupBy]);
  const tableIds = useMemo(() => groups.map((g) => groupId(g, groupBy)), [groups, groupBy]);
  const logIds = useMemo(() => snap.recent.map((c) => c.id), [snap.recent]);
  const table = viewList(state.table, tableIds, layout.tableRows);
  const log = viewList(state.log, logIds, layout.logRows);
  const selectedGroup = groups[table.selected];

  const errors = useErrorsView(source, state, snap, layout.body);

  const detailId = state.detail?.callId;
  const detailCall = useMemo(
    () =>
      detailId === undefined
        ? undefined
        : // An example older than the log's calls is kept by the errors view, without its text.
          (snap.recent.find((c) => c.id === detailId) ?? source.call(detailId) ?? errors.rows?.find((r) => r.latest.id === detailId)?.latest),
    [detailId, snap, source, errors.rows],
  );
  // The words of the `/` search, marked where the log and the detail show them.
  const words = useMemo(() => searchWords(state.filter), [state.filter]);
  const lines = useMemo(
    () => (detailId === undefined ? [] : detailLines(detailCall, width, formatTime, info.noContent, state.blurred, words, snap.cold.get(detailId) ?? source.cacheCold?.(detailId))),
    [detailId, detailCall, width, formatTime, info.noContent, state.blurred, words, snap.cold, source],
  );
  const detailVisible = Math.max(1, layout.body - 1);

  const selectedKey = selectedGroup ? keyOf(selectedGroup, groupBy) : null;
  const distributionKey = state.view === 'distribution' ? JSON.stringify(selectedKey) : null;
  const distribution = useMemo(
    () =>
      distributionKey === null
        ? undefined
        : source.distribution?.(state.windowMs, { search: state.filter || undefined, keys: selectedKey ?? undefined }),
    // The selected key is in distributionKey; snap changes when the window's calls do.
    [distributionKey, snap, source, state.windowMs, state.filter],
  );
  const runs = useRunsView(state, snap, layout.body);
  const sessions = useSessionsView(source, state, layout.body);
  const trendSeries = useTrends(trends, state.view === 'trends', state.trendRange, groupBy);
  const sourcesReport = useSources(source, state.view === 'sources');

  const ctx: CommandContext = {
    state,
    table: {
      ids: tableIds,
      visible: layout.tableRows,
      selectedKey: (s) => {
        const g = groups[viewList(s.table, tableIds, layout.tableRows).selected];
        return g ? keyOf(g, groupBy) : null;
      },
    },
    log: { ids: logIds, visible: layout.logRows, selectedId: (s) => snap.recent[viewList(s.log, logIds, layout.logRows).selected]?.id ?? null },
    errors: errors.ctx,
    detail: { visible: detailVisible, max: Math.max(0, lines.length - detailVisible) },
    runs: runs.ctx,
    sessions: sessions.ctx,
  };
  // Copying is the one effect a key has: carried out here, its outcome shown as a notice.
  const dispatch = (action: ScreenAction) => {
    if (action.type !== 'copy') return dispatchScreen(action);
    const call = snap.recent.find((c) => c.id === action.callId) ?? source.call(action.callId);
    const text = !copy ? 'copying is off here' : call ? copy(call, action.format) : 'that call is no longer in memory';
    dispatchScreen({ type: 'notice', text });
  };
  useKeys(ctx, dispatch, onQuit);
  useEffect(() => {
    if (state.notice === null) return;
    const timer = setTimeout(() => dispatchScreen({ type: 'notice', text: null }), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [state.notice]);

  const mode = modeOf(state);
  let body;
  if (state.help) {
    body = <HelpOverlay width={width} rows={layout.body} />;
  } else if (state.detail) {
    body = <CallDetail call={detailCall} lines={lines} scroll={Math.min(state.detail.scroll, ctx.detail.max)} rows={layout.body} width={width} />;
  } else if (state.view === 'runs' && state.runs.open) {
    body = <RunTree run={snap.run} rows={runs.spanRows} selected={runs.tree.selected} scroll={runs.tree.scroll} height={layout.body} width={width} />;
  } else if (state.view === 'runs') {
    body = (
      <Runs
        runs={snap.runs}
        sort={state.runs.sort}
        windowMs={state.windowMs}
        selected={runs.list.selected}
        scroll={runs.list.scroll}
        rows={layout.body}
        width={width}
        formatTime={formatTime}
      />
    );
  } else if (state.view === 'sessions' && state.sessions.open) {
    body = <SessionTurns session={sessions.detail} selected={sessions.shown.selected} scroll={sessions.shown.scroll} rows={layout.body} width={width} formatTime={formatTime} />;
  } else if (state.view === 'sessions') {
    body = (
      <SessionList
        sessions={sessions.list}
        sort={state.sessions.sort}
        windowMs={state.windowMs}
        selected={sessions.shown.selected}
        scroll={sessions.shown.scroll}
        rows={layout.body}
        width={width}
        formatTime={formatTime}
        available={sessions.available}
      />
    );
  } else if (state.view === 'sources') {
    body = <Sources report={sourcesReport} now={source.now} rows={layout.body} width={width} />;
  } else if (state.view === 'trends') {
    body = <Trends series={trendSeries} range={state.trendRange} groupBy={groupBy} rows={layout.body} width={width} />;
  } else if (state.view === 'errors') {
    body = (
      <Errors
        rows={errors.rows}
        selected={errors.list.selected}
        scroll={errors.list.scroll}
        windowMs={state.windowMs}
        height={layout.body}
        width={width}
        formatTime={formatTime}
        loops={snap.loops}
      />
    );
  } else if (state.view === 'distribution') {
    body = (
      <Distribution
        values={distribution}
        label={selectedGroup ? groupLabel(selectedGroup, groupBy) : null}
        windowMs={state.windowMs}
        slowMs={thresholds.durationMs}
        rows={layout.body}
        width={width}
      />
    );
  } else if (!snap.anyCalls) {
    body = <EmptyState address={info.address} proxy={info.proxy ?? null} width={width} rows={layout.body} />;
  } else {
    body = (
      <>
        {layout.spark && <Sparklines series={snap.series} totals={snap.summary.totals} windowMs={state.windowMs} layout={layout.spark} />}
        <ModelTable
          groups={groups}
          groupBy={groupBy}
          columns={tableColumns(width, state.compare)}
          previous={previous}
          sort={state.sort}
          selected={table.selected}
          scroll={table.scroll}
          focused={state.focus === 'table'}
          rows={layout.tableRows}
          width={width}
          thresholds={thresholds}
          filter={state.filter}
        />
        <CallLog
          calls={snap.recent}
          selected={log.selected}
          scroll={log.scroll}
          focused={state.focus === 'log'}
          rows={layout.logRows}
          width={width}
          wide={layout.wide}
          rowFilter={state.rowFilter}
          noContent={info.noContent}
          blurred={state.blurred}
          formatTime={formatTime}
          thresholds={thresholds}
          words={words}
          matched={snap.found?.matched ?? null}
          cold={snap.cold}
        />
      </>
    );
  }

  // rows-1 lines: a frame as tall as the terminal makes Ink clear the screen on each redraw. Ink
  // drops what falls below a fixed-height root; no overflow="hidden", which slices every line.
  return (
    <Box flexDirection="column" width={width} height={Math.max(1, rows - 1)}>
      <Header
        address={info.address}
        windowMs={state.windowMs}
        paused={state.paused}
        noContent={info.noContent}
        blurred={state.blurred}
        totals={snap.summary.totals}
        filter={state.filter}
        rowFilter={state.rowFilter}
        relay={snap.relay}
        capture={snap.capture}
        money={snap.money}
        formatTime={formatTime}
        command={info.command}
        loops={snap.loops}
        width={width}
      />
      <Box flexDirection="column" height={layout.body}>
        {body}
      </Box>
      <Footer mode={mode} draft={state.draft} notice={state.notice} width={width} />
    </Box>
  );
}

function keyOf(g: Partial<Record<GroupKey, string>>, groupBy: readonly GroupKey[]): RowFilter {
  const key: RowFilter = {};
  for (const k of groupBy) key[k] = g[k] ?? '';
  return key;
}
