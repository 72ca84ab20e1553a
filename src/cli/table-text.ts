import { displayWidth, fit } from '../views/sanitize.js';

/*
 * Plain-text tables for the read verbs (`llmtop calls`, `runs`, `errors`): no ANSI, columns as
 * wide as their widest cell up to a cap. Cells must be safe text already (sanitized).
 */

export interface TextColumn {
  title: string;
  align?: 'left' | 'right';
  /** Cells wider than this are cut with `…`. */
  max?: number;
}

/** The header line and one line per row; a row may carry lines of its own below it (indented, uncut). */
export function textTable(columns: readonly TextColumn[], rows: readonly { cells: readonly string[]; below?: readonly string[] }[]): string[] {
  const widths = columns.map((c, i) => Math.min(c.max ?? Infinity, Math.max(displayWidth(c.title), ...rows.map((r) => displayWidth(r.cells[i] ?? '')))));
  const line = (cells: readonly string[]) => cells.map((v, i) => fit(v, widths[i]!, columns[i]!.align)).join('  ').trimEnd();
  const out = [line(columns.map((c) => c.title))];
  for (const r of rows) {
    out.push(line(r.cells));
    for (const b of r.below ?? []) out.push(`  ${b}`);
  }
  return out;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** `2026-12-07 01:38:16` in the machine's time zone, from the API's ISO time. */
export function localStamp(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** `1 call`, `2 calls`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
