import type { AttrValue, Attrs } from '../otlp/request.js';

/** The first of the keys that holds a non-empty string (numbers are turned into text). */
export function firstString(attrs: Attrs, keys: readonly string[]): string | null {
  for (const k of keys) {
    const v = attrs[k];
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number') return String(v);
  }
  return null;
}

/** The first of the keys that holds a finite number, or a string that is one. */
export function firstNumber(attrs: Attrs, keys: readonly string[]): number | null {
  for (const k of keys) {
    const n = toNumber(attrs[k]);
    if (n !== null) return n;
  }
  return null;
}

export function toNumber(v: AttrValue | undefined): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    if (Number.isFinite(n)) return n;
  }
  return null;
}

export function firstBoolean(attrs: Attrs, keys: readonly string[]): boolean | null {
  for (const k of keys) {
    const v = attrs[k];
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'True') return true;
    if (v === 'false' || v === 'False') return false;
  }
  return null;
}

export function nsToMs(ns: bigint): number {
  return Number(ns / 1000n) / 1000;
}
