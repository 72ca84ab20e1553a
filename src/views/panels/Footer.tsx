import { type FooterHint, footerHints, type Mode } from '../keys.js';
import { displayWidth, sanitizeLine } from '../sanitize.js';
import { Line, type Seg } from './Line.js';

/**
 * Key hints from the key table, as many as fit, by priority (`? help` and `q quit` first); the
 * help lists the rest. While a filter is typed, the footer is its input line.
 */
export function Footer({ mode, draft, notice, width }: { mode: Mode; draft: string | null; notice?: string | null; width: number }) {
  // A notice (what was copied where) stands in for the hints for a few seconds.
  if (notice && mode !== 'filter') return <Line segs={[{ text: ` ${sanitizeLine(notice)}`, color: 'green', bold: true }]} width={width} />;
  const hints = footerHints(mode);
  const segs: Seg[] = [];
  if (mode === 'filter') segs.push({ text: '/ ', bold: true, color: 'cyan' }, { text: tail(sanitizeLine(draft ?? ''), width - 24) + '█ ' });
  // Fill by priority, then show in table order.
  let used = segs.reduce((n, s) => n + displayWidth(s.text), 0);
  const shown = new Set<FooterHint>();
  for (const h of [...hints].sort((a, b) => a.priority - b.priority)) {
    if (used + hintWidth(h) > width) continue;
    shown.add(h);
    used += hintWidth(h);
  }
  for (const h of hints) {
    if (shown.has(h)) segs.push({ text: ` ${h.keys}`, bold: true, color: 'cyan' }, { text: ` ${h.text} ` });
  }
  return <Line segs={segs} width={width} />;
}

function hintWidth(h: { keys: string; text: string }): number {
  return displayWidth(h.keys) + displayWidth(h.text) + 3;
}

/** The end of a long draft, where the cursor is. */
function tail(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  const chars = Array.from(text);
  let out = '';
  for (let i = chars.length - 1; i >= 0 && displayWidth(chars[i] + out) < width; i--) out = chars[i] + out;
  return '…' + out;
}
