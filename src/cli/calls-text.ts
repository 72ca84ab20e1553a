import type { CallJson, CallsJson } from '../api/json.js';
import { formatCallCost, formatCount, formatDuration, NONE } from '../views/format.js';
import { clipLine, sanitizeLine, sanitizeText } from '../views/sanitize.js';
import { localStamp, plural, textTable } from './table-text.js';

/*
 * `llmtop calls` and `llmtop call ID` as readable text: everything from the wire (names, ids,
 * prompts, errors) sanitized, so that no escape sequence in a prompt reaches the terminal.
 */

/** Columns of the prompt → response line under each call. */
const PREVIEW_WIDTH = 100;

export interface CallsAskShown {
  limit: number;
  q?: string | undefined;
  /** Filters or --errors were given: an empty answer is then "none match", not "none stored". */
  filtered: boolean;
}

const modelOf = (c: { provider: string; model: string }) => (c.provider ? `${c.provider}/${c.model}` : c.model);

/** A line per call, newest first, its prompt → response (or error) below it, and what was left out. */
export function callsText(answer: CallsJson, ask: CallsAskShown): string {
  const { calls, matched } = answer;
  if (calls.length === 0) {
    if (ask.q !== undefined) return `No stored call matches ${JSON.stringify(sanitizeLine(ask.q))}${ask.filtered ? ' with these filters' : ''}.\n`;
    return ask.filtered ? 'No stored call matches these filters.\n' : 'No calls stored yet.\n';
  }
  const rows = calls.map((c) => ({
    cells: [
      localStamp(c.time),
      clipLine(c.service, 20),
      clipLine(modelOf(c), 36),
      formatDuration(c.durationMs),
      formatDuration(c.ttftMs),
      `${formatCount(c.inputTokens)}→${formatCount(c.outputTokens)}`,
      formatCallCost(c),
      c.status,
      sanitizeLine(c.id),
    ],
    below: [preview(c)],
  }));
  const lines = textTable(
    [
      { title: 'TIME' },
      { title: 'SERVICE' },
      { title: 'MODEL' },
      { title: 'DURATION', align: 'right' },
      { title: 'TTFT', align: 'right' },
      { title: 'TOKENS', align: 'right' },
      { title: 'COST', align: 'right' },
      { title: 'STATUS' },
      { title: 'ID' },
    ],
    rows,
  );
  lines.push('', footer(calls.length, matched, ask));
  return `${lines.join('\n')}\n`;
}

function preview(c: CallJson): string {
  if (c.status === 'error') return clipLine(`✗ ${[c.errorType, c.error].filter((s) => s).join(': ') || 'error'}`, PREVIEW_WIDTH);
  if (c.prompt === null && c.response === null) return '(no text stored)';
  return clipLine(`${c.prompt ?? ''} → ${c.response ?? ''}`, PREVIEW_WIDTH);
}

function footer(shown: number, matched: number | undefined, ask: CallsAskShown): string {
  const more = `; llmtop call ID for one in full`;
  if (matched !== undefined) {
    const rest = matched > shown ? `, --last ${Math.min(matched, 10_000)} for more` : '';
    return `${plural(shown, 'call')} of ${plural(matched, 'match', 'matches')} for ${JSON.stringify(sanitizeLine(ask.q ?? ''))}, newest stored first${rest}${more}`;
  }
  const rest = shown >= ask.limit ? `; --last N for more` : '';
  return `${shown === 1 ? 'the newest call' : `the ${shown} newest calls`}${ask.filtered ? ' that match' : ''}${rest}${more}`;
}

/** One call in full: its numbers, then its whole prompt and response. */
export function callText(c: CallJson): string {
  const line = (label: string, value: string) => `${label.padEnd(10)}${value}`;
  const tokens = [
    `in ${c.inputTokens.toLocaleString('en-US')}`,
    c.cacheReadTokens || c.cacheWriteTokens ? `(cache read ${c.cacheReadTokens.toLocaleString('en-US')}, write ${c.cacheWriteTokens.toLocaleString('en-US')})` : '',
    `· out ${c.outputTokens.toLocaleString('en-US')}`,
    c.reasoningTokens ? `· reasoning ${c.reasoningTokens.toLocaleString('en-US')}` : '',
  ].filter((s) => s);
  const status =
    c.status === 'error' ? `error: ${sanitizeLine([c.errorType, c.error].filter((s) => s).join(': ') || 'no message')}` : 'ok';
  const out = [
    line('call', sanitizeLine(c.id)),
    line('time', `${localStamp(c.time)} (${c.time})`),
    line('service', sanitizeLine(c.environment ? `${c.service} · ${c.environment}` : c.service)),
    line('model', sanitizeLine(`${modelOf(c)} · ${c.operation}`)),
    line('duration', `${formatDuration(c.durationMs)} · TTFT ${formatDuration(c.ttftMs)}`),
    line('tokens', tokens.join(' ')),
    line('cost', `${formatCallCost(c)} (${c.costSource})`),
    line('status', c.finishReason ? `${status} · finish reason ${sanitizeLine(c.finishReason)}` : status),
    line('trace', c.traceId ? sanitizeLine(`${c.traceId} · span ${c.spanId}`) : NONE),
  ];
  if (c.user) out.push(line('user', sanitizeLine(c.user)));
  out.push(line('source', sanitizeLine(c.source)));
  out.push('', ...textBlock('prompt', c.prompt), '', ...textBlock('response', c.response));
  return `${out.join('\n')}\n`;
}

function textBlock(name: string, text: string | null): string[] {
  if (text === null) return [`── ${name}: none stored ──`];
  return [`── ${name} (${plural(text.length, 'character')}) ──`, sanitizeText(text)];
}
