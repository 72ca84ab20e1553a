import { Box } from 'ink';
import type { LlmCall } from '../../domain/call.js';
import type { CacheCold } from '../../domain/cache.js';
import { contextColor, formatCacheCold, formatCallCost, formatContext, formatDuration, formatTokens, NONE } from '../format.js';
import { blurBar } from '../blur.js';
import { clipAround, highlighted } from '../highlight.js';
import { cell, displayWidth } from '../sanitize.js';
import type { RowFilter } from '../state.js';
import { describeRowFilter } from './Header.js';
import { Line, type Seg } from './Line.js';
import { PanelTitle } from './PanelTitle.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../thresholds.js';

export interface CallLogProps {
  calls: readonly LlmCall[];
  selected: number;
  scroll: number;
  focused: boolean;
  rows: number;
  width: number;
  wide: boolean;
  rowFilter: RowFilter | null;
  noContent: boolean;
  blurred?: boolean;
  formatTime: (ms: number) => string;
  thresholds?: Thresholds;
  /** The `/` search's words, marked in the text; and how many stored calls its text matches (null: no search). */
  words?: readonly string[];
  matched?: number | null;
  /** Calls whose prompt cache went cold, by id: marked before their text. */
  cold?: ReadonlyMap<string, CacheCold>;
}

interface LogColumns {
  model: number;
  service: number;
  tokens: number;
  /** CTX%, how full the model's context window was; 0: not shown. */
  context: number;
}

const NARROW: LogColumns = { model: 14, service: 0, tokens: 9, context: 0 };
const WIDE: LogColumns = { model: 30, service: 14, tokens: 11, context: 0 };
/** From 140 columns the prompt can spare CTX% its five. */
const WIDEST: LogColumns = { ...WIDE, context: 4 };
const CONTEXT_COLUMNS = 140;

/** The newest calls, one line each; Enter opens the selected one. */
export function CallLog({ calls, selected, scroll, focused, rows, width, wide, rowFilter, noContent, blurred = false, formatTime, thresholds = DEFAULT_THRESHOLDS, words = [], matched = null, cold }: CallLogProps) {
  const cols = wide ? (width >= CONTEXT_COLUMNS ? WIDEST : WIDE) : NARROW;
  const shown = calls.slice(scroll, scroll + rows);
  const details: Seg[] = [{ text: `newest first · ${calls.length} calls` }];
  if (matched !== null) details.push({ text: ` · text matches ${matched.toLocaleString('en-US')} in the store`, bold: true });
  if (rowFilter) details.push({ text: ` · only ${describeRowFilter(rowFilter)} (Esc clears)`, bold: true });
  return (
    <Box flexDirection="column" height={rows + 1}>
      <PanelTitle title="LOG" focused={focused} width={width} details={details} />
      {shown.length === 0 ? (
        <Line segs={[{ text: '  no calls match', dim: true }]} width={width} />
      ) : (
        shown.map((c, i) => {
          const isSelected = scroll + i === selected;
          return (
            <Line
              key={c.id}
              segs={logLine(c, { isSelected, focused, width, cols, wide, noContent, blurred, formatTime, thresholds, words, cold: cold?.get(c.id) })}
              width={width}
              inverse={isSelected && focused}
              fill={isSelected && focused}
            />
          );
        })
      )}
    </Box>
  );
}

interface LineOptions {
  isSelected: boolean;
  focused: boolean;
  width: number;
  cols: LogColumns;
  wide: boolean;
  noContent: boolean;
  blurred?: boolean;
  formatTime: (ms: number) => string;
  thresholds?: Thresholds;
  words?: readonly string[];
  cold?: CacheCold | undefined;
}

/** time, model, duration, TTFT, tokens in/out, context use (wide), cost, status, prompt → response. */
export function logLine(c: LlmCall, o: LineOptions): Seg[] {
  const failed = c.status === 'error';
  const model = o.wide ? `${c.provider}/${c.model}` : c.model;
  const cost = formatCallCost(c);
  const t = o.thresholds ?? DEFAULT_THRESHOLDS;
  const slow = c.durationMs > t.durationMs;
  const heavy = c.inputTokens + c.outputTokens > t.tokens;
  const segs: Seg[] = [
    { text: o.isSelected ? (o.focused ? '▸ ' : '› ') : '  ', color: 'cyan' },
    { text: o.formatTime(c.timeMs) + ' ', dim: true },
    { text: cell(model, o.cols.model) + ' ', bold: true },
  ];
  if (o.cols.service > 0) segs.push({ text: cell(c.service, o.cols.service) + ' ', dim: true });
  segs.push(
    { text: cell(formatDuration(c.durationMs), 5, 'right') + ' ', ...(slow ? RED : {}) },
    { text: cell(formatDuration(c.ttftMs), 5, 'right') + ' ', dim: c.ttftMs === null },
    { text: cell(`${formatTokens(c.inputTokens)}/${formatTokens(c.outputTokens)}`, o.cols.tokens, 'right') + ' ', ...(heavy ? RED : {}) },
  );
  if (o.cols.context > 0) {
    const color = contextColor(c.contextPercent);
    segs.push({ text: cell(formatContext(c.contextPercent), o.cols.context, 'right') + ' ', ...(color ? { color } : { dim: c.contextPercent === null }) });
  }
  segs.push(
    { text: cell(cost, 9, 'right') + ' ', color: 'yellow' },
    { text: failed ? 'ERR ' : 'ok  ', color: failed ? 'red' : 'green', bold: failed },
  );
  if (o.cold) segs.push({ text: `${formatCacheCold(o.cold, !o.wide)} `, color: 'magenta', bold: true });
  const used = segs.reduce((n, s) => n + displayWidth(s.text), 0);
  segs.push(...textSegs(c, Math.max(0, o.width - used), o.noContent, o.blurred ?? false, o.words ?? []));
  return segs;
}

const RED = { color: 'red', bold: true } as const;

/** `prompt → response`, or `prompt → ✗ error`; the prompt gets half when both are long. */
function textSegs(c: LlmCall, room: number, noContent: boolean, blurred: boolean, words: readonly string[]): Seg[] {
  if (room <= 0) return [];
  const failed = c.status === 'error';
  const answer = failed ? c.error ?? c.response : c.response;
  if (c.prompt === null && answer === null) {
    return [{ text: noContent ? '(content not stored)' : NONE, dim: true }];
  }
  // Blurred: the whole text column is one bar, whatever the text, error messages included.
  if (blurred) return [{ text: blurBar(room), dim: true }];
  const arrow = failed ? ' → ✗ ' : ' → ';
  const half = Math.max(4, Math.floor((room - arrow.length) / 2));
  const answerText = answer ?? NONE;
  // With a search, each side is cut around what it found.
  const prompt = clipAround(c.prompt ?? NONE, words, Math.max(half, room - arrow.length - displayWidth(clipAround(answerText, words, half))));
  const rest = room - displayWidth(prompt) - arrow.length;
  return [
    ...highlighted(prompt, words),
    { text: arrow, dim: !failed, color: failed ? 'red' : undefined },
    ...highlighted(clipAround(answerText, words, Math.max(0, rest)), words, failed ? { color: 'red' } : {}),
  ];
}
