import { Text } from 'ink';
import { displayWidth, truncate } from '../sanitize.js';

/** A run of text with one style. Its text must already be safe (see sanitize.ts). */
export interface Seg {
  text: string;
  color?: string;
  bold?: boolean;
  dim?: boolean;
  /** A background colour: what a search found. */
  background?: string;
}

/**
 * One terminal line: segments cut to `width` columns so Ink never wraps (a wrapped line would make
 * the frame taller than planned); `fill` pads to the full width so an inverse bar spans the line.
 */
export function Line({ segs, width, inverse = false, fill = false }: { segs: readonly Seg[]; width: number; inverse?: boolean; fill?: boolean }) {
  const out: Seg[] = [];
  let used = 0;
  for (const s of segs) {
    const room = width - used;
    if (room <= 0) break;
    const w = displayWidth(s.text);
    if (w <= room) {
      out.push(s);
      used += w;
    } else {
      const t = truncate(s.text, room);
      out.push({ ...s, text: t });
      used += displayWidth(t);
      break;
    }
  }
  if (fill && used < width) out.push({ text: ' '.repeat(width - used) });
  return (
    <Text wrap="truncate-end" inverse={inverse}>
      {out.length === 0
        ? ' '
        : out.map((s, i) => (
            <Text key={i} color={s.color} bold={s.bold} dimColor={s.dim} backgroundColor={s.background}>
              {s.text}
            </Text>
          ))}
    </Text>
  );
}
