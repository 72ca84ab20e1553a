import { Box } from 'ink';
import type { RunDetail, RunNode } from '../../domain/run.js';
import { contextColor, formatCallCost, formatContext, formatCount, formatDuration, formatPercent, formatSumCost } from '../format.js';
import { sanitizeLine } from '../sanitize.js';
import { Line, type Seg } from './Line.js';
import { PanelTitle } from './PanelTitle.js';

/** One line of the tree: a span at its depth. */
export interface TreeRow {
  /** The span id, or the call id for a call whose span never came. */
  id: string;
  depth: number;
  node: RunNode;
}

/** The tree in reading order, parents before children. */
export function treeRows(run: RunDetail | null): TreeRow[] {
  const out: TreeRow[] = [];
  const walk = (node: RunNode, depth: number) => {
    out.push({ id: node.span.spanId || node.call?.id || '', depth, node });
    for (const c of node.children) walk(c, depth + 1);
  };
  for (const n of run?.tree ?? []) walk(n, 0);
  return out;
}

export interface RunTreeProps {
  run: RunDetail | null;
  rows: readonly TreeRow[];
  selected: number;
  scroll: number;
  height: number;
  width: number;
}

/** Indent per level; deep agent loops are cut at the line's end like any long line. */
const INDENT = 2;

/** A run as an indented tree of its spans; LLM calls marked ◆ with model, tokens, cost and duration. */
export function RunTree({ run, rows, selected, scroll, height, width }: RunTreeProps) {
  const visible = Math.max(1, height - 1);
  const title = run
    ? `${sanitizeLine(run.name)} · ${run.calls} calls · ${formatSumCost({ ...run, requests: run.calls })} · ${formatDuration(run.wallMs)} · ${formatPercent(run.modelShare)} on models` +
      `${run.peakContextPercent === null ? '' : ` · peak ctx ${formatContext(run.peakContextPercent)}`} · ⏎ call · Esc back`
    : 'this run is no longer in memory · Esc back';
  return (
    <Box flexDirection="column" height={height}>
      <PanelTitle title="RUN" focused width={width} details={[{ text: title }]} />
      {rows.slice(scroll, scroll + visible).map((r, i) => (
        <Line key={r.id} segs={[{ text: scroll + i === selected ? '› ' : '  ' }, ...rowSegs(r)]} width={width} inverse={scroll + i === selected} fill />
      ))}
    </Box>
  );
}

function rowSegs({ depth, node }: TreeRow): Seg[] {
  const { span, call } = node;
  const indent = ' '.repeat(depth * INDENT);
  if (!call) return [{ text: `${indent}· ${sanitizeLine(span.name)}  ` }, { text: formatDuration(span.endMs - span.startMs), dim: true }];
  const failed = call.status === 'error';
  return [
    { text: `${indent}◆ `, color: failed ? 'red' : 'cyan', bold: true },
    { text: `${sanitizeLine(call.model)}  `, bold: true, color: failed ? 'red' : undefined },
    { text: `${formatCount(call.inputTokens)}→${formatCount(call.outputTokens)} tok  ` },
    ...(call.contextPercent === null ? [] : [{ text: `ctx ${formatContext(call.contextPercent)}  `, color: contextColor(call.contextPercent) }]),
    { text: `${formatCallCost(call)}  ${formatDuration(call.durationMs)}  ` },
    { text: sanitizeLine(span.name), dim: true },
  ];
}
