import type { Group, Summary } from '../domain/summary.js';
import { groupKeysOf, groupLabel, tableColumns } from './columns.js';
import { errorShare, formatCount, formatPercent, formatRate, formatSumCost } from './format.js';
import { displayWidth, fit } from './sanitize.js';

/** Names longer than this are cut: a script reading the table wants stable columns. */
const MAX_NAME = 60;

/**
 * `llmtop snapshot`: the summary as a plain text table, no ANSI, with the TUI table's columns and
 * formats; one row per group, then the totals. Group names are sanitized like in the TUI.
 */
export function formatSummaryTable(summary: Summary): string {
  const columns = tableColumns(Infinity);
  const groupBy = groupKeysOf(summary.groups);
  const nameTitle = groupBy.length > 0 ? groupBy.join('/').toUpperCase() : 'GROUP';
  const labels = summary.groups.map((g) => groupLabel(g, groupBy));
  const nameWidth = Math.min(MAX_NAME, Math.max(displayWidth(nameTitle), displayWidth('TOTAL'), ...labels.map(displayWidth)));
  const row = (name: string, g: Group | Summary['totals']) =>
    (fit(name, nameWidth) + columns.map((c) => ' ' + fit(c.value(g), c.width, 'right')).join('')).trimEnd();

  const t = summary.totals;
  const lines = [
    `window ${summary.window}: ${formatCount(t.requests)} requests, ${formatRate(t.requestsPerSecond)} req/s, ` +
      `${formatPercent(errorShare(t))} errors, cost ${formatSumCost(t)}${t.unpricedCalls > 0 ? ` (${formatCount(t.unpricedCalls)} calls unpriced)` : ''}`,
    (fit(nameTitle, nameWidth) + columns.map((c) => ' ' + fit(c.title, c.width, 'right')).join('')).trimEnd(),
    ...summary.groups.map((g, i) => row(labels[i]!, g)),
    row('TOTAL', t),
  ];
  if (summary.groups.some((g) => g.estimatedCostUsd > 0) || t.estimatedCostUsd > 0) {
    lines.push('~ cost includes estimates from prices');
  }
  return lines.join('\n') + '\n';
}
