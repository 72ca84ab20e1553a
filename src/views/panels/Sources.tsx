import { Box } from 'ink';
import type { ProxySource, Sender, SourcesReport } from '../../domain/sources.js';
import { formatCount, formatDuration, formatRate } from '../format.js';
import { sanitizeLine } from '../sanitize.js';
import { Line, type Seg } from './Line.js';
import { PanelTitle } from './PanelTitle.js';

/** The `o` view: one two-line row per sender, then what each service's telemetry lacks. */
export function Sources({ report, now, rows, width }: { report: SourcesReport | undefined; now: number; rows: number; width: number }) {
  const lines: Seg[][] = [];
  if (!report) {
    lines.push([{ text: 'This source keeps no record of senders.', dim: true }]);
  } else {
    if (report.proxy) lines.push(...proxyLines(report.proxy, now), []);
    if (report.sources.length === 0) lines.push([{ text: 'No OTLP request received yet.', dim: true }]);
    for (const s of report.sources) lines.push(...senderLines(s, now));
    if (report.hints.length > 0) {
      lines.push([], [{ text: 'Missing', bold: true }]);
      for (const h of report.hints) {
        // Messages quote names from the wire (models, span names).
        lines.push([{ text: `${sanitizeLine(h.service)}: `, bold: true }, { text: sanitizeLine(h.message), color: 'yellow' }]);
        if (h.fix) lines.push([{ text: h.kind === 'unpriced' ? '  price with: ' : '  turn on: ', dim: true }, { text: sanitizeLine(h.fix), color: 'green' }]);
      }
    }
  }
  const details: Seg[] = report ? [{ text: `${report.proxy ? 'proxy · ' : ''}${report.sources.length} senders · ${report.hints.length} hints`, dim: true }] : [];
  return (
    <Box flexDirection="column" height={rows}>
      <PanelTitle title="Sources" focused={false} details={details} width={width} />
      {lines.slice(0, Math.max(0, rows - 1)).map((segs, i) => (
        <Line key={i} segs={segs.length ? segs : [{ text: ' ' }]} width={width} />
      ))}
    </Box>
  );
}

/** The provider proxy: a line for itself, then one per provider with where it relays and what it relayed. */
function proxyLines(p: ProxySource, now: number): Seg[][] {
  const extra = [p.refused > 0 && `${formatCount(p.refused)} refused`, p.dropped > 0 && `${formatCount(p.dropped)} not recorded (behind on writes)`].filter(Boolean).join(', ');
  const lines: Seg[][] = [[{ text: 'provider proxy', bold: true, color: 'cyan' }, { text: `  ${sanitizeLine(p.origin)}  no instrumentation needed`, dim: true }, ...(extra ? [{ text: `  ${extra}`, color: 'yellow' as const }] : [])]];
  const width = Math.max(...p.routes.map((r) => r.route.length));
  for (const r of p.routes) {
    const seen = r.lastSeenMs === null ? 'none yet' : `seen ${formatDuration(Math.max(0, now - r.lastSeenMs))} ago`;
    lines.push([
      { text: `  /${r.route.padEnd(width)} → ${sanitizeLine(r.upstream)}${r.custom ? ' (your base URL)' : ''}  ` },
      { text: `${formatCount(r.calls)} call${r.calls === 1 ? '' : 's'}`, bold: true },
      { text: `${r.errors > 0 ? `, ${formatCount(r.errors)} failed` : ''}${r.other > 0 ? `, ${formatCount(r.other)} other requests` : ''}  ${seen}`, color: r.errors > 0 ? 'red' : undefined },
    ]);
  }
  return lines;
}

function senderLines(s: Sender, now: number): Seg[][] {
  const sdk = [s.sdk.name, s.sdk.language, s.sdk.version].filter(Boolean).join(' ') || 'no SDK named';
  const scope = s.scope.name ? `${s.scope.name}${s.scope.version ? ` ${s.scope.version}` : ''}` : 'no scope';
  const refused = s.refused.map((r) => `${r.status}×${r.count} ${r.reason}`).join('; ');
  const second: Seg[] = [
    { text: `  ${s.protocol}/${sanitizeLine(s.encoding)} ${sanitizeLine(s.compression)}  ` },
    { text: `seen ${formatDuration(Math.max(0, now - s.lastSeenMs))} ago  ` },
    { text: `${formatRate(s.itemsPerSecond)} items/s  `, bold: true },
  ];
  const lines: Seg[][] = [[{ text: sanitizeLine(s.service), bold: true, color: 'cyan' }, { text: `  ${sanitizeLine(sdk)} · ${sanitizeLine(scope)}`, dim: true }], second];
  if (refused) lines.push([{ text: `  refused ${sanitizeLine(refused)}`, color: 'red' }]);
  return lines;
}
