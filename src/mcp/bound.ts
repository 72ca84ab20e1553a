import type { CallJson, RunNodeJson } from '../api/json.js';

/*
 * Bounds on what the MCP tools hand an agent: a coding agent's context is small and dear, and a
 * prompt of the monitored app can be megabytes. Pure functions over the API's JSON.
 */

/**
 * Characters `start` to `end` of a text (UTF-16 units, as JavaScript and JSON count them),
 * never splitting a surrogate pair: a cut lands before the pair (or, in a window of one unit, after it).
 */
export function sliceText(text: string, start: number, end: number): string {
  const at = (i: number) => {
    const code = text.charCodeAt(i - 1);
    return i > 0 && i < text.length && code >= 0xd800 && code <= 0xdbff ? i - 1 : i;
  };
  const from = at(Math.max(0, Math.min(start, text.length)));
  let to = at(Math.max(from, Math.min(end, text.length)));
  // A window of one unit on a pair would never move on: it takes the pair.
  if (to === from && end > start && from < text.length) to = Math.min(text.length, from + 2);
  return text.slice(from, to);
}

type TextField = 'prompt' | 'response' | 'error';
const TEXT_FIELDS: readonly TextField[] = ['prompt', 'response', 'error'];

/** A call in a list: its text fields cut to `maxChars` each, and for each one cut, its whole length. */
export type ListedCall = CallJson & { truncated?: Partial<Record<TextField, { totalChars: number }>> };

export function listedCall(c: CallJson, maxChars: number): ListedCall {
  const out: ListedCall = { ...c };
  const truncated: Partial<Record<TextField, { totalChars: number }>> = {};
  for (const f of TEXT_FIELDS) {
    const text = c[f];
    if (text === null || text.length <= maxChars) continue;
    out[f] = sliceText(text, 0, maxChars);
    truncated[f] = { totalChars: text.length };
  }
  if (Object.keys(truncated).length > 0) out.truncated = truncated;
  return out;
}

/** Where a part of a text starts and ends, how long the whole is, and where the rest starts (null: nothing left). */
export interface TextWindow {
  offset: number;
  shownChars: number;
  totalChars: number;
  nextOffset: number | null;
}

/** One call for get_call: its prompt and response from `offset`, `maxChars` of each at most, and where each stands. */
export type PagedCall = CallJson & { text: { prompt: TextWindow | null; response: TextWindow | null } };

export function pagedCall(c: CallJson, offset: number, maxChars: number): PagedCall {
  const page = (text: string | null): [string | null, TextWindow | null] => {
    if (text === null) return [null, null];
    const part = sliceText(text, offset, offset + maxChars);
    const from = Math.min(offset, text.length);
    const end = from + part.length;
    return [part, { offset: from, shownChars: part.length, totalChars: text.length, nextOffset: end < text.length ? end : null }];
  };
  const [prompt, promptWindow] = page(c.prompt);
  const [response, responseWindow] = page(c.response);
  return { ...c, prompt, response, text: { prompt: promptWindow, response: responseWindow } };
}

/** A run's tree cut to its first `max` spans, depth first (the root and what it did first), with how many were left out. */
export function boundTree(nodes: readonly RunNodeJson[], max: number): { spans: RunNodeJson[]; spansOmitted: number } {
  let kept = 0;
  let omitted = 0;
  const size = (n: RunNodeJson): number => 1 + n.children.reduce((s, c) => s + size(c), 0);
  const walk = (list: readonly RunNodeJson[]): RunNodeJson[] => {
    const out: RunNodeJson[] = [];
    for (const n of list) {
      if (kept >= max) {
        omitted += size(n);
        continue;
      }
      kept++;
      out.push({ ...n, children: walk(n.children) });
    }
    return out;
  };
  return { spans: walk(nodes), spansOmitted: omitted };
}
