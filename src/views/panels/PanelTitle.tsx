import { Line, type Seg } from './Line.js';

/** A panel's title line; the focused panel's is inverse and marked, so focus is always visible. */
export function PanelTitle({ title, focused, details, width }: { title: string; focused: boolean; details: readonly Seg[]; width: number }) {
  const segs: Seg[] = [{ text: focused ? `▸ ${title} ` : `  ${title} `, bold: true, color: focused ? 'cyan' : undefined }, ...details];
  return <Line segs={segs} width={width} fill inverse={focused} />;
}
