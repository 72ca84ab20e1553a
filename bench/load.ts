import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';

/*
 * The load generator: OTLP/HTTP trace exports of GenAI chat spans, pre-encoded (protobuf or
 * JSON) once, then sent over keep-alive connections with fresh trace and span ids patched into
 * the encoded bytes before every send, so that no id ever repeats however long the run.
 */

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const root: any = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');
const traceV1 = root.opentelemetry.proto.collector.trace.v1;

export type Encoding = 'protobuf' | 'json';

export const CONTENT_TYPE: Record<Encoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };

type Value = string | number | boolean | string[];

interface SpanModel {
  traceId: Buffer;
  spanId: Buffer;
  name: string;
  startMs: number;
  durationMs: number;
  attributes: Record<string, Value>;
  error: string | null;
}

interface BatchModel {
  resource: Record<string, Value>;
  spans: SpanModel[];
}

const MODELS = [
  { system: 'openai', model: 'gpt-4o-mini', response: 'gpt-4o-mini-2024-07-18', host: 'api.openai.com', inPrice: 0.15, outPrice: 0.6 },
  { system: 'openai', model: 'gpt-4o', response: 'gpt-4o-2024-08-06', host: 'api.openai.com', inPrice: 2.5, outPrice: 10 },
  { system: 'openai', model: 'gpt-4.1-nano', response: 'gpt-4.1-nano-2025-04-14', host: 'api.openai.com', inPrice: 0.1, outPrice: 0.4 },
  { system: 'anthropic', model: 'claude-sonnet-4-20250514', response: 'claude-sonnet-4-20250514', host: 'api.anthropic.com', inPrice: 3, outPrice: 15 },
  { system: 'anthropic', model: 'claude-3-5-haiku-20241022', response: 'claude-3-5-haiku-20241022', host: 'api.anthropic.com', inPrice: 0.8, outPrice: 4 },
  { system: 'gcp.gemini', model: 'gemini-2.5-flash', response: 'gemini-2.5-flash', host: 'generativelanguage.googleapis.com', inPrice: 0.3, outPrice: 2.5 },
  { system: 'mistral_ai', model: 'mistral-small-latest', response: 'mistral-small-2503', host: 'api.mistral.ai', inPrice: 0.1, outPrice: 0.3 },
] as const;

const SERVICES = ['support-bot', 'search-api', 'summarizer', 'code-review-agent'];
const ENVIRONMENTS = ['production', 'staging'];

const PROMPTS = [
  'Summarize the following support ticket in two sentences and tag its urgency: "My invoice for March was charged twice."',
  'Translate to French: "The deployment finished, but two health checks are still failing in eu-west-1."',
  'You are a code reviewer. Point out the bug in: for (let i = 0; i <= items.length; i++) total += items[i].price;',
  'Write a SQL query that returns the ten customers with the highest total order value in 2024.',
  'Classify the sentiment of this review as positive, negative or neutral: "Setup took five minutes, works great."',
  'Extract the company name, amount and due date from: "Acme GmbH, invoice 4471, EUR 1,250.00, due 2025-07-01".',
  'Explain in one paragraph what a write-ahead log is and why databases use one.',
  'Draft a polite reply declining a meeting on Friday and proposing Tuesday morning instead.',
];

const RESPONSES = [
  'The customer was charged twice for the March invoice and asks for a refund of the duplicate charge. Urgency: high.',
  '« Le déploiement est terminé, mais deux contrôles de santé échouent encore dans eu-west-1. »',
  'The loop runs one step too far: `i <= items.length` reads items[items.length], which is undefined. Use `i < items.length`.',
  'SELECT customer_id, SUM(total) AS value FROM orders WHERE order_date >= \'2024-01-01\' AND order_date < \'2025-01-01\' GROUP BY customer_id ORDER BY value DESC LIMIT 10;',
  'positive',
  '{"company": "Acme GmbH", "amount": "EUR 1,250.00", "due": "2025-07-01"}',
  'A write-ahead log records every change before it is applied to the data files, so that after a crash the database can replay or roll back the log and reach a consistent state without scanning everything.',
  'Thank you for the invitation. Unfortunately I am not available on Friday; would Tuesday morning at 10:00 work for you instead?',
];

/** A deterministic pseudo-random sequence, so that every run sends the same traffic. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

function batchModel(index: number, spansPerBatch: number, baseMs: number): BatchModel {
  const r = rng(index * 7919 + 17);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const service = SERVICES[index % SERVICES.length]!;
  const spans: SpanModel[] = [];
  for (let i = 0; i < spansPerBatch; i++) {
    const m = pick(MODELS);
    const stream = r() < 0.5;
    const inputTokens = 50 + Math.floor(r() * 3000);
    const outputTokens = 10 + Math.floor(r() * 800);
    const durationMs = 200 + Math.round(r() * outputTokens * 20);
    const error = r() < 0.02 ? 'RateLimitError' : null;
    const attributes: Record<string, Value> = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': m.system,
      'gen_ai.request.model': m.model,
      'gen_ai.request.temperature': 0.7,
      'gen_ai.request.top_p': 1,
      'gen_ai.request.max_tokens': 1024,
      'gen_ai.request.stream': stream,
      'gen_ai.response.model': m.response,
      'gen_ai.response.id': `resp_${randomBytes(12).toString('hex')}`,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': inputTokens,
      'gen_ai.usage.output_tokens': outputTokens,
      'gen_ai.usage.total_tokens': inputTokens + outputTokens,
      'gen_ai.usage.cost': (inputTokens * m.inPrice + outputTokens * m.outPrice) / 1e6,
      'server.address': m.host,
      'server.port': 443,
      'gen_ai.prompt': pick(PROMPTS),
      'gen_ai.completion': error ? '' : pick(RESPONSES),
    };
    if (stream) attributes['gen_ai.server.time_to_first_token'] = (100 + r() * 900) / 1000;
    if (error) attributes['error.type'] = error;
    spans.push({
      traceId: randomBytes(16),
      spanId: randomBytes(8),
      name: `chat ${m.model}`,
      startMs: baseMs - Math.round(r() * 60_000),
      durationMs,
      attributes,
      error,
    });
  }
  return {
    resource: {
      'service.name': service,
      'service.version': '1.4.2',
      'deployment.environment.name': ENVIRONMENTS[index % 7 === 0 ? 1 : 0]!,
      'telemetry.sdk.name': 'openlit',
      'telemetry.sdk.language': 'python',
      'telemetry.sdk.version': '1.34.0',
      'host.name': `worker-${index % 5}`,
    },
    spans,
  };
}

const SCOPE = { name: 'openlit.otel.tracing', version: '1.34.0' };

function nanosLong(ms: number): { low: number; high: number; unsigned: boolean } {
  const ns = BigInt(Math.round(ms)) * 1_000_000n;
  return { low: Number(ns & 0xffffffffn) | 0, high: Number(ns >> 32n) | 0, unsigned: true };
}

function protoValue(v: Value): Record<string, unknown> {
  if (Array.isArray(v)) return { arrayValue: { values: v.map(protoValue) } };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  return Number.isInteger(v) ? { intValue: v } : { doubleValue: v };
}

function jsonValue(v: Value): Record<string, unknown> {
  if (Array.isArray(v)) return { arrayValue: { values: v.map(jsonValue) } };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

function encodeProtobuf(b: BatchModel): Buffer {
  const attrs = (a: Record<string, Value>) => Object.entries(a).map(([key, value]) => ({ key, value: protoValue(value) }));
  const msg = {
    resourceSpans: [
      {
        resource: { attributes: attrs(b.resource) },
        scopeSpans: [
          {
            scope: SCOPE,
            spans: b.spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              name: s.name,
              kind: 3,
              startTimeUnixNano: nanosLong(s.startMs),
              endTimeUnixNano: nanosLong(s.startMs + s.durationMs),
              attributes: attrs(s.attributes),
              status: s.error ? { code: 2, message: s.error } : { code: 0 },
            })),
          },
        ],
      },
    ],
  };
  return Buffer.from(traceV1.ExportTraceServiceRequest.encode(msg).finish() as Uint8Array);
}

function encodeJson(b: BatchModel): Buffer {
  const attrs = (a: Record<string, Value>) => Object.entries(a).map(([key, value]) => ({ key, value: jsonValue(value) }));
  const ns = (ms: number) => (BigInt(Math.round(ms)) * 1_000_000n).toString();
  const msg = {
    resourceSpans: [
      {
        resource: { attributes: attrs(b.resource) },
        scopeSpans: [
          {
            scope: SCOPE,
            spans: b.spans.map((s) => ({
              traceId: s.traceId.toString('hex'),
              spanId: s.spanId.toString('hex'),
              name: s.name,
              kind: 3,
              startTimeUnixNano: ns(s.startMs),
              endTimeUnixNano: ns(s.startMs + s.durationMs),
              attributes: attrs(s.attributes),
              status: s.error ? { code: 2, message: s.error } : {},
            })),
          },
        ],
      },
    ],
  };
  return Buffer.from(JSON.stringify(msg));
}

/** Where each span's ids sit in an encoded batch. */
interface Template {
  body: Buffer;
  spans: number;
  traceOffsets: number[];
  spanOffsets: number[];
}

function offsetOf(body: Buffer, needle: Buffer | string): number {
  const at = body.indexOf(needle);
  if (at < 0 || body.indexOf(needle, at + 1) >= 0) throw new Error('bench: an id sentinel is missing or repeated in an encoded batch');
  return at;
}

function template(b: BatchModel, encoding: Encoding): Template {
  const body = encoding === 'protobuf' ? encodeProtobuf(b) : encodeJson(b);
  const asText = encoding === 'json';
  return {
    body,
    spans: b.spans.length,
    traceOffsets: b.spans.map((s) => offsetOf(body, asText ? s.traceId.toString('hex') : s.traceId)),
    spanOffsets: b.spans.map((s) => offsetOf(body, asText ? s.spanId.toString('hex') : s.spanId)),
  };
}

/** Distinct pre-encoded batches, cycled through by the load generator. */
export interface Traffic {
  encoding: Encoding;
  templates: Template[];
  spansPerBatch: number;
  /** Mean body size, bytes. */
  meanBytes: number;
}

export function makeTraffic(encoding: Encoding, opts: { batches: number; spansPerBatch: number; baseMs?: number }): Traffic {
  const baseMs = opts.baseMs ?? Date.now();
  const templates: Template[] = [];
  for (let i = 0; i < opts.batches; i++) templates.push(template(batchModel(i, opts.spansPerBatch, baseMs), encoding));
  const meanBytes = templates.reduce((n, t) => n + t.body.length, 0) / templates.length;
  return { encoding, templates, spansPerBatch: opts.spansPerBatch, meanBytes };
}

/**
 * Hands out span numbers; span id = the number, trace id = 16 random bytes, as SDKs make them
 * (W3C trace context): call ids then land anywhere in the store's id index, as in real use, not
 * one after another at its end.
 */
export class IdSource {
  private next = 1;

  get issued(): number {
    return this.next - 1;
  }

  /** Writes fresh ids into a copy of a template's body. */
  patch(t: Template, body: Buffer, encoding: Encoding): void {
    const traceIds = randomBytes(16 * t.spans);
    for (let i = 0; i < t.spans; i++) {
      const n = this.next++;
      const hi = Math.floor(n / 0x1_0000_0000);
      const lo = n >>> 0;
      const tOff = t.traceOffsets[i]!;
      const sOff = t.spanOffsets[i]!;
      if (encoding === 'protobuf') {
        traceIds.copy(body, tOff, 16 * i, 16 * i + 16);
        body.writeUInt32BE(hi, sOff);
        body.writeUInt32BE(lo, sOff + 4);
      } else {
        body.write(traceIds.toString('hex', 16 * i, 16 * i + 16), tOff, 'latin1');
        body.write(hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0'), sOff, 'latin1');
      }
    }
  }
}

export interface LoadOptions {
  port: number;
  traffic: Traffic;
  ids: IdSource;
  concurrency: number;
  /** Stop sending new batches after this long... */
  durationMs: number;
  /** ...or after this many spans were acknowledged, whichever comes first. */
  maxSpans?: number;
}

export interface LoadResult {
  elapsedMs: number;
  requests: number;
  /** Spans in requests answered 200. */
  ackedSpans: number;
  /** Spans the server said it rejected in a 200's partial_success. */
  partialRejected: number;
  refused429: number;
  refused503: number;
  /** Other HTTP statuses, by code. */
  otherStatus: Record<number, number>;
  networkErrors: number;
  /** Client-observed latency of each 200, milliseconds. */
  latenciesMs: number[];
}

interface Answer {
  status: number;
  retryAfter: number;
  body: Buffer;
}

function post(agent: http.Agent, port: number, contentType: string, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/traces',
        headers: { 'Content-Type': contentType, 'Content-Length': body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, retryAfter: Number(res.headers['retry-after'] ?? 1), body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function partialRejected(encoding: Encoding, body: Buffer): number {
  if (body.length === 0) return 0;
  if (encoding === 'protobuf') {
    const msg = traceV1.ExportTraceServiceResponse.decode(body);
    return Number(msg.partialSuccess?.rejectedSpans ?? 0);
  }
  const msg = JSON.parse(body.toString('utf8')) as { partialSuccess?: { rejectedSpans?: string | number } };
  return Number(msg.partialSuccess?.rejectedSpans ?? 0);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `concurrency` workers, each with one request in flight at a time over a shared keep-alive
 * agent. A 429 or 503 is retried with the same body after Retry-After (capped at 1 s), as the
 * OpenTelemetry exporters do; the refusal is counted.
 */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency, keepAliveMsecs: 10_000 });
  const contentType = CONTENT_TYPE[o.traffic.encoding];
  const result: LoadResult = {
    elapsedMs: 0,
    requests: 0,
    ackedSpans: 0,
    partialRejected: 0,
    refused429: 0,
    refused503: 0,
    otherStatus: {},
    networkErrors: 0,
    latenciesMs: [],
  };
  const templates = o.traffic.templates;
  let nextTemplate = 0;
  let spansInFlight = 0;
  const started = performance.now();
  const deadline = started + o.durationMs;
  const more = () =>
    performance.now() < deadline && (o.maxSpans === undefined || result.ackedSpans + spansInFlight < o.maxSpans);

  const worker = async () => {
    // Each worker sends from its own copies, so patching never touches a body still being written.
    const copies = templates.map((t) => Buffer.from(t.body));
    while (more()) {
      const i = nextTemplate++ % templates.length;
      const t = templates[i]!;
      const body = copies[i]!;
      o.ids.patch(t, body, o.traffic.encoding);
      spansInFlight += t.spans;
      try {
        for (let attempt = 0; ; attempt++) {
          const t0 = performance.now();
          let a: Answer;
          try {
            a = await post(agent, o.port, contentType, body);
          } catch {
            result.networkErrors++;
            break;
          }
          result.requests++;
          if (a.status === 200) {
            result.latenciesMs.push(performance.now() - t0);
            result.ackedSpans += t.spans;
            result.partialRejected += partialRejected(o.traffic.encoding, a.body);
            break;
          }
          if (a.status === 429 || a.status === 503) {
            if (a.status === 429) result.refused429++;
            else result.refused503++;
            if (attempt >= 20) break;
            await sleep(Math.min(1000, Math.max(10, (Number.isFinite(a.retryAfter) ? a.retryAfter : 1) * 1000)));
            continue;
          }
          result.otherStatus[a.status] = (result.otherStatus[a.status] ?? 0) + 1;
          break;
        }
      } finally {
        spansInFlight -= t.spans;
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, () => worker()));
  result.elapsedMs = performance.now() - started;
  agent.destroy();
  return result;
}
