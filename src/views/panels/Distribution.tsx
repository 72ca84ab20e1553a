import { Box } from 'ink';
import type { Distribution as Values } from '../../stats/live-stats.js';
import { formatWindow } from '../../stats/windows.js';
import { formatCount, formatDuration, formatPercent } from '../format.js';
import { bucketOf, countAbove, type Histogram, histogram } from '../histogram.js';
import { displayWidth, fit, truncate } from '../sanitize.js';
import { Line, type Seg } from './Line.js';
import { PanelTitle } from './PanelTitle.js';

export interface DistributionProps {
  /** Sorted durations and TTFTs of the row; undefined when the source cannot tell. */
  values: Values | undefined;
  /** The selected table row, as displayed (safe text), or null for every call. */
  label: string | null;
  windowMs: number;
  slowMs: number;
  rows: number;
  width: number;
}

/** Side by side from this width; below it the TTFT histogram goes under the latency one. */
const SIDE_BY_SIDE = 70;
const LABEL = 7;
const COUNT = 6;
const MARKS = 11;
/** Lines of a histogram above its buckets: title, percentiles. */
const HEAD = 2;

/**
 * Seed 002's latency distribution for the table's selected row: log-spaced buckets of call
 * durations and of TTFTs, a bar and a count each, P50 P95 P99 marked on their buckets, and the
 * buckets past the slow threshold in red.
 */
export function Distribution({ values, label, windowMs, slowMs, rows, width }: DistributionProps) {
  const title: Seg[] = [{ text: `${label ?? 'all calls'} · ${formatWindow(windowMs)} · ↑↓ row · Esc back` }];
  if (!values) {
    return (
      <Box flexDirection="column" height={rows}>
        <PanelTitle title="LATENCY" focused width={width} details={title} />
        <Line segs={[{ text: '  this source keeps no per-call latencies', dim: true }]} width={width} />
      </Box>
    );
  }
  const side = width >= SIDE_BY_SIDE;
  const body = Math.max(1, rows - 1);
  // Stacked, each histogram gets half the lines; side by side, all of them.
  const blockRows = side ? body : Math.max(HEAD + 1, Math.floor((body - 1) / 2));
  const colWidth = side ? Math.floor((width - 2) / 2) : width;
  const maxBuckets = Math.max(1, blockRows - HEAD);
  const latency = blockLines('latency', histogram(values.durationsMs, maxBuckets), colWidth, slowMs, {
    note: overNote(values.durationsMs, slowMs),
  });
  const ttft = blockLines('TTFT', histogram(values.ttftsMs, maxBuckets), colWidth, null, { empty: 'no streamed calls' });
  let lines: Seg[][];
  if (side) {
    lines = [];
    const blank: Seg[] = [{ text: ' '.repeat(colWidth) }];
    for (let i = 0; i < Math.max(latency.length, ttft.length); i++) {
      lines.push([...pad(latency[i] ?? blank, colWidth), { text: '  ' }, ...(ttft[i] ?? [])]);
    }
  } else {
    lines = [...latency.slice(0, blockRows), [], ...ttft];
  }
  return (
    <Box flexDirection="column" height={rows}>
      <PanelTitle title="LATENCY" focused width={width} details={title} />
      {lines.slice(0, body).map((segs, i) => (
        <Line key={i} segs={segs.length ? segs : [{ text: ' ' }]} width={width} />
      ))}
    </Box>
  );
}

function overNote(sorted: readonly number[], slowMs: number): string {
  const over = countAbove(sorted, slowMs);
  return over > 0 ? ` · ${formatCount(over)} (${formatPercent(over / sorted.length)}) over ${formatDuration(slowMs)}` : '';
}

/** One histogram as lines: title, percentiles, then a bar per bucket. */
export function blockLines(
  name: string,
  h: Histogram,
  width: number,
  slowMs: number | null,
  o: { note?: string; empty?: string } = {},
): Seg[][] {
  const head: Seg[][] = [
    [{ text: name, bold: true }, { text: ` · ${formatCount(h.count)} calls${o.note ?? ''}`, dim: true }],
    [
      { text: 'P50 ', dim: true },
      { text: formatDuration(h.p50), bold: true },
      { text: '  P95 ', dim: true },
      { text: formatDuration(h.p95), bold: true, color: slowMs !== null && h.p95 !== null && h.p95 > slowMs ? 'red' : undefined },
      { text: '  P99 ', dim: true },
      { text: formatDuration(h.p99), bold: true },
    ],
  ];
  if (h.count === 0) return [head[0]!, [{ text: o.empty ?? 'no calls', dim: true }]];
  const marks = new Map<number, string[]>();
  for (const [p, v] of [['50', h.p50], ['95', h.p95], ['99', h.p99]] as const) {
    if (v === null) continue;
    const i = bucketOf(h.buckets, v);
    marks.set(i, [...(marks.get(i) ?? []), p]);
  }
  const max = Math.max(...h.buckets.map((b) => b.count));
  const barWidth = Math.max(1, width - LABEL - COUNT - MARKS - 2);
  const lines = h.buckets.map((b, i): Seg[] => {
    const slow = slowMs !== null && b.loMs >= slowMs;
    const m = marks.get(i);
    return [
      { text: fit(`<${formatDuration(b.hiMs)}`, LABEL, 'right') + ' ', dim: true },
      { text: fit(bar(b.count, max, barWidth), barWidth), color: slow ? 'red' : 'cyan' },
      { text: fit(formatCount(b.count), COUNT, 'right') + ' ', color: slow && b.count > 0 ? 'red' : undefined },
      { text: m ? `◂P${m.join('/')}` : '', bold: true, color: 'yellow' },
    ];
  });
  return [...head, ...lines];
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A horizontal bar in eighths of a column; any count above 0 shows at least a sliver. */
export function bar(count: number, max: number, width: number): string {
  if (count <= 0 || max <= 0) return '';
  const eighths = Math.max(1, Math.round((count / max) * width * 8));
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8];
}

/** Cut to the column, then pad: the right histogram starts at the same place on every line. */
function pad(segs: readonly Seg[], width: number): Seg[] {
  const out: Seg[] = [];
  let used = 0;
  for (const s of segs) {
    const t = truncate(s.text, width - used);
    if (t) out.push({ ...s, text: t });
    used += displayWidth(t);
    if (used >= width) break;
  }
  if (used < width) out.push({ text: ' '.repeat(width - used) });
  return out;
}
