import stringWidth from 'string-width';

/**
 * Text from the wire (model names, prompts, errors, attributes) is untrusted: an ESC byte in a
 * prompt could move the cursor, retitle the window or write the clipboard (OSC 52), and Ink passes
 * SGR and OSC sequences through. Everything below turns such bytes into visible text.
 */

// CR LF first so a Windows line break is one break; then C0, DEL, C1, bidi/format controls
// that can reorder what the terminal shows, line/paragraph separators and lone surrogates.
const UNSAFE =
  /\r\n|[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const ONE_LINE_BREAK = ' ⏎ ';

function visible(ch: string, newline: string): string {
  if (ch === '\n' || ch === '\r\n' || ch === '\u2028' || ch === '\u2029') return newline;
  if (ch === '\t') return newline === '\n' ? '    ' : ' ';
  const code = ch.charCodeAt(0);
  // Caret notation for C0 and DEL, as `cat -v` shows them: ESC is ^[, CR is ^M, BS is ^H.
  if (code < 0x20) return '^' + String.fromCharCode(code + 0x40);
  if (code === 0x7f) return '^?';
  if (code <= 0x9f) return '\\x' + code.toString(16);
  if (code >= 0xd800 && code <= 0xdfff) return '\ufffd';
  return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/** Safe multi-line text: line breaks kept as `\n`, every other control shown visibly. */
export function sanitizeText(text: string): string {
  return text.replace(UNSAFE, (ch) => visible(ch, '\n'));
}

/** Safe one-line text: line breaks become ` ⏎ `. */
export function sanitizeLine(text: string): string {
  return text.replace(UNSAFE, (ch) => visible(ch, ONE_LINE_BREAK));
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const PLAIN_ASCII = /^[\x20-\x7e]*$/;

// string-width is slow on non-ASCII text and a dashboard measures the same cells every frame.
const widths = new Map<string, number>();
const WIDTH_CACHE_LIMIT = 20_000;

/** Display width in terminal columns (wide CJK and emoji count 2). */
export function displayWidth(text: string): number {
  if (PLAIN_ASCII.test(text)) return text.length;
  let w = widths.get(text);
  if (w === undefined) {
    if (widths.size >= WIDTH_CACHE_LIMIT) widths.clear();
    w = stringWidth(text);
    if (text.length <= 256) widths.set(text, w);
  }
  return w;
}

/** Cut safe text to at most `width` columns, ending in `…` when cut; never splits a grapheme. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (PLAIN_ASCII.test(text)) return text.length <= width ? text : text.slice(0, width - 1) + '…';
  if (displayWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const { segment } of segmenter.segment(text)) {
    const w = displayWidth(segment);
    if (used + w > width - 1) break;
    out += segment;
    used += w;
  }
  return out + '…';
}

/** Exactly `width` columns: truncated, then padded with spaces. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const t = truncate(text, width);
  const pad = ' '.repeat(Math.max(0, width - displayWidth(t)));
  return align === 'left' ? t + pad : pad + t;
}

/**
 * Wire text for a one-line cell of `width` columns. Huge prompts are cut before sanitizing so a
 * frame never pays for megabytes of text it cannot show.
 */
export function cell(text: string | null | undefined, width: number, align: 'left' | 'right' = 'left'): string {
  return fit(clipLine(text ?? '', width), width, align);
}

/** Wire text as one safe line of at most `width` columns (not padded). */
export function clipLine(text: string, width: number): string {
  const budget = width * 4 + 16;
  if (text.length <= budget) return truncate(sanitizeLine(text), width);
  const s = truncate(sanitizeLine(text.slice(0, budget)), width);
  return s.endsWith('…') || displayWidth(s) >= width ? truncate(s, width) : s + '…';
}

/**
 * Wire text wrapped to `width` columns, for the detail view: sanitized, split on line breaks,
 * word-wrapped where a space allows, hard-wrapped inside long words.
 */
export function wrapText(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const out: string[] = [];
  for (const line of sanitizeText(text).split('\n')) {
    if (displayWidth(line) <= w) {
      out.push(line);
      continue;
    }
    let current = '';
    let used = 0;
    let lastSpace = -1; // index in `current` just after the last space
    let widthAtSpace = 0;
    for (const { segment } of segmenter.segment(line)) {
      const sw = displayWidth(segment);
      if (used + sw > w) {
        if (lastSpace > 0 && segment !== ' ') {
          out.push(current.slice(0, lastSpace).trimEnd());
          current = current.slice(lastSpace);
          used -= widthAtSpace;
        }
        if (used + sw > w) {
          out.push(current.trimEnd());
          current = '';
          used = 0;
        }
        lastSpace = -1;
        if (segment === ' ' && current === '') continue;
      }
      current += segment;
      used += sw;
      if (segment === ' ') {
        lastSpace = current.length;
        widthAtSpace = used;
      }
    }
    out.push(current);
  }
  return out;
}
