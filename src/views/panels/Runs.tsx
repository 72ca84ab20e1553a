import { Box } from 'ink';
import type { RunSort, RunSummary } from '../../domain/run.js';
import { contextColor, formatContext, formatCount, formatDuration, formatPercent, formatSumCost } from '../format.js';
import { fit, sanitizeLine } from '../sanitize.js';
import { formatWindow } from '../../stats/windows.js';
import { Line } from './Line.js';
import { PanelTitle } from './PanelTitle.js';

export interface RunsProps {
  runs: readonly RunSummary[];
  sort: RunSort;
  windowMs: number;
  selected: number;
  scroll: number;
  rows: number;
  width: number;
  formatTime: (ms: number) => string;
}

/** Title and column header above the rows. */
export const RUNS_CHROME = 2;

const SORT_TEXT: Record<RunSort, string> = { cost: 'cost', calls: 'calls', duration: 'wall time', time: 'newest' };

/** The window's runs: one line each, with what it cost and how much of its time went to models. */
export function Runs({ runs, sort, windowMs, selected, scroll, rows, width, formatTime }: RunsProps) {
  const visible = Math.max(1, rows - RUNS_CHROME);
  const title = `${runs.length} runs in ${formatWindow(windowMs)} · by ${SORT_TEXT[sort]} · s sort · ⏎ tree · Esc back`;
  const head = `  ${fit('start', 8)} ${fit('cost', 9, 'right')} ${fit('calls', 5, 'right')} ${fit('tokens', 6, 'right')} ${fit('wall', 7, 'right')} ${fit('llm', 4, 'right')} ${fit('ctx', 4, 'right')}  run · models`;
  return (
    <Box flexDirection="column" height={rows}>
      <PanelTitle title="RUNS" focused width={width} details={[{ text: title }]} />
      <Line segs={[{ text: head, bold: true }]} width={width} />
      {runs.length === 0 && <Line segs={[{ text: 'No runs in this window: calls that share a trace show here.', dim: true }]} width={width} />}
      {runs.slice(scroll, scroll + visible).map((r, i) => {
        const mark = scroll + i === selected ? '› ' : '  ';
        const cells =
          `${mark}${fit(formatTime(r.startMs), 8)} ${fit(formatSumCost({ ...r, requests: r.calls }), 9, 'right')} ${fit(String(r.calls), 5, 'right')} ` +
          `${fit(formatCount(r.inputTokens + r.outputTokens), 6, 'right')} ${fit(formatDuration(r.wallMs), 7, 'right')} ${fit(formatPercent(r.modelShare), 4, 'right')} `;
        // A run without its root is already named after its first call's model.
        const name = r.rooted ? `${sanitizeLine(r.name)} · ${r.models.map(sanitizeLine).join(', ')}` : sanitizeLine(r.name);
        return (
          <Line
            key={r.traceId}
            segs={[
              { text: cells },
              { text: fit(formatContext(r.peakContextPercent), 4, 'right'), color: contextColor(r.peakContextPercent) },
              { text: `  ${name}`, color: r.errors > 0 ? 'red' : undefined },
            ]}
            width={width}
            inverse={scroll + i === selected}
            fill
          />
        );
      })}
    </Box>
  );
}
