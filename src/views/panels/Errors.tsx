import { Box } from 'ink';
import { ERROR_CLASS_LABELS, ERROR_CLASSES, type ErrorClass, type ErrorRow } from '../../stats/errors.js';
import { formatWindow } from '../../stats/windows.js';
import { formatCount, formatSumCost } from '../format.js';
import type { LoopAlert } from '../../domain/loop.js';
import { fit, sanitizeLine } from '../sanitize.js';
import { Line, type Seg } from './Line.js';
import { PanelTitle } from './PanelTitle.js';

export interface ErrorsProps {
  /** Undefined when the source keeps no error rows. */
  rows: readonly ErrorRow[] | undefined;
  selected: number;
  scroll: number;
  windowMs: number;
  /** Lines of the panel, title included. */
  height: number;
  width: number;
  formatTime: (ms: number) => string;
  /** Loops and retry storms in the window, newest first: listed above the rows. */
  loops?: readonly LoopAlert[];
}

/** Lines above the rows: title, per-class totals, column heads. */
export const ERRORS_HEAD = 3;
/** Loops listed at most above the rows. */
export const LOOP_LINES = 3;
const MARKER = 2;
const KIND = 14;
const COUNT = 6;
const TIME = 9;
/** The totals line names the classes briefly, so that all seven fit 80 columns. */
const SHORT: Record<ErrorClass, string> = {
  rateLimit: 'rate limit',
  server: 'server',
  timeout: 'timeout',
  truncated: 'truncated',
  contentFilter: 'filtered',
  nearContext: 'near ctx',
  other: 'other',
};
/** Failures in red; calls that succeeded but were cut short or came near the limit in yellow. */
const COLOR: Record<ErrorClass, string> = {
  rateLimit: 'red',
  server: 'red',
  timeout: 'red',
  other: 'red',
  truncated: 'yellow',
  contentFilter: 'yellow',
  nearContext: 'yellow',
};

/** The `e` view: per model, how many calls hit each kind of LLM error, and the latest example. */
export function Errors({ rows, selected, scroll, windowMs, height, width, formatTime, loops = [] }: ErrorsProps) {
  const title: Seg[] = [{ text: `${formatWindow(windowMs)} · per model · ↑↓ row · Enter latest example · Esc back` }];
  if (!rows) {
    return (
      <Box flexDirection="column" height={height}>
        <PanelTitle title="ERRORS" focused width={width} details={title} />
        <Line segs={[{ text: '  this source keeps no error classes', dim: true }]} width={width} />
      </Box>
    );
  }
  const totals = new Map<ErrorClass, number>();
  for (const r of rows) totals.set(r.kind, (totals.get(r.kind) ?? 0) + r.count);
  const totalSegs: Seg[] = [{ text: '  ' }];
  for (const k of ERROR_CLASSES) {
    const n = totals.get(k);
    if (n) totalSegs.push({ text: `${SHORT[k]} ` }, { text: formatCount(n), color: COLOR[k], bold: true }, { text: '  ' });
  }
  const nameWidth = Math.max(12, Math.min(36, Math.floor((width - MARKER - KIND - COUNT - TIME - 3) * 0.45)));
  const messageWidth = Math.max(0, width - MARKER - nameWidth - KIND - COUNT - TIME - 4);
  const loopLines = loops.slice(0, LOOP_LINES);
  const visible = Math.max(1, height - ERRORS_HEAD - loopLines.length);
  const shown = rows.slice(scroll, scroll + visible);
  return (
    <Box flexDirection="column" height={height}>
      <PanelTitle title="ERRORS" focused width={width} details={title} />
      {loopLines.map((a) => (
        <Line
          key={a.id}
          segs={[
            { text: `  ⟳ ${a.kind === 'loop' ? 'loop' : 'retry storm'} `, color: 'red', bold: true },
            { text: `${sanitizeLine(a.service)} ${sanitizeLine(a.model)} ×${a.count} ${formatSumCost({ costUsd: a.costUsd, unpricedCalls: a.unpricedCalls })} since ${formatTime(a.firstMs)} ` },
            { text: a.kind === 'loop' ? `"${sanitizeLine(a.what)}"` : sanitizeLine(a.what), color: 'red' },
          ]}
          width={width}
        />
      ))}
      <Line segs={rows.length === 0 ? [{ text: '  no errors, truncations or near-context calls in this window', color: 'green' }] : totalSegs} width={width} />
      <Line
        segs={[{ text: ' '.repeat(MARKER) + fit('MODEL', nameWidth) + ' ' + fit('KIND', KIND) + ' ' + fit('CALLS', COUNT, 'right') + ' ' + fit('LATEST', TIME) + ' EXAMPLE', bold: true, dim: true }]}
        width={width}
      />
      {shown.map((r, i) => {
        const isSelected = scroll + i === selected;
        const segs: Seg[] = [
          { text: isSelected ? '▸ ' : '  ', color: 'cyan' },
          { text: fit(`${sanitizeLine(r.provider)}/${sanitizeLine(r.model)}`, nameWidth), bold: isSelected },
          { text: ' ' + fit(ERROR_CLASS_LABELS[r.kind], KIND), color: COLOR[r.kind] },
          { text: ' ' + fit(formatCount(r.count), COUNT, 'right') },
          { text: ' ' + fit(formatTime(r.latest.timeMs), TIME) },
          { text: ' ' + fit(sanitizeLine(r.message), messageWidth), dim: true },
        ];
        return <Line key={`${r.provider}/${r.model}/${r.kind}`} segs={segs} width={width} inverse={isSelected} fill={isSelected} />;
      })}
    </Box>
  );
}

/** A stable id for an errors row. */
export function errorRowId(r: ErrorRow): string {
  return `${r.provider}\u0000${r.model}\u0000${r.kind}`;
}
