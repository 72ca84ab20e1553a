import asciichart from 'asciichart';
import { Box, Text } from 'ink';
import type { Aggregate } from '../../domain/summary.js';
import type { Series } from '../../stats/live-stats.js';
import { formatWindow } from '../../stats/windows.js';
import { formatCost, formatCount, formatRate } from '../format.js';
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
  title: string;
  values: number[];
  color: string;
}

/** Request rate, tokens/s and cost over the window, side by side when there is room. */
export function Sparklines({ series, totals, windowMs, layout }: SparklinesProps) {
  const perSecond = 1000 / series.bucketMs;
  const perMinute = 60_000 / series.bucketMs;
  const windowS = windowMs / 1000;
  const charts: Chart[] = [
    {
      title: `req/s avg ${formatRate(totals.requestsPerSecond)}`,
      values: series.requests.map((n) => n * perSecond),
      color: 'cyan',
    },
    {
      title: `tokens/s avg ${formatRate((totals.inputTokens + totals.outputTokens) / windowS)}`,
      values: series.tokens.map((n) => n * perSecond),
      color: 'magenta',
    },
    {
      title: `cost/min · ${formatCost(totals.costUsd, totals.estimatedCostUsd > 0)} in ${formatWindow(windowMs)}`,
      values: series.costUsd.map((c) => c * perMinute),
      color: 'yellow',
    },
  ].slice(0, layout.charts);
  return (
    <Box flexDirection="row" gap={CHART_GAP_COLUMNS} height={layout.height + 2}>
      {charts.map((c) => (
        <Box key={c.title} flexDirection="column" width={layout.chartWidth}>
          <Line segs={[{ text: c.title, bold: true }]} width={layout.chartWidth} />
          <Text color={c.color} wrap="truncate-end">
            {plot(c.values, layout.height, layout.chartWidth)}
          </Text>
        </Box>
      ))}
    </Box>
  );
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
