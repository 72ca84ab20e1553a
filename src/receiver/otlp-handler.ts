import type { IncomingMessage, ServerResponse } from 'node:http';
import { BusyError } from '../ingest/ingest.js';
import { normalize, type Normalized } from '../normalize/index.js';
import { BodyError, decompress, readRaw } from './body.js';
import { DecodeError, encodingFor, jsonEncoding, type Encoding } from './encoding/index.js';
import { HELD_TOO_MUCH, type HeldBytes } from './held-bytes.js';
import type { OtlpRequest, Signal } from '../otlp/request.js';
import type { RequestMeta } from '../sources/tracker.js';

export interface OtlpHandlerDeps {
  submit: (item: Normalized) => Promise<void>;
  /** Runs the decode when it may take the event loop (TurnBudget.run). */
  turn: <T>(work: () => T) => Promise<T>;
  /** Largest body accepted, compressed or not. */
  maxBodyBytes: number;
  /** Bytes of bodies all requests may hold at once; past it, 503. */
  held?: HeldBytes;
  /** Seconds a refused client should wait before it retries. */
  retryAfterSeconds: number;
  onRequest?: (signal: Signal, outcome: number) => void;
  /** Told of each accepted request with its body as it arrived (compressed or not), for --forward. */
  onAccepted?: (signal: Signal, raw: Buffer, contentType: string, contentEncoding: string | undefined) => void;
  /** Told of each request that decoded, and of each refused one with its reason: the Sources view. */
  onDecoded?: (meta: RequestMeta, request: OtlpRequest, item: Normalized) => void;
  onRefused?: (meta: RequestMeta, status: number, reason: string) => void;
}

/** gRPC status codes for the google.rpc.Status body of each HTTP status. */
const GRPC_CODE: Record<number, number> = { 400: 3, 404: 5, 405: 12, 413: 8, 415: 12, 429: 8, 500: 13, 503: 14 };

/** Clients retry only these; they get a Retry-After. */
const RETRYABLE = new Set([429, 502, 503, 504]);

/**
 * One OTLP/HTTP export, as a straight line: method, content type, body, decode, store, answer
 * in the request's encoding.
 */
export async function handleOtlp(signal: Signal, req: IncomingMessage, res: ServerResponse, deps: OtlpHandlerDeps): Promise<void> {
  const enc = encodingFor(req.headers['content-type']);
  const meta: RequestMeta = {
    signal,
    protocol: 'http',
    encoding: enc === null ? (req.headers['content-type'] ?? 'no content type') : enc === jsonEncoding ? 'json' : 'protobuf',
    compression: req.headers['content-encoding'] ?? 'none',
    client: `${req.headers['user-agent'] ?? 'no user agent'} from ${req.socket.remoteAddress ?? '?'}`,
  };
  const fail = (status: number, message: string) => {
    sendStatus(res, enc ?? jsonEncoding, status, message, deps.retryAfterSeconds);
    deps.onRequest?.(signal, status);
    deps.onRefused?.(meta, status, message);
  };
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return fail(405, `${req.method} is not allowed on /v1/${signal}; use POST`);
  }
  if (!enc) {
    req.resume();
    return fail(415, `Content-Type "${req.headers['content-type'] ?? ''}" is not supported; use application/x-protobuf or application/json`);
  }
  const claim = deps.held?.claim();
  try {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (claim && Number.isFinite(declared) && declared <= deps.maxBodyBytes && !claim.take(declared)) {
      req.resume();
      return fail(503, HELD_TOO_MUCH);
    }
    let body: Buffer;
    let raw: Buffer;
    try {
      raw = await readRaw(req, deps.maxBodyBytes);
      body = await decompress(raw, req.headers['content-encoding'], deps.maxBodyBytes);
    } catch (err) {
      if (err instanceof BodyError) {
        if (err.status === 413) res.setHeader('Connection', 'close');
        return fail(err.status, err.message);
      }
      throw err;
    }
    // A chunked body is claimed once read; a compressed one, again as decompressed.
    const unclaimed = (Number.isFinite(declared) ? 0 : raw.length) + (body === raw ? 0 : body.length);
    if (claim && unclaimed > 0 && !claim.take(unclaimed)) return fail(503, HELD_TOO_MUCH);
    const decode = () => {
      const decoded = enc.decode(signal, body);
      const item = normalize(decoded.request);
      deps.onDecoded?.(meta, decoded.request, item);
      return { item, rejected: decoded.rejected, rejectReason: decoded.rejectReason };
    };
    let item: Normalized;
    let rejected: number;
    let rejectReason: string;
    try {
      ({ item, rejected, rejectReason } = await deps.turn(decode));
    } catch (err) {
      if (err instanceof DecodeError || err instanceof RangeError || err instanceof TypeError) return fail(400, (err as Error).message);
      throw err;
    }
    try {
      await deps.submit(item);
    } catch (err) {
      if (err instanceof BusyError) return fail(503, err.message);
      return fail(503, `cannot store the data: ${(err as Error).message}`);
    }
    res.writeHead(200, { 'Content-Type': enc.contentType });
    res.end(enc.encodeResponse(signal, rejected, rejectReason));
    deps.onRequest?.(signal, 200);
    deps.onAccepted?.(signal, raw, req.headers['content-type'] ?? enc.contentType, req.headers['content-encoding']);
  } finally {
    claim?.release();
  }
}

/** Messages can quote the input; a quote of a 10 MB key is not a message. */
const MAX_MESSAGE = 1024;

export function sendStatus(res: ServerResponse, enc: Encoding, status: number, message: string, retryAfterSeconds = 1): void {
  if (res.headersSent) return;
  if (message.length > MAX_MESSAGE) message = `${message.slice(0, MAX_MESSAGE)}…`;
  if (RETRYABLE.has(status)) res.setHeader('Retry-After', String(retryAfterSeconds));
  res.writeHead(status, { 'Content-Type': enc.contentType });
  res.end(enc.encodeStatus(GRPC_CODE[status] ?? 2, message));
}
