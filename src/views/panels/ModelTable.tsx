import { Box } from 'ink';
import type { GroupKey } from '../../domain/call.js';
import type { Aggregate, Group } from '../../domain/summary.js';
import { CHANGE_WIDTH, type Column, groupLabel, numericWidth, SORT_LABELS, type SortKey } from '../columns.js';
import { change, type Verdict } from '../compare.js';
import { fit, sanitizeLine } from '../sanitize.js';
import { Line, type Seg } from './Line.js';
import { PanelTitle } from './PanelTitle.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../thresholds.js';

export interface ModelTableProps {
  /** Sorted rows. */
  groups: readonly Group[];
  groupBy: readonly GroupKey[];
  columns: readonly Column[];
  sort: SortKey;
  selected: number;
  scroll: number;
  focused: boolean;
  rows: number;
  width: number;
  thresholds?: Thresholds;
  /** When comparing (`c`): each row's counterpart in the previous window, null when it had none. */
  previous?: ((g: Group) => Aggregate | null) | null;
  /** The `/` filter, which matches rows by name: an empty table then says where text matches went. */
  filter?: string;
}

const MARKER = 2;
/** Names wider than this leave the rest of a wide terminal empty rather than stretch. */
const MAX_NAME = 48;

/** The provider/model table (or service, environment, ... after `g`). */
export function ModelTable({ groups, groupBy, columns, sort, selected, scroll, focused, rows, width, thresholds = DEFAULT_THRESHOLDS, previous = null, filter = '' }: ModelTableProps) {
  const comparing = previous !== null;
  const nameWidth = Math.max(6, Math.min(MAX_NAME, width - MARKER - numericWidth(columns, comparing)));
  const changeHead = comparing ? ' '.repeat(CHANGE_WIDTH + 1) : '';
  const header = fit(groupBy.join('/').toUpperCase(), nameWidth) + columns.map((c) => ' ' + fit(c.title, c.width, 'right') + changeHead).join('');
  const shown = groups.slice(scroll, scroll + rows);
  const range = groups.length > rows ? ` · ${scroll + 1}-${scroll + shown.length} of ${groups.length}` : ` · ${groups.length} rows`;
  return (
    <Box flexDirection="column" height={rows + 2}>
      <PanelTitle
        title="TABLE"
        focused={focused}
        width={width}
        details={[{ text: `by ${groupBy.join('/')} · sort ${SORT_LABELS[sort]} ▼${range}${comparing ? ' · vs previous window' : ''}` }]}
      />
      <Line segs={[{ text: ' '.repeat(MARKER) + header, bold: true, dim: true }]} width={width} />
      {shown.length === 0 ? (
        <Line
          segs={[{ text: filter ? `  no ${groupBy.join('/')} in this window has "${sanitizeLine(filter)}" in its name · calls whose text has it are in the log` : '  no calls in this window match', dim: true }]}
          width={width}
        />
      ) : (
        shown.map((g, i) => {
          const isSelected = scroll + i === selected;
          const segs: Seg[] = [
            { text: isSelected ? (focused ? '▸ ' : '› ') : '  ', color: 'cyan' },
            { text: fit(groupLabel(g, groupBy), nameWidth), bold: isSelected },
            ...columns.flatMap((c) => (comparing ? [cellSeg(c, g, thresholds), changeSeg(c, g, previous(g))] : [cellSeg(c, g, thresholds)])),
          ];
          return <Line key={i} segs={segs} width={width} inverse={isSelected && focused} fill={isSelected && focused} />;
        })
      )}
    </Box>
  );
}

export function cellSeg(c: Column, g: Group, t: Thresholds): Seg {
  const text = ' ' + fit(c.value(g), c.width, 'right');
  if (c.over?.(g, t)) return { text, color: 'red', bold: true };
  if (c.tone === 'saved') return { text, color: g.cacheSavingsUsd > 0 ? 'green' : undefined };
  if (c.tone === 'errors' && g.errors > 0) return { text, color: 'red' };
  if (c.tone === 'cost') return { text, color: 'yellow' };
  return { text };
}

const VERDICT_COLOR: Record<Verdict, string | undefined> = { worse: 'red', better: 'green', neutral: undefined };

/** The change of a cell against the previous window: red when it went the bad way, green the good. */
export function changeSeg(c: Column, g: Group, prev: Aggregate | null): Seg {
  const ch = change(c.compare.value(g), prev ? c.compare.value(prev) : null, c.compare.bad);
  return { text: ' ' + fit(ch.text, CHANGE_WIDTH), color: VERDICT_COLOR[ch.verdict], dim: ch.verdict === 'neutral' };
}
