import fs from 'node:fs';
import zlib from 'node:zlib';

/*
 * A minimal reader for the .tgz files `npm pack` writes (gzip around ustar/pax): the
 * entries' paths, modes and contents, so that the test needs no `tar` binary.
 */

export interface TarEntry {
  path: string;
  mode: number;
  type: string;
  data: Buffer;
}

const cString = (b: Buffer): string => {
  const end = b.indexOf(0);
  return b.subarray(0, end === -1 ? b.length : end).toString('utf8');
};
const octal = (b: Buffer): number => parseInt(cString(b).trim() || '0', 8);

/** The pax header records (`<len> key=value\n`), as a map. */
function paxRecords(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    if (space === -1) break;
    const len = Number(data.subarray(i, space).toString('ascii'));
    if (!Number.isFinite(len) || len <= 0) break;
    const record = data.subarray(space + 1, i + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    i += len;
  }
  return out;
}

export function readTarball(file: string): TarEntry[] {
  const tar = zlib.gunzipSync(fs.readFileSync(file));
  const entries: TarEntry[] = [];
  let pax: Map<string, string> | null = null;
  let offset = 0;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const size = octal(header.subarray(124, 136));
    const type = String.fromCharCode(header[156] || 0x30);
    const data = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      pax = paxRecords(data);
      continue;
    }
    if (type === 'g') continue;
    const name = cString(header.subarray(0, 100));
    const prefix = header.subarray(257, 263).toString('ascii').startsWith('ustar') ? cString(header.subarray(345, 500)) : '';
    const path = pax?.get('path') ?? (prefix ? `${prefix}/${name}` : name);
    entries.push({ path, mode: octal(header.subarray(100, 108)), type: type === '\0' ? '0' : type, data: Buffer.from(data) });
    pax = null;
  }
  return entries;
}
