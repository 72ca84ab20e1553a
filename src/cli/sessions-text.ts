import type { SessionDetailJson, SessionJson, SessionsJson } from '../api/json.js';
import { formatContext, formatCost, formatCount, formatDuration, formatSumCost } from '../views/format.js';
import { clipLine, sanitizeLine } from '../views/sanitize.js';
import { localStamp, plural, textTable } from './table-text.js';

/** `llmtop sessions` and `llmtop session ID` as readable text, names and prompts from the wire sanitized. */

const sessionCost = (s: SessionJson) => formatSumCost({ costUsd: s.costUsd, unpricedCalls: s.unpricedCalls, requests: s.calls });

/** A line per session, in the order asked, with the id to open one by. */
export function sessionsText(answer: SessionsJson, ask: { window: string | null; sort: string }): string {
  const within = ask.window ? ` in the last ${ask.window}` : ' in the live window';
  if (answer.sessions.length === 0)
    return `No sessions${within}: calls join a session when they carry gen_ai.conversation.id or session.id (coding agents send theirs).\n`;
  const lines = textTable(
    [
      { title: 'START' },
      { title: 'LAST' },
      { title: 'STATUS' },
      { title: 'TURNS', align: 'right' },
      { title: 'CALLS', align: 'right' },
      { title: 'TOKENS', align: 'right' },
      { title: 'COST', align: 'right' },
      { title: 'CTX', align: 'right' },
      { title: 'SERVICE', max: 20 },
      { title: 'MODELS', max: 30 },
      { title: 'SESSION ID' },
    ],
    answer.sessions.map((s) => ({
      cells: [
        localStamp(s.start),
        localStamp(s.lastActivity),
        s.status,
        String(s.turnCount),
        String(s.calls),
        `${formatCount(s.inputTokens)}→${formatCount(s.outputTokens)}`,
        sessionCost(s),
        formatContext(s.peakContextPercent),
        clipLine(s.service, 20),
        clipLine(s.models.join(', '), 30),
        sanitizeLine(s.id),
      ],
    })),
  );
  const order = ask.sort === 'time' ? 'latest activity first' : `most ${ask.sort} first`;
  lines.push('', `${plural(answer.sessions.length, 'session')}${within}, ${order}; llmtop session ID for one's turns`);
  return `${lines.join('\n')}\n`;
}

/** The session's numbers, then its turns in order with the cost so far. */
export function sessionText(s: SessionDetailJson): string {
  const out = [
    `session ${sanitizeLine(s.id)}  ${sanitizeLine(s.service)}  ${s.status}`,
    [
      `started ${localStamp(s.start)}`,
      `last activity ${localStamp(s.lastActivity)}`,
      `${plural(s.turnCount, 'turn')}, ${plural(s.calls, 'call')}, ${plural(s.errors, 'error')}`,
      `tokens ${formatCount(s.inputTokens)}→${formatCount(s.outputTokens)}`,
      `cost ${sessionCost(s)}`,
      `peak context ${formatContext(s.peakContextPercent)}`,
    ].join(' · '),
    `models ${sanitizeLine(s.models.join(', '))}`,
    '',
    ...textTable(
      [
        { title: '#', align: 'right' },
        { title: 'START' },
        { title: 'WALL', align: 'right' },
        { title: 'PROMPT', max: 50 },
        { title: 'CALLS', align: 'right' },
        { title: 'TOKENS', align: 'right' },
        { title: 'COST', align: 'right' },
        { title: 'SO FAR', align: 'right' },
        { title: 'CTX', align: 'right' },
        { title: 'TRACE ID' },
      ],
      s.turns.map((t, i) => ({
        cells: [
          String(i + 1),
          localStamp(t.time),
          formatDuration(t.durationMs),
          t.prompt === null ? '-' : clipLine(t.prompt, 50),
          String(t.calls),
          `${formatCount(t.inputTokens)}→${formatCount(t.outputTokens)}`,
          formatSumCost({ costUsd: t.costUsd, unpricedCalls: t.unpricedCalls, requests: t.calls }),
          formatCost(t.cumulativeCostUsd),
          formatContext(t.contextPercent),
          t.traceId === null ? '-' : sanitizeLine(t.traceId),
        ],
      })),
    ),
    '',
    'llmtop run TRACE_ID opens a turn as a tree of its calls',
  ];
  return `${out.join('\n')}\n`;
}
