import zlib from 'node:zlib';
import { createParser, type EventSourceParser } from 'eventsource-parser';
import { parseJson, type Answer, type Endpoint, type EventReader } from './protocol.js';

/*
 * Reads a copy of an answer as it passes to the app, in bounded memory: the bytes the app gets
 * are never held back for it. Event streams are parsed event by event (each event's text is
 * dropped once read); a JSON body is parsed whole up to HEAD_BYTES, and past that only its end is
 * kept, where every provider puts its usage.
 */

/** A JSON answer up to this size (after decompression) is parsed whole. */
export const HEAD_BYTES = 1024 * 1024;
/** Of a larger one, this much of its end is kept to find the usage in. */
export const TAIL_BYTES = 64 * 1024;
/** One event longer than this (in characters) ends the reading of the stream, not the stream. */
const MAX_EVENT_CHARS = 4 * 1024 * 1024;
/** The start of a body that is neither JSON nor events, for an error message. */
const SNIPPET_BYTES = 512;

export interface Tapped {
  /** What the body said, or null when it could not be read (an unknown encoding, not JSON). */
  answer: Answer | null;
  /** The start of a body that was not read as JSON or events (an HTML error page), for the error message. */
  snippet: string | null;
}

type Decoder = zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress;

function decompressor(encoding: string): Decoder | null | 'unknown' {
  switch (encoding) {
    case '':
    case 'identity':
      return null;
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    case 'zstd': {
      // Node 22.15 and later.
      const make = (zlib as unknown as { createZstdDecompress?: () => Decoder }).createZstdDecompress;
      return make ? make() : 'unknown';
    }
    default:
      return 'unknown';
  }
}

export class AnswerTap {
  private readonly decoder: Decoder | null;
  private readonly unreadable: boolean;
  private readonly events: EventReader | null;
  private readonly parser: EventSourceParser | null;
  private readonly text = new TextDecoder('utf-8');
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer = Buffer.alloc(0);
  private total = 0;
  private eventsBroken = false;
  private outputSeen = false;
  private readonly finished: Promise<void>;

  /**
   * `onOutput` is called once, when the first event that carries output (a token, a tool call,
   * thinking) has been read: the proxy's time to first token.
   */
  constructor(
    private readonly endpoint: Endpoint,
    contentType: string,
    contentEncoding: string,
    private readonly onOutput: () => void,
  ) {
    const d = decompressor(contentEncoding.trim().toLowerCase());
    this.unreadable = d === 'unknown';
    this.decoder = d === 'unknown' ? null : d;
    const isEvents = /^\s*text\/event-stream/i.test(contentType);
    this.events = isEvents ? endpoint.events() : null;
    this.parser = this.events
      ? createParser({
          maxBufferSize: MAX_EVENT_CHARS,
          onEvent: (e) => this.event(e.data, e.event),
          onError: () => {
            this.eventsBroken = true;
          },
        })
      : null;
    if (this.decoder) {
      const decoder = this.decoder;
      decoder.on('data', (c: Buffer) => this.read(c));
      this.finished = new Promise((resolve) => {
        decoder.once('end', resolve);
        decoder.once('error', () => {
          this.eventsBroken = true;
          resolve();
        });
      });
    } else {
      this.finished = Promise.resolve();
    }
  }

  /** A chunk of the body as it came from upstream (compressed or not). */
  write(chunk: Buffer): void {
    if (this.unreadable) return;
    if (this.decoder) this.decoder.write(chunk);
    else this.read(chunk);
  }

  /** The body has ended (or was cut off): what it said. */
  async end(): Promise<Tapped> {
    if (this.unreadable) return { answer: null, snippet: null };
    this.decoder?.end();
    await this.finished;
    if (this.events) {
      if (!this.eventsBroken) {
        this.feed(this.text.decode());
        this.parser?.reset({ consume: true });
      }
      return { answer: this.events.answer(), snippet: null };
    }
    const head = Buffer.concat(this.head);
    if (this.total <= HEAD_BYTES) {
      const body = parseJson(head.toString('utf8'));
      if (body === undefined) return { answer: null, snippet: head.subarray(0, SNIPPET_BYTES).toString('utf8') || null };
      return { answer: this.endpoint.json(body), snippet: null };
    }
    return { answer: this.endpoint.json(partialBody(head.toString('utf8'), this.tail.toString('utf8'))), snippet: null };
  }

  private read(chunk: Buffer): void {
    if (this.parser) {
      if (!this.eventsBroken) this.feed(this.text.decode(chunk, { stream: true }));
      return;
    }
    this.total += chunk.length;
    if (this.headBytes < HEAD_BYTES) {
      const part = chunk.subarray(0, HEAD_BYTES - this.headBytes);
      this.head.push(part);
      this.headBytes += part.length;
    }
    this.tail = this.tail.length + chunk.length <= TAIL_BYTES ? Buffer.concat([this.tail, chunk]) : Buffer.concat([this.tail, chunk]).subarray(-TAIL_BYTES);
  }

  private feed(text: string): void {
    if (text === '' || this.eventsBroken) return;
    try {
      this.parser!.feed(text);
    } catch {
      this.eventsBroken = true;
    }
  }

  private event(data: string, name: string | undefined): void {
    const output = this.events!.event(data, name);
    if (output && !this.outputSeen) {
      this.outputSeen = true;
      this.onOutput();
    }
  }
}

/**
 * What can be read of a JSON body too large to parse whole: the model from its start, and the
 * usage object from its end (`"usage": {...}`, `"usageMetadata": {...}`), as every provider
 * writes them. The result is shaped like the body, for the protocol's own reader.
 */
export function partialBody(head: string, tail: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['model', 'modelVersion']) {
    const m = new RegExp(`"${key}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(head) ?? new RegExp(`"${key}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(tail);
    if (m) out[key] = parseJson(`"${m[1]}"`);
  }
  for (const key of ['usage', 'usageMetadata']) {
    const at = tail.lastIndexOf(`"${key}"`);
    if (at < 0) continue;
    const open = tail.indexOf('{', at);
    if (open < 0 || !/^"[A-Za-z]+"\s*:\s*$/.test(tail.slice(at, open))) continue;
    const end = objectEnd(tail, open);
    if (end < 0) continue;
    const value = parseJson(tail.slice(open, end + 1));
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** Index of the `}` that closes the object opening at `open`, skipping strings; -1 when cut off. */
function objectEnd(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return i;
  }
  return -1;
}
