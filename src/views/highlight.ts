import { clipLine, displayWidth, sanitizeLine } from './sanitize.js';
import type { Seg } from './panels/Line.js';

/** How a found word stands out. */
const MARK = { background: 'yellow', color: 'black' } as const;

/**
 * Text as segments, the places where any of `words` occurs (in any case) marked: the `/`
 * search's words in the log and the call detail. The text is what is shown (already safe).
 */
export function highlighted(text: string, words: readonly string[], base: Omit<Seg, 'text'> = {}): Seg[] {
  const lower = text.toLowerCase();
  // A character whose lower case is longer (İ) would shift every place found after it.
  if (words.length === 0 || lower.length !== text.length) return [{ ...base, text }];
  const spans: [number, number][] = [];
  for (const word of words) {
    const w = word.toLowerCase();
    for (let at = lower.indexOf(w); w !== '' && at >= 0; at = lower.indexOf(w, at + w.length)) spans.push([at, at + w.length]);
  }
  if (spans.length === 0) return [{ ...base, text }];
  // Overlapping places are one.
  spans.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of spans) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  const out: Seg[] = [];
  let from = 0;
  for (const [start, end] of merged) {
    if (start > from) out.push({ ...base, text: text.slice(from, start) });
    out.push({ ...base, ...MARK, text: text.slice(start, end) });
    from = end;
  }
  if (from < text.length) out.push({ ...base, text: text.slice(from) });
  return out;
}

/**
 * Wire text clipped to `width` columns so that what was found shows: from its start when the
 * first place any of `words` occurs fits there, else from a little before that place.
 */
export function clipAround(text: string, words: readonly string[], width: number): string {
  const lower = text.toLowerCase();
  let at = -1;
  let length = 0;
  for (const w of words) {
    const i = lower.indexOf(w.toLowerCase());
    if (w !== '' && i >= 0 && (at < 0 || i < at)) [at, length] = [i, w.length];
  }
  if (at < 0 || displayWidth(sanitizeLine(text.slice(0, at + length))) < width) return clipLine(text, width);
  // Some of what comes before, as much as leaves room for the word and the two ellipses.
  const lead = Math.max(0, Math.min(Math.floor(width / 3), width - length - 2));
  return clipLine(`…${text.slice(Math.max(0, at - lead))}`, width);
}
