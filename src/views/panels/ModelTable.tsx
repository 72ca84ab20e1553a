import { Box } from 'ink';
import type { GroupKey } from '../../domain/call.js';
import type { Group } from '../../domain/summary.js';
import { type Column, groupLabel, numericWidth, SORT_LABELS, type SortKey } from '../columns.js';
import { fit } from '../sanitize.js';
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
}

const MARKER = 2;
/** Names wider than this leave the rest of a wide terminal empty rather than stretch. */
const MAX_NAME = 48;

/** The provider/model table (or service, environment, ... after `g`). */
export function ModelTable({ groups, groupBy, columns, sort, selected, scroll, focused, rows, width, thresholds = DEFAULT_THRESHOLDS }: ModelTableProps) {
  const nameWidth = Math.max(6, Math.min(MAX_NAME, width - MARKER - numericWidth(columns)));
  const header = fit(groupBy.join('/').toUpperCase(), nameWidth) + columns.map((c) => ' ' + fit(c.title, c.width, 'right')).join('');
  const shown = groups.slice(scroll, scroll + rows);
  const range = groups.length > rows ? ` · ${scroll + 1}-${scroll + shown.length} of ${groups.length}` : ` · ${groups.length} rows`;
  return (
    <Box flexDirection="column" height={rows + 2}>
      <PanelTitle
        title="TABLE"
        focused={focused}
        width={width}
        details={[{ text: `by ${groupBy.join('/')} · sort ${SORT_LABELS[sort]} ▼${range}` }]}
      />
      <Line segs={[{ text: ' '.repeat(MARKER) + header, bold: true, dim: true }]} width={width} />
      {shown.length === 0 ? (
        <Line segs={[{ text: '  no calls in this window match', dim: true }]} width={width} />
      ) : (
        shown.map((g, i) => {
          const isSelected = scroll + i === selected;
          const segs: Seg[] = [
            { text: isSelected ? (focused ? '▸ ' : '› ') : '  ', color: 'cyan' },
            { text: fit(groupLabel(g, groupBy), nameWidth), bold: isSelected },
            ...columns.map((c) => cellSeg(c, g, thresholds)),
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
