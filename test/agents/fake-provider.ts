import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';

/*
 * What the fake providers the coding agents talk to share: a loopback server that records
 * every request (unknown paths too, answered 404) with what it answered, and the answer's
 * text and token counts chosen per request.
 */

/** One request a fake provider received, and what it answered. */
export interface Exchange {
  /** 1-based order of arrival. */
  n: number;
  method: string;
  path: string;
  /** Query string without `?`, or ''. */
  query: string;
  /** The model the request named (its body's `model`, or Gemini's URL segment). */
  model: string | null;
  stream: boolean;
  status: number;
  /** Request headers worth keeping (user agent, session ids, traceparent); auth headers only as present. */
  headers: Record<string, string>;
  /** The request body as JSON (null when empty). */
  body: unknown;
  /** The reply's text and its token counts in the provider's own names; null for requests that got none. */
  answer: { text: string; usage: Record<string, number> } | null;
}

export interface FakeProvider {
  url: string;
  exchanges: Exchange[];
  /** The model requests answered (status 200 with a reply). */
  served(): Exchange[];
  close(): Promise<void>;
}

/** A reply: its text and token counts. */
export interface Turn<U> {
  text: string;
  usage: U;
}

/** The reply to the n-th model request (1-based), given its body. */
export type Turns<U> = (n: number, body: any) => Turn<U>;

const KEEP_HEADERS = [
  'user-agent',
  'content-type',
  'accept',
  'originator',
  'session-id',
  'x-client-request-id',
  'x-goog-api-client',
  'anthropic-version',
  'anthropic-beta',
  'x-app',
  'x-claude-code-session-id',
  'x-stainless-retry-count',
  'traceparent',
];

function keptHeaders(req: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of KEEP_HEADERS) {
    const v = req.headers[k];
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  for (const k of ['authorization', 'x-api-key', 'x-goog-api-key']) if (req.headers[k] !== undefined) out[k] = '<present>';
  return out;
}

function readBody(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let raw = Buffer.concat(chunks);
      const encoding = String(req.headers['content-encoding'] ?? '');
      try {
        if (encoding === 'gzip') raw = zlib.gunzipSync(raw);
        else if (encoding === 'br') raw = zlib.brotliDecompressSync(raw);
        else if (encoding === 'zstd') raw = zlib.zstdDecompressSync(raw);
      } catch {
        // kept as sent
      }
      if (raw.length === 0) return resolve(null);
      try {
        resolve(JSON.parse(raw.toString('utf8')));
      } catch {
        resolve({ unparsed: raw.toString('utf8').slice(0, 2000) });
      }
    });
  });
}

export function sendSse(res: http.ServerResponse, event: string | null, data: unknown): void {
  res.write(`${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`);
}

export function sendJson(res: http.ServerResponse, status: number, data: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(data));
}

/** A reply cut in three, as a stream delivers it. */
export function pieces(text: string): string[] {
  const size = Math.max(1, Math.ceil(text.length / 3));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

let ids = 0;
export function fakeId(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${(++ids).toString().padStart(4, '0')}`;
}

/**
 * A fake provider: `handle` answers each request, given its exchange record (already in
 * `exchanges`, status 404 until the handler says otherwise) and parsed body.
 */
export async function startFakeProvider(
  handle: (x: Exchange, body: any, req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>,
): Promise<FakeProvider> {
  const exchanges: Exchange[] = [];
  const server = http.createServer((req, res) => {
    void readBody(req).then((body: any) => {
      const [path = '', query = ''] = (req.url ?? '').split('?');
      const x: Exchange = {
        n: exchanges.length + 1,
        method: req.method ?? '',
        path,
        query,
        model: typeof body?.model === 'string' ? body.model : null,
        stream: false,
        status: 404,
        headers: keptHeaders(req),
        body,
        answer: null,
      };
      exchanges.push(x);
      void Promise.resolve(handle(x, body, req, res)).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exchanges,
    served: () => exchanges.filter((x) => x.status === 200 && x.answer !== null),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
