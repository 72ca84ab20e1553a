import asciichart from 'asciichart';
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import type { Aggregate } from '../../domain/summary.js';
import type { Series } from '../../stats/live-stats.js';
import { formatWindow } from '../../stats/windows.js';
import { formatCount, formatRate, formatSumCost } from '../format.js';
import { CHART_GAP_COLUMNS, CHART_LABEL_WIDTH, type SparkLayout } from '../layout.js';
import { fit, truncate } from '../sanitize.js';
import { Line } from './Line.js';

export interface SparklinesProps {
  series: Series;
  totals: Aggregate;
  windowMs: number;
  layout: SparkLayout;
}

interface Chart {
  id: string;
  title: string;
  plot: string;
  color: string;
}

/** Request rate, tokens/s and cost over the window, side by side when there is room. */
export function Sparklines({ series, totals, windowMs, layout }: SparklinesProps) {
  const { height, chartWidth, charts: count } = layout;
  // Key presses re-render the App; the charts only change with the data.
  const charts = useMemo(
    () => makeCharts(series, totals, windowMs, height, chartWidth).slice(0, count),
    [series, totals, windowMs, height, chartWidth, count],
  );
  return (
    <Box flexDirection="row" gap={CHART_GAP_COLUMNS} height={height + 2}>
      {charts.map((c) => (
        <Box key={c.id} flexDirection="column" width={chartWidth}>
          <Line segs={[{ text: c.title, bold: true }]} width={chartWidth} />
          <Text color={c.color} wrap="truncate-end">
            {c.plot}
          </Text>
        </Box>
      ))}
    </Box>
  );
}

function makeCharts(series: Series, totals: Aggregate, windowMs: number, height: number, width: number): Chart[] {
  const perSecond = 1000 / series.bucketMs;
  const perMinute = 60_000 / series.bucketMs;
  const windowS = windowMs / 1000;
  return [
    {
      id: 'requests',
      title: `req/s avg ${formatRate(totals.requestsPerSecond)}`,
      plot: plot(series.requests.map((n) => n * perSecond), height, width),
      color: 'cyan',
    },
    {
      id: 'tokens',
      title: `tokens/s avg ${formatRate((totals.inputTokens + totals.outputTokens) / windowS)}`,
      plot: plot(series.tokens.map((n) => n * perSecond), height, width),
      color: 'magenta',
    },
    {
      id: 'cost',
      title: `cost/min · ${formatSumCost(totals)} in ${formatWindow(windowMs)}`,
      plot: plot(series.costUsd.map((c) => c * perMinute), height, width),
      color: 'yellow',
    },
  ];
}

/** A chart exactly height+1 lines tall: a flat series still gets its full height. */
export function plot(values: readonly number[], height: number, width: number): string {
  const max = Math.max(0, ...values);
  const text = asciichart.plot([...values], {
    height,
    min: 0,
    max: max > 0 ? max : 1,
    format: (x) => fit(axisLabel(x), CHART_LABEL_WIDTH, 'right'),
  });
  // No padding: Ink starts from a blank frame, and every padding character costs render time.
  return text
    .split('\n')
    .map((l) => truncate(l.trimEnd(), width))
    .join('\n');
}

/** Short y-axis labels: `0`, `0.25`, `2.5`, `12`, `1.2k`, `1e-3`. */
export function axisLabel(x: number): string {
  if (x === 0) return '0';
  if (x < 0.01) return x.toExponential(0);
  if (x < 1) return x.toFixed(2);
  if (x < 10) return x.toFixed(1);
  return formatCount(x);
}
