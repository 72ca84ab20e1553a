import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

/*
 * An OTLP/HTTP relay between an SDK and llmtop: every request is forwarded byte for byte to
 * the current target (a real llmtop) and answered with llmtop's own answer, and a copy is kept
 * as OTLP/JSON (protobuf bodies decoded with the OpenTelemetry JS project's generated
 * messages, ids turned to hex as OTLP/JSON wants them). `save()` writes what an SDK really
 * sent to test/sdk/captured/<sdk>.json, for the normalizer's fixtures.
 *
 * A capture file is written when it is missing or when LLMTOP_UPDATE_CAPTURES=1, so that
 * ordinary test runs leave the committed captures alone.
 */

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const root: any = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');
const v1 = root.opentelemetry.proto;
const REQUEST: Record<string, any> = {
  '/v1/traces': v1.collector.trace.v1.ExportTraceServiceRequest,
  '/v1/metrics': v1.collector.metrics.v1.ExportMetricsServiceRequest,
  '/v1/logs': v1.collector.logs.v1.ExportLogsServiceRequest,
};

export interface CapturedRequest {
  /** Which test sent it. */
  test: string;
  path: string;
  contentType: string;
  contentEncoding: string | null;
  status: number;
  /** The body as OTLP/JSON. */
  body: unknown;
}

export interface Capture {
  url: string;
  /** Where requests go now. */
  target: string;
  /** Label for the requests that follow (the running test's name). */
  label: string;
  requests: CapturedRequest[];
  /** Writes captured/<sdk>.json (see above); returns the path, or null when left alone. */
  save(sdk: string, meta: Record<string, unknown>): string | null;
  close(): Promise<void>;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));

export async function startCapture(): Promise<Capture> {
  const state = { target: '', label: '' };
  const requests: CapturedRequest[] = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const raw = Buffer.concat(chunks);
        const urlPath = (req.url ?? '').split('?')[0]!;
        const contentType = String(req.headers['content-type'] ?? '');
        const contentEncoding = req.headers['content-encoding'] ? String(req.headers['content-encoding']) : null;
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) {
          if (v === undefined || ['host', 'connection', 'content-length', 'transfer-encoding'].includes(k)) continue;
          headers[k] = Array.isArray(v) ? v.join(', ') : v;
        }
        const upstream = await fetch(`${state.target}${req.url ?? ''}`, { method: req.method ?? 'POST', headers, body: raw.length > 0 ? raw : undefined });
        const answer = Buffer.from(await upstream.arrayBuffer());
        requests.push({ test: state.label, path: urlPath, contentType, contentEncoding, status: upstream.status, body: decode(urlPath, contentType, contentEncoding, raw) });
        const out: Record<string, string> = {};
        upstream.headers.forEach((v, k) => {
          if (!['content-length', 'connection', 'transfer-encoding', 'keep-alive'].includes(k)) out[k] = v;
        });
        res.writeHead(upstream.status, out).end(answer);
      })().catch((e) => {
        res.writeHead(502, { 'content-type': 'text/plain' }).end(String(e));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    get target() {
      return state.target;
    },
    set target(t: string) {
      state.target = t;
    },
    get label() {
      return state.label;
    },
    set label(l: string) {
      state.label = l;
    },
    requests,
    save(sdk, meta) {
      const file = path.join(HERE, 'captured', `${sdk}.json`);
      if (fs.existsSync(file) && process.env.LLMTOP_UPDATE_CAPTURES !== '1') return null;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `${JSON.stringify({ sdk, ...meta, requests }, null, 2)}\n`);
      return file;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function decode(urlPath: string, contentType: string, contentEncoding: string | null, raw: Buffer): unknown {
  try {
    const body = contentEncoding === 'gzip' ? zlib.gunzipSync(raw) : raw;
    if (contentType.startsWith('application/json')) return JSON.parse(body.toString('utf8'));
    const type = REQUEST[urlPath];
    if (!type) return { undecoded: body.toString('base64') };
    const obj = type.toObject(type.decode(body), { longs: String, enums: Number, bytes: String, defaults: false, arrays: true });
    return hexIds(obj);
  } catch (e) {
    return { error: String(e), raw: raw.toString('base64') };
  }
}

const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** protobufjs gives bytes as base64; OTLP/JSON writes trace and span ids in hex. */
function hexIds(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(hexIds);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      out[k] = ID_KEYS.has(k) && typeof x === 'string' ? Buffer.from(x, 'base64').toString('hex') : hexIds(x);
    }
    return out;
  }
  return v;
}

/** Installed versions of the packages a capture was made with. */
export function versions(...pkgs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pkgs) {
    try {
      const dir = path.join(HERE, '..', '..', 'node_modules', p, 'package.json');
      out[p] = (JSON.parse(fs.readFileSync(dir, 'utf8')) as { version: string }).version;
    } catch {
      out[p] = 'unknown';
    }
  }
  return out;
}

export interface CapturedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  attributes: Record<string, unknown>;
}

function anyValue(v: any): unknown {
  if (!v || typeof v !== 'object') return v;
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('arrayValue' in v) return (v.arrayValue?.values ?? []).map(anyValue);
  if ('kvlistValue' in v) return Object.fromEntries((v.kvlistValue?.values ?? []).map((kv: any) => [kv.key, anyValue(kv.value)]));
  return undefined;
}

/** The spans captured for one test (by label), with plain attribute values. */
export function capturedSpans(capture: Capture, label = capture.label): CapturedSpan[] {
  const out: CapturedSpan[] = [];
  for (const r of capture.requests) {
    if (r.test !== label || r.path !== '/v1/traces') continue;
    const body = r.body as any;
    for (const rs of body?.resourceSpans ?? []) {
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          out.push({
            name: s.name,
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId ?? '',
            attributes: Object.fromEntries((s.attributes ?? []).map((a: any) => [a.key, anyValue(a.value)])),
          });
        }
      }
    }
  }
  return out;
}
