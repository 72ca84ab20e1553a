import crypto from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';

/*
 * Raw OTLP payloads for receiver tests: GenAI spans as OTLP/JSON objects, the same spans as
 * protobuf bytes encoded with the OpenTelemetry JS project's generated messages, and a plain
 * node:http client that sends exactly the bytes and headers it is given.
 */

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const otlpRoot: any = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');
const v1 = otlpRoot.opentelemetry.proto;
export const TraceRequest = v1.collector.trace.v1.ExportTraceServiceRequest;
export const TraceResponse = v1.collector.trace.v1.ExportTraceServiceResponse;
export const LogsRequest = v1.collector.logs.v1.ExportLogsServiceRequest;
export const MetricsRequest = v1.collector.metrics.v1.ExportMetricsServiceRequest;

export const randomHex = (bytes: number): string => crypto.randomBytes(bytes).toString('hex');

export interface GenAiSpanOptions {
  traceId?: string;
  spanId?: string;
  name?: string;
  model?: string;
  provider?: string;
  inputTokens?: number;
  outputTokens?: number;
  startMs?: number;
  durationMs?: number;
}

/** One OTLP/JSON span of a GenAI chat call (the OTel GenAI conventions), ids as lowercase hex. */
export function genAiSpanJson(o: GenAiSpanOptions = {}): Record<string, unknown> {
  const startMs = o.startMs ?? Date.now() - 30_000;
  const startNs = BigInt(startMs) * 1_000_000n;
  const endNs = startNs + BigInt(o.durationMs ?? 800) * 1_000_000n;
  return {
    traceId: o.traceId ?? randomHex(16),
    spanId: o.spanId ?? randomHex(8),
    name: o.name ?? `chat ${o.model ?? 'gpt-4o-mini'}`,
    kind: 3,
    startTimeUnixNano: String(startNs),
    endTimeUnixNano: String(endNs),
    attributes: [
      { key: 'gen_ai.system', value: { stringValue: o.provider ?? 'openai' } },
      { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
      { key: 'gen_ai.request.model', value: { stringValue: o.model ?? 'gpt-4o-mini' } },
      { key: 'gen_ai.usage.input_tokens', value: { intValue: String(o.inputTokens ?? 10) } },
      { key: 'gen_ai.usage.output_tokens', value: { intValue: String(o.outputTokens ?? 5) } },
    ],
    status: {},
  };
}

/** An ExportTraceServiceRequest in OTLP/JSON holding the spans under one resource. */
export function tracesJson(spans: Record<string, unknown>[], serviceName = 'bad-input-test'): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: serviceName } }] },
        scopeSpans: [{ scope: { name: 'test-instrumentation', version: '1.0.0' }, spans }],
      },
    ],
  };
}

function longBits(ns: bigint): { low: number; high: number; unsigned: boolean } {
  return { low: Number(ns & 0xffffffffn) | 0, high: Number((ns >> 32n) & 0xffffffffn) | 0, unsigned: true };
}

function protoAnyValue(v: Record<string, unknown>): Record<string, unknown> {
  if ('intValue' in v) {
    const n = BigInt(v.intValue as string);
    return { intValue: longBits(BigInt.asUintN(64, n)) };
  }
  return v;
}

/** A JSON span (as made by genAiSpanJson) as a protobuf message object; ids may be given as raw bytes to make them invalid. */
export function protoSpan(s: Record<string, unknown>, raw: { traceId?: Uint8Array; spanId?: Uint8Array } = {}): Record<string, unknown> {
  return {
    traceId: raw.traceId ?? Buffer.from(s.traceId as string, 'hex'),
    spanId: raw.spanId ?? Buffer.from(s.spanId as string, 'hex'),
    name: s.name,
    kind: s.kind,
    startTimeUnixNano: longBits(BigInt(s.startTimeUnixNano as string)),
    endTimeUnixNano: longBits(BigInt(s.endTimeUnixNano as string)),
    attributes: (s.attributes as { key: string; value: Record<string, unknown> }[]).map((kv) => ({
      key: kv.key,
      value: protoAnyValue(kv.value),
    })),
    status: {},
  };
}

/** An ExportTraceServiceRequest as protobuf bytes. */
export function tracesProto(spans: Record<string, unknown>[], serviceName = 'bad-input-test'): Uint8Array {
  const msg = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: serviceName } }] },
        scopeSpans: [{ scope: { name: 'test-instrumentation', version: '1.0.0' }, spans }],
      },
    ],
  };
  return TraceRequest.encode(TraceRequest.create(msg)).finish() as Uint8Array;
}

/** Decodes a protobuf google.rpc.Status (code = 1, message = 2; details ignored). */
export function decodeRpcStatus(bytes: Uint8Array): { code: number; message: string } {
  const protobuf = require('protobufjs/minimal.js');
  const r = protobuf.Reader.create(bytes);
  let code = 0;
  let message = '';
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 === 1 && (tag & 7) === 0) code = r.int32();
    else if (tag >>> 3 === 2 && (tag & 7) === 2) message = r.string();
    else r.skipType(tag & 7);
  }
  return { code, message };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * Sends exactly these bytes and headers (no Content-Length unless given or `contentLength`
 * is true, so chunked when absent). Resolves with the response even when the server answers
 * and closes before the whole body was sent.
 */
export function rawRequest(
  url: string,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: Uint8Array | Uint8Array[]; contentLength?: boolean },
): Promise<RawResponse> {
  const u = new URL(url);
  const chunks = opts.body === undefined ? [] : Array.isArray(opts.body) ? opts.body : [opts.body];
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.contentLength !== false && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length'))
    headers['Content-Length'] = String(chunks.reduce((n, c) => n + c.byteLength, 0));
  if (opts.contentLength === false) headers['Transfer-Encoding'] = 'chunked';
  return new Promise((resolve, reject) => {
    let settled = false;
    const req = http.request(
      { host: u.hostname, port: u.port, method: opts.method ?? 'POST', path: opts.path, headers, agent: false },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => {
          settled = true;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) });
        });
        res.on('error', (err) => {
          if (!settled) reject(err);
        });
      },
    );
    // The server may answer early (413) and close while the body is still being written.
    req.on('error', (err) => {
      if (!settled) setTimeout(() => !settled && reject(err), 2000);
    });
    (async () => {
      for (const c of chunks) {
        if (req.destroyed) return;
        if (!req.write(c)) await new Promise<void>((r) => { req.once('drain', r); req.once('close', r); });
      }
      req.end();
    })().catch(() => {});
  });
}
