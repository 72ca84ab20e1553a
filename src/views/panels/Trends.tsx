import { Box, Text } from 'ink';
import type { GroupKey } from '../../domain/call.js';
import { groupLabel } from '../columns.js';
import { formatCost, formatCount, formatTokens } from '../format.js';
import { CHART_GAP_COLUMNS, CHART_LABEL_WIDTH } from '../layout.js';
import { fit } from '../sanitize.js';
import type { TrendRange } from '../state.js';
import type { TrendSeries } from '../trends-source.js';
import { Line, type Seg } from './Line.js';
import { PanelTitle } from './PanelTitle.js';
import { plot } from './Sparklines.js';

export interface TrendsProps {
  /** Undefined when llmtop runs without a store behind the view. */
  series: TrendSeries | undefined;
  range: TrendRange;
  groupBy: readonly GroupKey[];
  rows: number;
  width: number;
}

/** One group's totals and per-bucket values over the range. */
export interface TrendGroup {
  label: string;
  costUsd: number[];
  tokens: number[];
  totalCostUsd: number;
  totalTokens: number;
  requests: number;
}

/** Per-group series over the buckets, most expensive first (then most requests, then name). */
export function trendGroups(series: TrendSeries, groupBy: readonly GroupKey[]): TrendGroup[] {
  const n = series.starts.length;
  const index = new Map(series.starts.map((s, i) => [s, i]));
  const groups = new Map<string, TrendGroup>();
  for (const r of series.rows) {
    const i = index.get(r.startMs);
    if (i === undefined) continue;
    const label = groupLabel(r.key, groupBy);
    let g = groups.get(label);
    if (!g) groups.set(label, (g = { label, costUsd: new Array(n).fill(0), tokens: new Array(n).fill(0), totalCostUsd: 0, totalTokens: 0, requests: 0 }));
    g.costUsd[i]! += r.costUsd;
    g.tokens[i]! += r.inputTokens + r.outputTokens;
    g.totalCostUsd += r.costUsd;
    g.totalTokens += r.inputTokens + r.outputTokens;
    g.requests += r.requests;
  }
  return [...groups.values()].sort((a, b) => b.totalCostUsd - a.totalCostUsd || b.requests - a.requests || a.label.localeCompare(b.label));
}

const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** One character per bucket (repeated `each` times), scaled to the series' own peak; blank for 0. */
export function blockSpark(values: readonly number[], each = 1): string {
  const max = Math.max(0, ...values);
  return values
    .map((v) => (v > 0 && max > 0 ? BLOCKS[Math.min(7, Math.floor((v / max) * 7.999))]! : ' ').repeat(each))
    .join('');
}

/** Repeats each value so that a short series (24 hours, 7 days) spans a chart's width. */
function stretch(values: readonly number[], points: number): number[] {
  const each = Math.max(1, Math.floor(points / Math.max(1, values.length)));
  return values.flatMap((v) => new Array<number>(each).fill(v));
}

const MIN_NAME = 16;

const sum = (a: readonly number[], b: readonly number[]) => a.map((v, i) => v + (b[i] ?? 0));

/**
 * Seed 004's daily and cumulative usage, from the store: total cost and tokens per hour over the
 * last day (or per day over the last week) as charts, then one line per group with its own
 * per-bucket bars and totals.
 */
export function Trends({ series, range, groupBy, rows, width }: TrendsProps) {
  const unit = range === 'day' ? 'hour' : 'day';
  const span = range === 'day' ? 'last 24 h' : 'last 7 days';
  const title: Seg[] = [{ text: `by ${groupBy.join('/')} · per ${unit}, ${span} · w ${range === 'day' ? '7 days' : '24 h'} · Esc back` }];
  const body = Math.max(1, rows - 1);
  if (!series) {
    return (
      <Box flexDirection="column" height={rows}>
        <PanelTitle title="TRENDS" focused width={width} details={title} />
        <Line segs={[{ text: '  no store behind this view: trends need the SQLite history', dim: true }]} width={width} />
      </Box>
    );
  }
  const groups = trendGroups(series, groupBy);
  const n = series.starts.length;
  const totalCost = groups.reduce((a, g) => sum(a, g.costUsd), new Array<number>(n).fill(0));
  const totalTokens = groups.reduce((a, g) => sum(a, g.tokens), new Array<number>(n).fill(0));
  const costSum = totalCost.reduce((a, b) => a + b, 0);
  const tokenSum = totalTokens.reduce((a, b) => a + b, 0);

  // Charts when there is room for them and a few group lines below.
  const chartHeight = body >= 30 ? 6 : body >= 14 ? 3 : 0;
  const charts = chartHeight > 0 ? (width >= 66 ? 2 : 1) : 0;
  const chartWidth = charts ? Math.floor((width - CHART_GAP_COLUMNS * (charts - 1)) / charts) : 0;
  const points = Math.max(2, chartWidth - CHART_LABEL_WIDTH - 2);
  const chartList = [
    { id: 'cost', title: `cost per ${unit} · ${formatCost(costSum)} in ${span}`, values: totalCost, color: 'yellow' },
    { id: 'tokens', title: `tokens per ${unit} · ${formatTokens(tokenSum)} in ${span}`, values: totalTokens, color: 'magenta' },
  ].slice(0, charts);

  const wide = width >= 110;
  const each = Math.max(1, Math.min(4, Math.floor((wide ? 36 : 30) / n)));
  const totalsWidth = 1 + 9 + 1 + 7 + 1 + 6;
  // A narrow terminal keeps the names readable and drops the per-group bars.
  const sparkWidth = width - 2 - totalsWidth - 1 - n * each >= MIN_NAME ? n * each : 0;
  const numbers = (sparkWidth ? 1 + sparkWidth : 0) + (wide ? 1 + sparkWidth : 0) + totalsWidth;
  const nameWidth = Math.max(6, Math.min(40, width - 2 - numbers));
  const header =
    '  ' +
    fit(groupBy.join('/').toUpperCase(), nameWidth) +
    (sparkWidth ? ' ' + fit(`COST/${unit.toUpperCase()}`, sparkWidth) : '') +
    ' ' +
    fit('COST', 9, 'right') +
    (wide ? ' ' + fit(`TOKENS/${unit.toUpperCase()}`, sparkWidth) : '') +
    ' ' +
    fit('TOKENS', 7, 'right') +
    ' ' +
    fit('REQS', 6, 'right');
  const chartLines = charts ? chartHeight + 2 : 0;
  const groupRows = Math.max(1, body - chartLines - 1);
  const shown = groups.slice(0, groupRows - (groups.length > groupRows ? 1 : 0));
  return (
    <Box flexDirection="column" height={rows}>
      <PanelTitle title="TRENDS" focused width={width} details={title} />
      {charts > 0 && (
        <Box flexDirection="row" gap={CHART_GAP_COLUMNS} height={chartLines}>
          {chartList.map((c) => (
            <Box key={c.id} flexDirection="column" width={chartWidth}>
              <Line segs={[{ text: c.title, bold: true }]} width={chartWidth} />
              <Text color={c.color} wrap="truncate-end">
                {plot(stretch(c.values, points), chartHeight, chartWidth)}
              </Text>
            </Box>
          ))}
        </Box>
      )}
      <Line segs={[{ text: header, bold: true, dim: true }]} width={width} />
      {groups.length === 0 ? (
        <Line segs={[{ text: `  no calls stored in the ${span}`, dim: true }]} width={width} />
      ) : (
        shown.map((g, i) => (
          <Line
            key={i}
            width={width}
            segs={[
              { text: '  ' + fit(g.label, nameWidth) + ' ' },
              ...(sparkWidth ? [{ text: fit(blockSpark(g.costUsd, each), sparkWidth) + ' ', color: 'yellow' }] : []),
              { text: fit(formatCost(g.totalCostUsd), 9, 'right') + ' ' },
              ...(wide ? [{ text: fit(blockSpark(g.tokens, each), sparkWidth) + ' ', color: 'magenta' }] : []),
              { text: fit(formatTokens(g.totalTokens), 7, 'right') + ' ' },
              { text: fit(formatCount(g.requests), 6, 'right') },
            ]}
          />
        ))
      )}
      {groups.length > shown.length && <Line segs={[{ text: `  … ${groups.length - shown.length} more groups`, dim: true }]} width={width} />}
    </Box>
  );
}
