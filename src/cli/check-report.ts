import { formatCount, formatDuration, formatPercent } from '../views/format.js';
import { displayWidth, fit, sanitizeLine } from '../views/sanitize.js';
import { describeExit, type ChildExit } from './child.js';
import { costText, preciseCost, errorRatePct, type Breach, type CheckAggregate, type CheckSummary, type Limits } from './check.js';

/** Everything `llmtop check` found: what the report files and the table show. */
export interface CheckResult {
  command: readonly string[];
  exit: ChildExit;
  limits: Limits;
  breaches: readonly Breach[];
  /** What else the user must know: a cost that is only a floor. */
  notes: readonly string[];
  summary: CheckSummary;
}

export type ReportFormat = 'md' | 'json';

/** The report's format from the file name; null for an extension that is neither. */
export function reportFormat(file: string): ReportFormat | null {
  if (/\.(md|markdown)$/i.test(file)) return 'md';
  if (/\.json$/i.test(file)) return 'json';
  return null;
}

export function renderReport(result: CheckResult, format: ReportFormat): string {
  return format === 'md' ? renderMarkdown(result) : `${JSON.stringify(reportJson(result), null, 2)}\n`;
}

/** Runs listed on stdout; the report files hold them all. */
const RUNS_SHOWN = 20;
const MAX_NAME = 40;

interface Column {
  title: string;
  value: (a: CheckAggregate) => string;
}

const COLUMNS: readonly Column[] = [
  { title: 'REQ', value: (a) => String(a.requests) },
  { title: 'TOKENS IN', value: (a) => formatCount(a.inputTokens) },
  { title: 'OUT', value: (a) => formatCount(a.outputTokens) },
  { title: 'COST', value: costText },
  { title: 'P95', value: (a) => formatDuration(a.p95LatencyMs) },
  { title: 'TTFT P95', value: (a) => formatDuration(a.p95TtftMs) },
  { title: 'ERR', value: (a) => (a.errors === 0 ? '0' : `${a.errors} (${formatPercent(a.errors / a.requests)})`) },
];

const modelName = (r: { provider: string; model: string }) => sanitizeLine(`${r.provider}/${r.model}`);
const runName = (r: { traceId: string; service: string }) => sanitizeLine(r.traceId === '' ? `(no trace) ${r.service}` : `${r.traceId.slice(0, 8)} ${r.service}`);

/** The plain-text tables printed to stdout when the command has finished: no ANSI, names sanitized. */
export function renderTable(result: CheckResult): string {
  const { summary } = result;
  const lines = [`llmtop check: ${sanitizeLine(result.command.join(' '))} ${describeExit(result.exit)}, ${summary.totals.requests} LLM calls`, ''];
  lines.push(...table('MODEL', summary.models.map((m) => [modelName(m), m] as const), summary.totals));
  if (summary.runs.length > 0) {
    const shown = [...summary.runs].sort((a, b) => b.costUsd - a.costUsd).slice(0, RUNS_SHOWN);
    lines.push('', ...table(shown.length < summary.runs.length ? `RUN (${shown.length} most expensive of ${summary.runs.length})` : 'RUN', shown.map((r) => [runName(r), r] as const), null));
  }
  if (summary.totals.costEstimated) lines.push('', '~ cost includes estimates from prices');
  for (const n of result.notes) lines.push(`≥ ${n}`);
  return lines.join('\n') + '\n';
}

function table(title: string, rows: readonly (readonly [string, CheckAggregate])[], totals: CheckAggregate | null): string[] {
  const all = totals ? [...rows, ['TOTAL', totals] as const] : rows;
  const nameWidth = Math.min(MAX_NAME, Math.max(displayWidth(title), ...all.map(([n]) => displayWidth(n))));
  const cells = all.map(([, a]) => COLUMNS.map((c) => c.value(a)));
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...cells.map((r) => r[i]!.length)));
  const line = (name: string, values: readonly string[]) => (fit(name, nameWidth) + values.map((v, i) => '  ' + fit(v, widths[i]!, 'right')).join('')).trimEnd();
  return [line(title, COLUMNS.map((c) => c.title)), ...all.map(([n], i) => line(n, cells[i]!))];
}

/** Markdown for a CI job summary or a pull-request comment. */
function renderMarkdown(result: CheckResult): string {
  const { summary, breaches } = result;
  const md = (s: string) => sanitizeLine(s).replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`);
  // `name` is Markdown already: escaped from the wire, or our own.
  const row = (name: string, a: CheckAggregate) => `| ${name} | ${COLUMNS.map((c) => c.value(a)).join(' | ')} |`;
  const head = (first: string) => [`| ${first} | ${COLUMNS.map((c) => c.title).join(' | ')} |`, `|---|${COLUMNS.map(() => '---:').join('|')}|`];
  const passed = breaches.length === 0 && result.exit.code === 0;
  const out = [
    '# llmtop check',
    '',
    `**${passed ? 'passed' : 'failed'}**: \`${result.command.join(' ').replace(/`/g, "'")}\` ${describeExit(result.exit)}, ${summary.totals.requests} LLM calls, cost ${costText(summary.totals)}.`,
    '',
  ];
  const limits = limitRows(result);
  if (limits.length > 0) out.push('## Limits', '', '| limit | value | result |', '|---|---:|---|', ...limits, '');
  out.push('## By model', '', ...head('model'), ...summary.models.map((m) => row(md(`${m.provider}/${m.model}`), m)), row('**total**', summary.totals), '');
  if (summary.runs.length > 0) out.push('## By run', '', ...head('run'), ...summary.runs.map((r) => row(md(r.traceId === '' ? `(no trace) ${r.service}` : `${r.traceId} ${r.service}`), r)), '');
  if (summary.totals.costEstimated) out.push('~ cost includes estimates from prices', '');
  for (const n of result.notes) out.push(`≥ ${md(n)}`, '');
  return out.join('\n');
}

function limitRows(result: CheckResult): string[] {
  const { limits: l, summary } = result;
  const t = summary.totals;
  const broken = new Set(result.breaches.map((b) => b.flag));
  const rows: [string, number | null, string, string][] = [
    ['--max-cost', l.maxCostUsd, l.maxCostUsd === null ? '' : preciseCost(l.maxCostUsd), costText(t)],
    ['--max-p95', l.maxP95Ms, formatDuration(l.maxP95Ms), formatDuration(t.p95LatencyMs)],
    ['--max-ttft-p95', l.maxTtftP95Ms, formatDuration(l.maxTtftP95Ms), formatDuration(t.p95TtftMs)],
    ['--max-error-rate', l.maxErrorRatePct, `${l.maxErrorRatePct}%`, formatPercent((errorRatePct(t) ?? NaN) / 100)],
    ['--max-tokens', l.maxTokens, String(l.maxTokens), String(t.inputTokens + t.outputTokens)],
    ['--min-calls', l.minCalls, String(l.minCalls), String(t.requests)],
  ];
  return rows.filter(([, v]) => v !== null).map(([flag, , limit, value]) => `| \`${flag} ${limit}\` | ${value} | ${broken.has(flag) ? '❌ broken' : '✅ ok'} |`);
}

/** The JSON report: raw numbers (USD, milliseconds), for a script that compares runs. */
function reportJson(result: CheckResult) {
  const passed = result.breaches.length === 0 && result.exit.code === 0;
  return {
    passed,
    command: result.command,
    exit: result.exit,
    limits: result.limits,
    breaches: result.breaches,
    notes: result.notes,
    totals: result.summary.totals,
    models: result.summary.models,
    runs: result.summary.runs.map((r) => ({ ...r, start: new Date(r.startMs).toISOString() })),
  };
}
