import { Box } from 'ink';
import type { SessionDetail, SessionSort, SessionSummary } from '../../domain/session.js';
import { contextColor, formatContext, formatCount, formatSumCost } from '../format.js';
import { fit, sanitizeLine } from '../sanitize.js';
import { formatWindow } from '../../stats/windows.js';
import { Line, type Seg } from './Line.js';
import { PanelTitle } from './PanelTitle.js';

/** Title and column header above the rows. */
export const SESSIONS_CHROME = 2;

const SORT_TEXT: Record<SessionSort, string> = { time: 'newest activity', cost: 'cost', calls: 'calls', context: 'context' };

interface ListProps {
  sessions: readonly SessionSummary[];
  sort: SessionSort;
  windowMs: number;
  selected: number;
  scroll: number;
  rows: number;
  width: number;
  formatTime: (ms: number) => string;
  /** False when the source keeps no sessions (a stand-in without a store). */
  available: boolean;
}

/** The window's conversations: one line each, what they cost so far and how full their context got. */
export function SessionList({ sessions, sort, windowMs, selected, scroll, rows, width, formatTime, available }: ListProps) {
  const visible = Math.max(1, rows - SESSIONS_CHROME);
  const title = `${sessions.length} sessions in ${formatWindow(windowMs)} · by ${SORT_TEXT[sort]} · s sort · ⏎ turns · Esc back`;
  const head = `  ${fit('start', 8)} ${fit('last', 8)} ${fit('turns', 5, 'right')} ${fit('calls', 5, 'right')} ${fit('tokens', 6, 'right')} ${fit('cost', 9, 'right')} ${fit('ctx', 4, 'right')} ${fit('', 6)} service · models`;
  const empty = available
    ? 'No sessions in this window: calls that carry gen_ai.conversation.id or session.id (coding agents do) show here.'
    : 'This source keeps no sessions.';
  return (
    <Box flexDirection="column" height={rows}>
      <PanelTitle title="SESSIONS" focused width={width} details={[{ text: title }]} />
      <Line segs={[{ text: head, bold: true }]} width={width} />
      {sessions.length === 0 && <Line segs={[{ text: empty, dim: true }]} width={width} />}
      {sessions.slice(scroll, scroll + visible).map((s, i) => {
        const mark = scroll + i === selected ? '› ' : '  ';
        const segs: Seg[] = [
          {
            text:
              `${mark}${fit(formatTime(s.startMs), 8)} ${fit(formatTime(s.lastMs), 8)} ${fit(String(s.turnCount), 5, 'right')} ${fit(String(s.calls), 5, 'right')} ` +
              `${fit(formatCount(s.inputTokens + s.outputTokens), 6, 'right')} ${fit(formatSumCost({ ...s, requests: s.calls }), 9, 'right')} `,
          },
          { text: fit(formatContext(s.peakContextPercent), 4, 'right'), color: contextColor(s.peakContextPercent) },
          { text: ` ${fit(s.status, 6)} `, color: s.status === 'active' ? 'green' : undefined, dim: s.status === 'idle' },
          { text: `${sanitizeLine(s.service)} · ${s.models.map(sanitizeLine).join(', ')}`, color: s.errors > 0 ? 'red' : undefined },
        ];
        return <Line key={s.id} segs={segs} width={width} inverse={scroll + i === selected} fill />;
      })}
    </Box>
  );
}

interface TurnsProps {
  session: SessionDetail | undefined;
  selected: number;
  scroll: number;
  rows: number;
  width: number;
  formatTime: (ms: number) => string;
}

/** Blocks of the context bar. */
const BAR = 5;

/** How full a context window is as a small bar: `███░░`; blank when unknown. */
function contextBar(percent: number | null): string {
  if (percent === null) return ' '.repeat(BAR);
  const full = Math.max(0, Math.min(BAR, Math.round((percent / 100) * BAR)));
  return '█'.repeat(full) + '░'.repeat(BAR - full);
}

/** A session's turns in order: what the user asked, what it took, the cost so far, and the context. */
export function SessionTurns({ session, selected, scroll, rows, width, formatTime }: TurnsProps) {
  const visible = Math.max(1, rows - SESSIONS_CHROME);
  const title = session
    ? `${sanitizeLine(session.id)} · ${sanitizeLine(session.service)} · ${session.turnCount} turns · ${formatSumCost({ ...session, requests: session.calls })} · ${session.status} · ⏎ run tree · Esc back`
    : 'this session is no longer in the store · Esc back';
  const head = `  ${fit('time', 8)} ${fit('calls', 5, 'right')} ${fit('in/out', 11, 'right')} ${fit('cost', 9, 'right')} ${fit('so far', 9, 'right')} ${fit('ctx', 10)} prompt`;
  const turns = session?.turns ?? [];
  return (
    <Box flexDirection="column" height={rows}>
      <PanelTitle title="SESSION" focused width={width} details={[{ text: title }]} />
      <Line segs={[{ text: head, bold: true }]} width={width} />
      {turns.slice(scroll, scroll + visible).map((t, i) => {
        const mark = scroll + i === selected ? '› ' : '  ';
        const segs: Seg[] = [
          {
            text:
              `${mark}${fit(formatTime(t.startMs), 8)} ${fit(String(t.calls), 5, 'right')} ${fit(`${formatCount(t.inputTokens)}/${formatCount(t.outputTokens)}`, 11, 'right')} ` +
              `${fit(formatSumCost({ ...t, requests: t.calls }), 9, 'right')} ${fit(formatSumCost({ costUsd: t.cumulativeCostUsd, unpricedCalls: 0 }), 9, 'right')} `,
          },
          { text: `${contextBar(t.contextPercent)} ${fit(formatContext(t.contextPercent), 4, 'right')} `, color: contextColor(t.contextPercent) },
          { text: t.prompt === null ? '-' : sanitizeLine(t.prompt), color: t.errors > 0 ? 'red' : undefined, dim: t.prompt === null },
        ];
        return <Line key={`${t.traceId ?? ''}${i}`} segs={segs} width={width} inverse={scroll + i === selected} fill />;
      })}
    </Box>
  );
}
