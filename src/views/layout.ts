/**
 * How many lines each panel gets. Every frame is exactly rows-1 lines: a frame as tall as the
 * terminal makes Ink clear the whole screen on each redraw, which flickers.
 */

export const HEADER_LINES = 3;
export const FOOTER_LINES = 1;
/** Table title and column header; log title. */
const PANEL_CHROME = 3;
/** Width of a chart's y-axis labels. */
export const CHART_LABEL_WIDTH = 5;
export const CHART_GAP_COLUMNS = 2;

export interface SparkLayout {
  /** asciichart `height`: the chart is height+1 lines, plus one title line. */
  height: number;
  charts: number;
  chartWidth: number;
  /** Points per series: the chart width less labels and axis. */
  points: number;
}

export interface Layout {
  columns: number;
  rows: number;
  /** Wide terminals get more columns in the table and the log. */
  wide: boolean;
  /** Lines between header and footer. */
  body: number;
  spark: SparkLayout | null;
  tableRows: number;
  logRows: number;
}

export const WIDE_COLUMNS = 120;

export function sparkLines(spark: SparkLayout | null): number {
  return spark ? spark.height + 2 : 0;
}

export function computeLayout(columns: number, rows: number, groupCount: number): Layout {
  const cols = Math.max(20, columns);
  const body = Math.max(3, rows - 1 - HEADER_LINES - FOOTER_LINES);
  const spark = body >= 18 ? sparkLayout(cols, body >= 36 ? 4 : 2) : null;
  const remaining = Math.max(2, body - sparkLines(spark) - PANEL_CHROME);
  // The table takes what its rows need up to ~40%; the log, the newest calls, gets the rest.
  const tableMax = Math.max(1, Math.floor(remaining * 0.4));
  const tableRows = Math.min(Math.max(1, groupCount), tableMax);
  return {
    columns: cols,
    rows,
    wide: cols >= WIDE_COLUMNS,
    body,
    spark,
    tableRows,
    logRows: Math.max(1, remaining - tableRows),
  };
}

function sparkLayout(columns: number, height: number): SparkLayout {
  const charts = columns >= 66 ? 3 : 1;
  const chartWidth = Math.floor((columns - CHART_GAP_COLUMNS * (charts - 1)) / charts);
  return { height, charts, chartWidth, points: Math.max(2, chartWidth - CHART_LABEL_WIDTH - 2) };
}

