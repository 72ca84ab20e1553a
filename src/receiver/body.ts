import type { IncomingMessage } from 'node:http';
import zlib from 'node:zlib';
import { promisify } from 'node:util';

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);

/** Why a body could not be read: answered with this HTTP status. */
export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

/** Reads the raw body, refusing it past `limit` bytes before reading it all. */
export function readRaw(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit)
    return Promise.reject(new BodyError(413, `the body is ${declared} bytes, over the ${limit}-byte limit`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.pause();
        reject(new BodyError(413, `the body is over the ${limit}-byte limit`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

/** Decompresses per Content-Encoding; the limit applies to the decompressed size too. */
export async function decompress(raw: Buffer, encoding: string | undefined, limit: number): Promise<Buffer> {
  const enc = (encoding ?? '').trim().toLowerCase();
  if (enc === '' || enc === 'identity') return raw;
  const inflater = enc === 'gzip' || enc === 'x-gzip' ? gunzip : enc === 'deflate' ? inflate : null;
  if (!inflater) throw new BodyError(415, `Content-Encoding "${enc}" is not supported; use gzip or none`);
  try {
    return await inflater(raw, { maxOutputLength: limit });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError)
      throw new BodyError(413, `the decompressed body is over the ${limit}-byte limit`);
    throw new BodyError(400, `cannot decompress the ${enc} body: ${e.message}`);
  }
}
