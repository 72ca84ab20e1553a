import { Box } from 'ink';
import type { LlmCall } from '../../domain/call.js';
import type { CacheCold } from '../../domain/cache.js';
import { formatCallCost, formatContext, formatDuration, NONE, UNPRICED } from '../format.js';
import { blurText } from '../blur.js';
import { highlighted } from '../highlight.js';
import { sanitizeLine, wrapText } from '../sanitize.js';
import { Line, type Seg } from './Line.js';
import { PanelTitle } from './PanelTitle.js';

export type DetailLine = readonly Seg[];

export interface CallDetailProps {
  call: LlmCall | undefined;
  lines: readonly DetailLine[];
  scroll: number;
  rows: number;
  width: number;
}

/** The full prompt and response of one call, scrolled by lines. */
export function CallDetail({ call, lines, scroll, rows, width }: CallDetailProps) {
  const visible = Math.max(1, rows - 1);
  const shown = lines.slice(scroll, scroll + visible);
  const position = lines.length > visible ? ` · lines ${scroll + 1}-${scroll + shown.length} of ${lines.length}` : '';
  const title = call ? `${sanitizeLine(call.provider)}/${sanitizeLine(call.model)}` : 'gone';
  return (
    <Box flexDirection="column" height={rows}>
      <PanelTitle title="CALL" focused width={width} details={[{ text: `${title}${position} · ↑↓ PgUp PgDn scroll · Esc back` }]} />
      {shown.map((segs, i) => (
        <Line key={scroll + i} segs={segs} width={width} />
      ))}
    </Box>
  );
}

const num = (n: number) => n.toLocaleString('en-US');

/** Every line of the detail view at a width, computed once per call and width (prompts can be long). */
export function detailLines(
  call: LlmCall | undefined,
  width: number,
  formatTime: (ms: number) => string,
  noContent: boolean,
  blurred = false,
  words: readonly string[] = [],
  cold?: CacheCold,
): DetailLine[] {
  if (!call) return [[{ text: 'This call is no longer in memory: only the newest calls keep their text.', dim: true }]];
  const s = (t: string | null) => (t === null || t === '' ? NONE : sanitizeLine(t));
  const failed = call.status === 'error';
  const cost = call.costUsd === null ? `${UNPRICED} (no price known for this model; see llmtop prices)` : `${formatCallCost(call)} (${call.costSource})`;
  const out: DetailLine[] = [
    [
      { text: `${formatTime(call.timeMs)}  ` },
      { text: `${s(call.provider)}/${s(call.model)}`, bold: true },
      { text: `  ${s(call.operation)}  ` },
      failed ? { text: 'error', color: 'red', bold: true } : { text: 'ok', color: 'green' },
    ],
  ];
  const meta = [
    `service ${s(call.service)} · environment ${s(call.environment)} · user ${s(call.user)} · source ${s(call.source)}` +
      (call.sessionId === null ? '' : ` · session ${s(call.sessionId)}`),
    `duration ${formatDuration(call.durationMs)} · TTFT ${formatDuration(call.ttftMs)} · ` +
      `tokens in ${num(call.inputTokens)} (cache read ${num(call.cacheReadTokens)}, write ${num(call.cacheWriteTokens)}) · ` +
      `out ${num(call.outputTokens)} (reasoning ${num(call.reasoningTokens)}) · context ${formatContext(call.contextPercent)}`,
    `cost ${cost} · finish reason ${s(call.finishReason)} · trace ${s(call.traceId)} span ${s(call.spanId)}`,
  ];
  for (const m of meta) for (const l of wrapText(m, width)) out.push([{ text: l }]);
  if (cold) for (const l of wrapText(coldText(cold), width)) out.push([{ text: l, color: 'magenta' }]);
  if (call.error !== null) {
    // An error message can quote the prompt: blurred with the text.
    const type = call.errorType !== null && call.errorType !== call.error ? ` (${call.errorType})` : '';
    const error = blurred ? blurText(call.error, width - `error${type}: `.length) : call.error;
    for (const l of wrapText(`error${type}: ${error}`, width)) out.push(highlighted(l, blurred ? [] : words, { color: 'red' }));
  }
  section(out, 'prompt', blurred ? blurText(call.prompt, width) : call.prompt, width, noContent, blurred ? [] : words);
  section(out, 'response', blurred ? blurText(call.response, width) : call.response, width, noContent, blurred ? [] : words);
  return out;
}

function section(out: DetailLine[], name: string, text: string | null, width: number, noContent: boolean, words: readonly string[]): void {
  const head = `── ${name} `;
  out.push([{ text: head + '─'.repeat(Math.max(0, width - head.length)), bold: true, color: 'cyan' }]);
  if (text === null || text === '') {
    out.push([{ text: noContent ? '(not stored: llmtop runs with --no-content)' : '(none)', dim: true }]);
    return;
  }
  for (const l of wrapText(text, width)) out.push(highlighted(l, words));
}

/** Why the call paid for its whole prompt again. */
function coldText(c: CacheCold): string {
  const fell = `cache cold: cache reads fell from ${c.readBefore.toLocaleString('en-US')} to ${c.readNow.toLocaleString('en-US')} tokens after ${c.warmCalls} warm calls of this session and model`;
  const gap = `${formatDuration(c.gapMs)} after the previous call`;
  return c.reason === 'expired'
    ? `${fell}; ${gap}, past the ${formatDuration(c.lifetimeMs)} cache lifetime: the cache expired`
    : `${fell}; ${gap}, within the ${formatDuration(c.lifetimeMs)} cache lifetime: the prompt's cached prefix changed (system prompt, tools or history)`;
}
