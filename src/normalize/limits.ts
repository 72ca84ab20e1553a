/*
 * What a call may hold, whatever the wire said: numbers finite and not negative, names and
 * texts of bounded length, well-formed UTF-16. Applied once, as a call is made, so the store,
 * the statistics and the log all hold the same bounded call.
 */

/** Longest prompt or response kept, in characters. */
export const MAX_TEXT_CHARS = 64 * 1024;
/** Longest error message kept. */
export const MAX_ERROR_CHARS = 4096;
/** Longest name (model, service, user, ...) kept. */
export const MAX_NAME_CHARS = 256;

/** A count or amount as a finite, non-negative number (0 otherwise). */
export function amount(v: number | null | undefined): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
}

/** The last millisecond SQLite's signed nanoseconds can hold (the year 2262). */
const MAX_TIME_MS = 9_223_372_036_854;

/** A time since the epoch that can be stored, or null. */
export function time(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_TIME_MS ? v : null;
}

/** A time or duration that may be absent: finite and not negative, or null. */
export function optionalAmount(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null;
}

/** Text cut to `max` characters, on a code point boundary, with a note of what was left out. */
export function capText(text: string, max: number): string {
  // Lone surrogates become U+FFFD here, as SQLite would turn them into three of them.
  // (String.prototype.toWellFormed is in Node 20; the ES2023 lib this project targets lacks its type.)
  const wellFormed = (text as string & { toWellFormed(): string }).toWellFormed();
  if (wellFormed.length <= max) return wellFormed;
  let end = max;
  // Never split a surrogate pair.
  const code = wellFormed.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${wellFormed.slice(0, end)}… [${wellFormed.length - end} more characters not kept]`;
}

export function capOptional(text: string | null, max: number): string | null {
  return text === null ? null : capText(text, max);
}
