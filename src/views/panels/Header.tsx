import { Box } from 'ink';
import type { GroupKey } from '../../domain/call.js';
import type { Aggregate } from '../../domain/summary.js';
import type { LoopAlert } from '../../domain/loop.js';
import type { RelayStatus } from '../../forward/relay.js';
import type { Money } from '../../domain/money.js';
import type { CaptureCounts } from '../../domain/sources.js';
import { formatWindow } from '../../stats/windows.js';
import { errorShare, formatCost, formatCount, formatPercent, formatRate, formatSumCost, formatTokens } from '../format.js';
import { displayWidth, sanitizeLine } from '../sanitize.js';
import type { RowFilter } from '../state.js';
import { HEADER_LINES } from '../layout.js';
import { Line, type Seg } from './Line.js';
import { MoneyLine } from './MoneyLine.js';

export interface HeaderProps {
  address: string;
  windowMs: number;
  paused: boolean;
  noContent: boolean;
  blurred: boolean;
  totals: Aggregate;
  filter: string;
  rowFilter: RowFilter | null;
  relay?: RelayStatus | null;
  /** The window's calls by how they came, when the provider proxy is on. */
  capture?: CaptureCounts | null;
  /** Burn rate and budget for the third line; blank without. */
  money?: Money | null;
  formatTime: (ms: number) => string;
  command?: CommandNotice | undefined;
  /** Loops and retry storms in the window, newest first: the newest is announced on the first line. */
  loops?: readonly LoopAlert[];
  width: number;
}

/** The command `llmtop -- CMD` runs: running, then how it ended. */
export interface CommandNotice {
  text: string;
  pid: number;
  /** `exited 0`, `killed by SIGTERM`; null while it runs. */
  exit: string | null;
  failed: boolean;
}

/** Three lines: where and what is shown, the window's totals, then the money: burn rate and budget. */
export function Header({ address, windowMs, paused, noContent, blurred, totals, filter, rowFilter, relay, capture = null, money = null, formatTime, command, loops = [], width }: HeaderProps) {
  const status: Seg = paused ? { text: '❚❚ paused', color: 'yellow', bold: true } : { text: '● live', color: 'green', bold: true };
  const first: Seg[] = [
    { text: 'llmtop ', bold: true },
    status,
    { text: `  ${sanitizeLine(address)}` },
    { text: '  window ', dim: true },
    { text: formatWindow(windowMs), bold: true },
  ];
  // Privacy marks before the filters, which can be long: they must show at 80 columns.
  if (noContent) first.push({ text: '  no content', color: 'magenta', bold: true });
  if (blurred) first.push({ text: '  blurred', color: 'magenta', bold: true });
  const loop = loops[0];
  if (loop) {
    const more = loops.length > 1 ? ` +${loops.length - 1}` : '';
    first.push(
      { text: `  ⟳ ${loop.kind === 'loop' ? 'LOOP' : 'RETRY STORM'} `, color: 'red', bold: true },
      { text: `${sanitizeLine(loop.model)} ×${loop.count} ${formatSumCost({ costUsd: loop.costUsd, unpricedCalls: loop.unpricedCalls })} "${blurred ? '…' : sanitizeLine(loop.what)}"${more}`, color: 'red' },
    );
  }
  if (filter) first.push({ text: '  filter ', dim: true }, { text: `"${sanitizeLine(filter)}"`, color: 'cyan' });
  if (rowFilter) first.push({ text: '  log ', dim: true }, { text: describeRowFilter(rowFilter), color: 'cyan' });
  if (command) {
    first.push(
      command.exit === null
        // The state first: a long command line is what gets cut at 80 columns.
        ? { text: `  running (pid ${command.pid}): ${sanitizeLine(command.text)}`, color: 'cyan' }
        : { text: `  ${command.exit}: ${sanitizeLine(command.text)}`, color: command.failed ? 'red' : 'green', bold: true },
    );
  }
  if (relay) {
    const color = relay.state === 'ok' ? 'green' : relay.state === 'retrying' ? 'yellow' : 'red';
    const detail = relay.state === 'ok' ? '' : ` ${formatCount(relay.queued)} queued${relay.dropped > 0 ? `, ${formatCount(relay.dropped)} dropped` : ''}`;
    first.push({ text: '  → upstream ', dim: true }, { text: `${relay.state}${detail}`, color });
  }

  const errors = errorShare(totals);
  const second: Seg[] = [
    { text: formatCount(totals.requests), bold: true },
    { text: ' req  ', dim: true },
    { text: formatRate(totals.requestsPerSecond), bold: true },
    { text: ' req/s  ', dim: true },
    { text: formatPercent(errors), bold: true, color: totals.errors > 0 ? 'red' : undefined },
    { text: ' err  ', dim: true },
    { text: 'tokens in ', dim: true },
    { text: formatTokens(totals.inputTokens), bold: true },
    { text: ' out ', dim: true },
    { text: formatTokens(totals.outputTokens), bold: true },
    { text: '  cost ', dim: true },
    { text: formatSumCost(totals), bold: true, color: 'yellow' },
  ];
  // A cost that leaves calls out says how many, before anything else that may not fit.
  if (totals.unpricedCalls > 0) second.push({ text: ` ${formatCount(totals.unpricedCalls)} unpriced`, color: 'magenta' });
  const used = () => second.reduce((n, s) => n + displayWidth(s.text), 0);
  const saved: Seg[] = totals.cacheSavingsUsd > 0 ? [{ text: '  cache saved ', dim: true }, { text: formatCost(totals.cacheSavingsUsd), bold: true, color: 'green' }] : [];
  second.push(...saved);
  // With the provider proxy: how the window's calls came (the first line is the command's).
  if (capture) second.push({ text: '  via proxy ', dim: true }, { text: formatCount(capture.proxy), bold: true }, { text: ' otlp ', dim: true }, { text: formatCount(capture.otlp), bold: true });
  // 80 columns: shorter words rather than lose the savings or the counts off the end, and the savings rather than the rest.
  if (used() > width) {
    const short: Record<string, string> = { 'tokens in ': 'in ', '  cache saved ': '  saved ', '  via proxy ': '  proxy ' };
    for (const s of second) s.text = short[s.text] ?? s.text;
  }
  if (used() > width && saved.length > 0) second.splice(second.indexOf(saved[0]!), saved.length);
  const note = '  (~ estimated)';
  if (totals.estimatedCostUsd > 0 && used() + note.length <= width) {
    second.push({ text: note, dim: true });
  }
  return (
    <Box flexDirection="column" height={HEADER_LINES}>
      <Line segs={first} width={width} />
      <Line segs={second} width={width} />
      <MoneyLine money={money} width={width} formatTime={formatTime} />
    </Box>
  );
}

export function describeRowFilter(f: RowFilter): string {
  return (Object.entries(f) as [GroupKey, string | undefined][])
    .map(([k, v]) => `${k}=${sanitizeLine(v || '(none)')}`)
    .join(' ');
}
