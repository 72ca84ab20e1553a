import type { OtlpRequest } from '../../otlp/request.js';

/** A request that decoded, less the items refused one by one (bad ids), which partial_success reports. */
export interface Decoded {
  request: OtlpRequest;
  rejected: number;
  rejectReason: string;
}

/** The body cannot be read as an OTLP request of this signal: answered with 400. */
export class DecodeError extends Error {}

export const ID_BYTES = { trace: 16, span: 8 } as const;

const HEX = /^[0-9a-fA-F]*$/;

/** Reads an id written as hex (either case), or as base64 by older exporters; null when it is neither. */
export function idFromText(text: string, bytes: number): string | null {
  if (text === '') return '';
  if (text.length === bytes * 2 && HEX.test(text)) return text.toLowerCase();
  const raw = Buffer.from(text, 'base64');
  if (raw.length === bytes && raw.toString('base64') === text) return raw.toString('hex');
  return null;
}

/** Times past SQLite's signed 64-bit range (the year 2262) are junk, refused item by item. */
export const MAX_TIME_NS = 2n ** 63n - 1n;
