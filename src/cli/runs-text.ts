import type { RunJson, RunNodeJson, RunTreeJson, RunsJson } from '../api/json.js';
import { formatCallCost, formatContext, formatCount, formatDuration, formatPercent, formatSumCost } from '../views/format.js';
import { clipLine, sanitizeLine } from '../views/sanitize.js';
import { localStamp, plural, textTable } from './table-text.js';

/** `llmtop runs` and `llmtop run TRACE_ID` as readable text, names from the wire sanitized. */

const runCost = (r: RunJson) => formatSumCost({ costUsd: r.costUsd, unpricedCalls: r.unpricedCalls, requests: r.calls });

/** A line per run, in the order asked, with the trace id to open one by. */
export function runsText(answer: RunsJson, ask: { window: string | null; sort: string }): string {
  const within = ask.window ? ` in the last ${ask.window}` : ' in the live window';
  if (answer.runs.length === 0) return `No runs${within}: a run is a trace with at least one LLM call.\n`;
  const lines = textTable(
    [
      { title: 'START' },
      { title: 'RUN', max: 40 },
      { title: 'SERVICE', max: 20 },
      { title: 'CALLS', align: 'right' },
      { title: 'ERR', align: 'right' },
      { title: 'TOKENS', align: 'right' },
      { title: 'COST', align: 'right' },
      { title: 'WALL', align: 'right' },
      { title: 'CTX', align: 'right' },
      { title: 'TRACE ID' },
    ],
    answer.runs.map((r) => ({
      cells: [
        localStamp(r.time),
        clipLine(r.name, 40),
        clipLine(r.service, 20),
        String(r.calls),
        String(r.errors),
        `${formatCount(r.inputTokens)}→${formatCount(r.outputTokens)}`,
        runCost(r),
        formatDuration(r.durationMs),
        formatContext(r.peakContextPercent),
        sanitizeLine(r.traceId),
      ],
    })),
  );
  const order = ask.sort === 'time' ? 'newest first' : `most ${ask.sort} first`;
  lines.push('', `${plural(answer.runs.length, 'run')}${within}, ${order}; llmtop run TRACE_ID for one's tree`);
  return `${lines.join('\n')}\n`;
}

/** The run's numbers, then its tree: spans under their parents, each LLM call with its id. */
export function runText(r: RunTreeJson): string {
  const out = [
    `run ${sanitizeLine(r.traceId)}  ${sanitizeLine(r.name)}${r.rooted ? '' : '  (root span not seen)'}`,
    [
      sanitizeLine(r.service),
      `started ${localStamp(r.time)}`,
      `wall ${formatDuration(r.durationMs)}`,
      `${plural(r.calls, 'call')}, ${plural(r.errors, 'error')}`,
      `tokens ${formatCount(r.inputTokens)}→${formatCount(r.outputTokens)}`,
      `cost ${runCost(r)}`,
      `models busy ${formatPercent(r.modelShare)}`,
      `peak context ${formatContext(r.peakContextPercent)}`,
    ].join(' · '),
    `models ${sanitizeLine(r.models.join(', '))}`,
    '',
  ];
  const walk = (nodes: readonly RunNodeJson[], prefix: string) => {
    nodes.forEach((n, i) => {
      const last = i === nodes.length - 1;
      out.push(`${prefix}${last ? '└─ ' : '├─ '}${nodeLine(n)}`);
      walk(n.children, `${prefix}${last ? '   ' : '│  '}`);
    });
  };
  walk(r.spans, '');
  out.push('', 'llmtop call ID opens a call with its prompt and response');
  return `${out.join('\n')}\n`;
}

function nodeLine(n: RunNodeJson): string {
  const head = `${clipLine(n.name, 60)}  ${formatDuration(n.durationMs)}`;
  const c = n.call;
  if (!c) return head;
  const model = clipLine(c.provider ? `${c.provider}/${c.model}` : c.model, 40);
  return `${head}  ${model}  ${formatCount(c.inputTokens)}→${formatCount(c.outputTokens)}  ctx ${formatContext(c.contextPercent)}  ${formatCallCost(c)}  ${c.status}  call ${sanitizeLine(c.id)}`;
}
