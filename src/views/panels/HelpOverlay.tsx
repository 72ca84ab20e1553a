import { Box } from 'ink';
import { helpEntries } from '../keys.js';
import { fit } from '../sanitize.js';
import { Line } from './Line.js';
import { PanelTitle } from './PanelTitle.js';

const LEGEND = [
  'P50 P95 latency · TTFT P95 time to first token · CACHE cache read / input',
  'SAVED what cache reads saved against the input price · ERR% failed share',
  '~$ cost estimated from prices · ? no price known · ≥$ a floor · red: slow calls, many tokens',
];

/** Every binding of the key table, in two columns when they fit, and what the columns mean. */
export function HelpOverlay({ width, rows }: { width: number; rows: number }) {
  const entries = helpEntries();
  const twoColumns = width >= 120;
  const colWidth = twoColumns ? Math.floor((width - 2) / 2) : width;
  const keyWidth = 11;
  const lines: string[] = [];
  const half = twoColumns ? Math.ceil(entries.length / 2) : entries.length;
  for (let i = 0; i < half; i++) {
    const left = entries[i]!;
    const right = twoColumns ? entries[i + half] : undefined;
    const l = `  ${fit(left.keys, keyWidth)} ${left.text}`;
    lines.push(right ? `${fit(l, colWidth)}  ${fit(right.keys, keyWidth)} ${right.text}` : l);
  }
  // The blank line goes first when 80x24 is short of one.
  const gap = lines.length + 1 + LEGEND.length <= rows - 1 ? [''] : [];
  const body = [...lines, ...gap, ...LEGEND.map((l) => `  ${l}`)];
  return (
    <Box flexDirection="column" height={rows}>
      <PanelTitle title="HELP" focused width={width} details={[{ text: 'keys · ? or Esc closes' }]} />
      {body.slice(0, Math.max(0, rows - 1)).map((l, i) => (
        <Line key={i} segs={[{ text: l }]} width={width} />
      ))}
    </Box>
  );
}
