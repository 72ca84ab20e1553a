import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { ProtobufLogsSerializer, ProtobufMetricsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { AggregationType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import protobuf from 'protobufjs/minimal.js';
import { assert, beforeAll, describe, expect, it } from 'vitest';
import { IdSource, makeTraffic } from '../../bench/load.js';
import { DecodeError, type Decoded } from '../../src/receiver/encoding/index.js';
import { decodeProtobuf } from '../../src/receiver/encoding/protobuf.js';
import { decodeProtobufReference } from '../../src/receiver/encoding/protobuf-reference.js';
import type { Signal } from '../../src/otlp/request.js';
import { SIGNALS, checkDecoded, corpus, encodeProto, iterations, lenField, mutateJson, mutateNumbers, mutateProto, randomProto, seeded, spanJson, TRACE_ID } from '../fuzz/kit.js';
import { oddity } from './otlp-wire.js';

/*
 * The protobuf decoder (protobuf.ts, protobufjs's Reader straight into the decoded shape)
 * against the reference it replaced (protobuf-reference.ts, the generated decode() then a walk):
 * on every real payload at hand, and on every random or mutated body that protobuf's rules and
 * protobufjs's read alike (otlp-wire.ts), both give the same request, item for item, down to
 * key order and prototypes, or both throw a DecodeError. Bodies outside those rules must still
 * decode to a well-formed request or throw a DecodeError, and malformed ones throw.
 */

interface Body {
  name: string;
  signal: Signal;
  body: Uint8Array;
}

type Outcome = { decoded: Decoded } | { error: DecodeError };

function run(decode: (s: Signal, b: Uint8Array) => Decoded, signal: Signal, body: Uint8Array): Outcome {
  try {
    return { decoded: decode(signal, body) };
  } catch (error) {
    if (error instanceof DecodeError) return { error };
    throw error;
  }
}

/**
 * A value as text that keeps what deep equality may not: key order, prototypes, bigints, -0,
 * NaN. An attribute without a key is "null" to the reference (the generated messages default
 * to null) and "" to the new decoder, as to the JSON decoder: both are shown as "".
 */
function show(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (Array.isArray(v)) return `[${v.map(show).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const attrs = Object.getPrototypeOf(v) === null;
    const entries = Object.keys(v).map((k) => `${JSON.stringify(attrs && k === 'null' ? '' : k)}:${show((v as Record<string, unknown>)[k])}`);
    return `${attrs ? 'null-proto' : v.constructor.name}{${entries.join(',')}}`;
  }
  return JSON.stringify(v) ?? String(v);
}

/**
 * The reference names a span without a name "null" in its reason (the generated messages'
 * defaults are null): the new decoder says "", as the JSON decoder does.
 */
const unnamed = (reason: string) => reason.replace(/^span "null" /, 'span "" ');

function showOutcome(o: Outcome): string {
  return 'error' in o ? `DecodeError` : show({ ...o.decoded, rejectReason: unnamed(o.decoded.rejectReason) });
}

/** Where two texts first differ, with some context. */
function firstDifference(x: string, y: string): string {
  let i = 0;
  while (i < x.length && x[i] === y[i]) i++;
  const from = Math.max(0, i - 300);
  return `at character ${i}\nreference: …${x.slice(from, i + 300)}\nnew:       …${y.slice(from, i + 300)}`;
}

/** Both decoders on one body that both must read alike. */
function expectSame(b: Body): Outcome {
  const ref = run(decodeProtobufReference, b.signal, b.body);
  const neu = run(decodeProtobuf, b.signal, b.body);
  const [x, y] = [showOutcome(ref), showOutcome(neu)];
  if (x !== y) assert.fail(`${b.name}: the decoders differ ${firstDifference(x, y)}`);
  return neu;
}

const here = path.dirname(fileURLToPath(import.meta.url));

function specExamples(): Body[] {
  const dir = path.join(here, 'fixtures/otlp-spec-examples');
  const signals: Record<string, Signal> = { resourceSpans: 'traces', resourceLogs: 'logs', resourceMetrics: 'metrics' };
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      const json = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Record<string, unknown>;
      const signal = signals[Object.keys(json)[0]!]!;
      return { name: `spec example ${f}`, signal, body: encodeProto(signal, json) };
    });
}

function benchBodies(): Body[] {
  const traffic = makeTraffic('protobuf', { batches: 8, spansPerBatch: 100 });
  const ids = new IdSource();
  return traffic.templates.map((t, i) => {
    const body = Buffer.from(t.body);
    ids.patch(t, body, 'protobuf');
    return { name: `bench batch #${i}`, signal: 'traces' as const, body };
  });
}

/** Payloads as the OpenTelemetry JS SDK writes them: its protobuf serializers, on spans, logs and metrics made by its providers. */
async function sdkBodies(): Promise<Body[]> {
  const resource = resourceFromAttributes({ 'service.name': 'differential', 'deployment.environment': 'test', 'host.cores': 2, 'feature.on': true });
  const spans = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(spans)] }).getTracer('diff-tracer', '2.1.0');
  const t0 = Date.now() - 60_000;
  const root = tracer.startSpan('invoke_agent', { kind: SpanKind.INTERNAL, startTime: t0, attributes: { 'gen_ai.operation.name': 'invoke_agent' } });
  const ctx = trace.setSpan(ROOT_CONTEXT, root);
  for (let i = 0; i < 4; i++) {
    const s = tracer.startSpan(
      `chat gpt-4o-mini #${i}`,
      {
        kind: SpanKind.CLIENT,
        startTime: t0 + i * 100,
        attributes: {
          'gen_ai.system': 'openai',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.usage.input_tokens': 100 + i,
          'gen_ai.usage.output_tokens': -i, // negative: a 10-byte varint
          'gen_ai.request.temperature': 0.25 * i,
          'gen_ai.request.stream': i % 2 === 0,
          'gen_ai.request.stop_sequences': ['\n\n', 'END'],
          'gen_ai.request.seeds': [1, 2, 2 ** 40],
          'gen_ai.request.flags': [true, false],
          'gen_ai.prompt': 'héllo 😀 \u0000 wörld',
          ['__proto__']: 'kept as a key',
        },
        links: [{ context: root.spanContext(), attributes: { 'link.kind': 'parent-ish' } }],
      },
      ctx,
    );
    s.addEvent('gen_ai.content.prompt', { 'gen_ai.prompt': `prompt ${i}` }, t0 + i * 100 + 5);
    s.addEvent('gen_ai.choice', { index: i, finish_reason: 'stop' }, t0 + i * 100 + 50);
    if (i === 3) s.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited (429)' });
    else s.setStatus({ code: SpanStatusCode.OK });
    s.end(t0 + i * 100 + 90);
  }
  root.end(t0 + 1000);

  const logs = new InMemoryLogRecordExporter();
  const logger = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor(logs)] }).getLogger('diff-logger', '1.0.0');
  const bodies: unknown[] = ['plain text', 42, 1.5, true, ['a', 1, false], { role: 'user', content: [{ type: 'text', text: 'hi' }] }, new Uint8Array([0, 1, 2, 250]), undefined];
  bodies.forEach((body, i) =>
    logger.emit({
      body: body as string,
      eventName: i % 2 ? 'gen_ai.user.message' : '',
      severityNumber: SeverityNumber.INFO,
      severityText: 'INFO',
      timestamp: t0 + i,
      attributes: { 'event.name': 'claude_code.api_request', duration_ms: 1234 + i, cost_usd: 0.0012, model: 'claude-sonnet-4' },
      context: i % 3 === 0 ? ctx : ROOT_CONTEXT,
    }),
  );

  class Collect extends MetricReader {
    protected override async onForceFlush(): Promise<void> {}
    protected override async onShutdown(): Promise<void> {}
  }
  const reader = new Collect();
  const meter = new MeterProvider({
    resource,
    readers: [reader],
    views: [{ instrumentName: 'exp.histogram', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
  }).getMeter('diff-meter', '3.0.0');
  const tokens = meter.createCounter('gen_ai.client.token.usage', { unit: '{token}' });
  const duration = meter.createHistogram('gen_ai.client.operation.duration', { unit: 's' });
  const inFlight = meter.createUpDownCounter('in.flight');
  const gauge = meter.createGauge('queue.depth');
  const exp = meter.createHistogram('exp.histogram');
  for (let i = 0; i < 5; i++) {
    tokens.add(100 * i, { 'gen_ai.token.type': i % 2 ? 'input' : 'output', 'gen_ai.request.model': 'gpt-4o' });
    duration.record(0.1 * i + 0.05, { 'gen_ai.request.model': 'gpt-4o' });
    inFlight.add(i % 2 ? 1 : -1);
    gauge.record(i * 1.5);
    exp.record(i + 0.5);
  }
  const { resourceMetrics } = await reader.collect();

  return [
    { name: 'SDK traces', signal: 'traces', body: ProtobufTraceSerializer.serializeRequest(spans.getFinishedSpans())! },
    { name: 'SDK logs', signal: 'logs', body: ProtobufLogsSerializer.serializeRequest(logs.getFinishedLogRecords())! },
    { name: 'SDK metrics', signal: 'metrics', body: ProtobufMetricsSerializer.serializeRequest(resourceMetrics)! },
  ];
}

// ---------------------------------------------------------------- hand-made bodies

/** A varint of a 64-bit value (negative: two's complement), padded to `width` bytes when given. */
function varintOf(v: bigint, width = 0): Buffer {
  let u = BigInt.asUintN(64, v);
  const out: number[] = [];
  do {
    out.push(Number(u & 0x7fn) | 0x80);
    u >>= 7n;
  } while (u > 0n || out.length < width);
  out[out.length - 1]! &= 0x7f;
  return Buffer.from(out);
}

const tagOf = (field: number, wire: number) => varintOf(BigInt((field << 3) | wire));
const ld = (field: number, ...parts: Uint8Array[]) => lenField(field, Buffer.concat(parts));
const str = (field: number, s: string) => lenField(field, Buffer.from(s));
const vint = (field: number, v: bigint | number, width = 0) => Buffer.concat([tagOf(field, 0), varintOf(BigInt(v), width)]);
const f64 = (field: number, v: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt.asUintN(64, v));
  return Buffer.concat([tagOf(field, 1), b]);
};
const dbl = (field: number, v: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(v);
  return Buffer.concat([tagOf(field, 1), b]);
};

const NOW_NS = BigInt(Date.now()) * 1_000_000n;
const SPAN_ID = Buffer.from('0123456789abcdef', 'hex');
const TID = Buffer.from(TRACE_ID, 'hex');

const kv = (key: string, ...value: Uint8Array[]) => ld(1, str(1, key), ...(value.length ? [ld(2, ...value)] : []));
const attr = (field: number, key: string, ...value: Uint8Array[]) => ld(field, str(1, key), ...(value.length ? [ld(2, ...value)] : []));
/** A span: ids, name, times, then whatever fields are given. */
const spanBytes = (...fields: Uint8Array[]) => Buffer.concat([ld(1, TID), ld(2, SPAN_ID), str(5, 'chat'), vint(6, 3), f64(7, NOW_NS), f64(8, NOW_NS + 1_000_000n), ...fields]);
const traces = (...spanFields: Uint8Array[]) => ld(1, ld(1, kv('service.name', str(1, 'svc'))), ld(2, ld(1, str(1, 'scope'), str(2, '1.0')), ld(2, spanBytes(...spanFields))));
/** ExportLogsServiceRequest and ExportMetricsServiceRequest around log records, or metrics, each given as ld(2, …fields). */
const logs = (...records: Uint8Array[]) => ld(1, ld(2, ...records));
const metrics = (...items: Uint8Array[]) => ld(1, ld(2, ...items));

/** An AnyValue holding `leaf` (a string) inside `levels` arrays (or kvlists). */
function nested(levels: number, kind: 'array' | 'kvlist', leaf: Buffer = str(1, 'x')): Buffer {
  let v = leaf;
  for (let i = 0; i < levels; i++) v = kind === 'array' ? ld(5, ld(1, v)) : ld(6, ld(1, str(1, 'k'), ld(2, v)));
  return v;
}

/** Bodies on which the reference and protobuf agree: the new decoder must give exactly the reference's answer. */
const EDGE: Body[] = [
  { name: 'empty body', signal: 'traces', body: Buffer.alloc(0) },
  { name: 'empty body (logs)', signal: 'logs', body: Buffer.alloc(0) },
  { name: 'empty body (metrics)', signal: 'metrics', body: Buffer.alloc(0) },
  { name: 'empty messages all the way down', signal: 'traces', body: ld(1, ld(1), ld(2, ld(1), ld(2))) },
  { name: 'a span without ids', signal: 'traces', body: ld(1, ld(2, ld(2, str(5, 'no ids')))) },
  { name: 'a 15-byte trace id', signal: 'traces', body: ld(1, ld(2, ld(2, ld(1, TID.subarray(1)), ld(2, SPAN_ID), str(5, 'short')))) },
  { name: 'a 9-byte span id, then a good span', signal: 'traces', body: ld(1, ld(2, ld(2, ld(1, TID), ld(2, Buffer.concat([SPAN_ID, Buffer.from([1])])), str(5, 'long')), ld(2, spanBytes()))) },
  { name: 'an empty parent id and a 3-byte one', signal: 'traces', body: ld(1, ld(2, ld(2, spanBytes(ld(4))), ld(2, spanBytes(ld(4, Buffer.from([1, 2, 3])))))) },
  { name: 'a start time past 2262', signal: 'traces', body: ld(1, ld(2, ld(2, spanBytes(f64(7, 2n ** 63n))))) },
  { name: 'an end time of 2^64 - 1', signal: 'traces', body: ld(1, ld(2, ld(2, spanBytes(f64(8, -1n))))) },
  { name: 'a time of 2^63 - 1', signal: 'traces', body: traces(f64(7, 2n ** 63n - 1n)) },
  { name: 'every AnyValue type', signal: 'traces', body: traces(attr(9, 's', str(1, 'v')), attr(9, 'b', vint(2, 1)), attr(9, 'f', vint(2, 0)), attr(9, 'b300', vint(2, 300)), attr(9, 'i', vint(3, -5n)), attr(9, 'max', vint(3, 2n ** 63n - 1n)), attr(9, 'min', vint(3, -(2n ** 63n))), attr(9, 'big', vint(3, 2n ** 53n + 1n)), attr(9, 'd', dbl(4, -0)), attr(9, 'nan', dbl(4, NaN)), attr(9, 'inf', dbl(4, -Infinity)), attr(9, 'bytes', ld(7, Buffer.from([0, 255, 7]))), attr(9, 'nobytes', ld(7)), attr(9, 'empty'), attr(9, 'emptyvalue', Buffer.alloc(0)), attr(9, 'arr', ld(5, ld(1, str(1, 'a')), ld(1), ld(1, vint(3, 7)))), attr(9, 'kvl', ld(6, kv('x', str(1, '1')), kv('y'), kv('x', str(1, '2'))))) },
  { name: 'keys "__proto__", "constructor" and "" and a repeated key', signal: 'traces', body: traces(attr(9, '__proto__', ld(6, kv('gen_ai.usage.cost', dbl(4, 99)))), attr(9, 'constructor', str(1, 'c')), attr(9, '', str(1, 'blank')), attr(9, 'dup', str(1, 'first')), attr(9, 'other', str(1, 'o')), attr(9, 'dup', str(1, 'last'))) },
  {
    // The decoder finds attribute keys it has seen by their bytes (ASCII, up to 64 bytes).
    name: 'keys: two with the same FNV-1a hash, non-ASCII, invalid UTF-8, over 64 bytes, each in two spans',
    signal: 'traces',
    body: ((keys: Buffer[]) => {
      const attrs = (n: number) => keys.map((k, i) => ld(9, ld(1, k), ld(2, vint(3, 10 * n + i))));
      return ld(1, ld(2, ld(2, spanBytes(...attrs(1))), ld(2, spanBytes(...attrs(2)))));
    })([Buffer.from('costarring'), Buffer.from('liquid'), Buffer.from('clé'), Buffer.from([0x6b, 0xff, 0xc0]), Buffer.from([0x6b, 0xed, 0xa0, 0x80]), Buffer.from('x'.repeat(64)), Buffer.from('x'.repeat(65)), Buffer.from('costarring')]),
  },
  { name: 'a scalar field repeated: the last wins', signal: 'traces', body: traces(str(5, 'renamed'), vint(6, 2), f64(8, NOW_NS + 5n), ld(1, Buffer.from(TRACE_ID.replace('0', 'f'), 'hex'))) },
  { name: 'a string value repeated in one AnyValue', signal: 'traces', body: traces(attr(9, 'k', str(1, 'one'), str(1, 'two'))) },
  { name: 'events, status and skipped fields (trace_state, links, dropped counts, flags)', signal: 'traces', body: traces(str(3, 'k=v'), ld(11, f64(1, NOW_NS), str(2, 'gen_ai.choice'), attr(3, 'index', vint(3, 0)), vint(4, 3)), ld(11), vint(10, 5), vint(12, 6), ld(13, ld(1, TID), ld(2, SPAN_ID), attr(4, 'l', str(1, 'v'))), vint(14, 1), ld(15, str(2, 'boom'), vint(3, 2)), Buffer.concat([tagOf(16, 5), Buffer.alloc(4, 1)])) },
  { name: 'unknown fields of every wire type', signal: 'traces', body: traces(vint(99, 5), f64(100, 7n), ld(101, Buffer.from('junk')), Buffer.concat([tagOf(102, 5), Buffer.alloc(4)]), vint(1000000, 2n ** 63n)) },
  { name: 'a negative kind (a 10-byte varint)', signal: 'traces', body: traces(vint(6, -1n)) },
  { name: 'nesting 64 deep (arrays)', signal: 'traces', body: traces(attr(9, 'deep', nested(64, 'array'))) },
  { name: 'nesting 64 deep (kvlists)', signal: 'traces', body: traces(attr(9, 'deep', nested(64, 'kvlist'))) },
  { name: 'nesting 65 deep: refused', signal: 'traces', body: traces(attr(9, 'deep', nested(65, 'array'))) },
  { name: 'nesting 65 deep in an event: refused', signal: 'traces', body: traces(ld(11, str(2, 'e'), attr(3, 'deep', nested(65, 'kvlist')))) },
  { name: 'nesting 200 deep in the resource: refused', signal: 'traces', body: ld(1, ld(1, kv('deep', nested(200, 'array')))) },
  { name: 'nesting 65 deep in a span refused for its ids: only the span is refused', signal: 'traces', body: ld(1, ld(2, ld(2, attr(9, 'deep', nested(65, 'array')), ld(1, TID.subarray(2))), ld(2, spanBytes()))) },
  { name: 'nesting 150 deep in a span past 2262, then a good span', signal: 'traces', body: ld(1, ld(2, ld(2, spanBytes(attr(9, 'deep', nested(150, 'kvlist')), f64(8, -1n))), ld(2, spanBytes()))) },
  { name: 'an empty AnyValue and a missing one: null', signal: 'traces', body: traces(attr(9, 'a', Buffer.alloc(0)), attr(9, 'b')) },
  { name: 'an empty AnyValue 65 deep: refused', signal: 'traces', body: traces(attr(9, 'a', nested(65, 'array', Buffer.alloc(0)))) },
  { name: 'an empty array 64 deep: kept', signal: 'traces', body: traces(attr(9, 'a', nested(64, 'array', ld(5)))) },
  { name: 'log records: bodies, severity, ids, event name', signal: 'logs', body: logs(ld(2, f64(1, NOW_NS), f64(11, NOW_NS + 1n), vint(2, 9), str(3, 'INFO'), ld(5, ld(6, kv('content', str(1, 'hi')))), attr(6, 'event.name', str(1, 'x')), vint(7, 1), Buffer.concat([tagOf(8, 5), Buffer.alloc(4)]), ld(9, TID), ld(10, SPAN_ID), str(12, 'gen_ai.user.message'))) },
  { name: 'log records: an empty one, bad ids, a time past 2262, a deep body in a refused record', signal: 'logs', body: logs(ld(2), ld(2, ld(9, TID.subarray(3))), ld(2, ld(10, TID)), ld(2, f64(11, -1n)), ld(2, ld(5, nested(100, 'array')), ld(10, Buffer.from([1])))) },
  { name: 'a log body 65 deep', signal: 'logs', body: logs(ld(2, ld(5, nested(65, 'array')))) },
  { name: 'a negative severity', signal: 'logs', body: logs(ld(2, vint(2, -3n))) },
  { name: 'metrics: gauge, sum, histogram (packed and not), summary, exponential histogram, none', signal: 'metrics', body: metrics(
    ld(2, str(1, 'g'), str(2, 'description'), str(3, 'ms'), ld(5, ld(1, f64(2, 1n), f64(3, NOW_NS), dbl(4, 2.5), attr(7, 'a', str(1, 'b')), vint(8, 1)), ld(1, Buffer.concat([tagOf(6, 1), Buffer.alloc(8, 0xff)])), ld(1))),
    ld(2, str(1, 's'), ld(7, vint(2, 2), vint(3, 2), ld(1, f64(3, NOW_NS), Buffer.concat([tagOf(6, 1), Buffer.alloc(8, 0xfe)])))),
    ld(2, str(1, 'h'), ld(9, vint(2, 1), ld(1, f64(4, 2n ** 60n + 1n), dbl(5, 0.5), ld(6, Buffer.alloc(16, 1)), f64(6, 3n), ld(7, Buffer.alloc(8)), dbl(7, 1.5), attr(9, 'm', str(1, 'gpt')), dbl(11, 0), dbl(12, 9)), ld(1, f64(4, -1n)))),
    ld(2, str(1, 'summary'), ld(11, ld(1, dbl(5, 1), ld(6, dbl(1, 0.5), dbl(2, 3))))),
    ld(2, str(1, 'exp'), ld(10, ld(1, vint(6, 3), ld(8, vint(1, 1), ld(2, varintOf(5n), varintOf(2n ** 40n)))))),
    ld(2, str(1, 'nothing'), attr(12, 'meta', str(1, 'data'))),
  ) },
  { name: 'a histogram point without sum, and a sum without temporality', signal: 'metrics', body: metrics(ld(2, ld(9, ld(1, f64(4, 3n)))), ld(2, ld(7, ld(1)))) },
  { name: 'a metric point 65 deep: refused', signal: 'metrics', body: metrics(ld(2, ld(5, ld(1, attr(7, 'deep', nested(65, 'array')))))) },
  { name: 'an exponential histogram point 65 deep: not read', signal: 'metrics', body: metrics(ld(2, ld(10, ld(1, attr(1, 'deep', nested(65, 'array')))))) },
  { name: 'logs read as metrics', signal: 'metrics', body: logs(ld(2, str(3, 'x'))) },
];

/** Bodies where the reference strays from protobuf's rules: protobuf's answer, and the reference's for the record. */
const PROTOBUF_RULES: { name: string; signal: Signal; body: Uint8Array; check: (d: Decoded, ref: Outcome) => void }[] = [];

function firstSpan(d: Decoded): Record<string, unknown> {
  return d.request.resources[0]!.scopes[0]!.items[0] as unknown as Record<string, unknown>;
}

let realBodies: Body[] = [];

beforeAll(async () => {
  realBodies = [
    ...corpus().map((s) => ({ name: s.name, signal: s.signal, body: s.proto })),
    ...specExamples(),
    ...benchBodies(),
    ...(await sdkBodies()),
  ];
});

describe('the same request from both decoders', () => {
  it('every real payload: fixtures, SDK captures, the spec examples, the bench batches, the JS SDK serializers', () => {
    expect(realBodies.length).toBeGreaterThan(200);
    for (const b of realBodies) {
      expect(oddity(b.signal, b.body), b.name).toBeNull();
      const o = expectSame(b);
      expect('decoded' in o, b.name).toBe(true);
    }
    const sdk = realBodies.filter((b) => b.name.startsWith('SDK'));
    expect(sdk.map((b) => b.name)).toEqual(['SDK traces', 'SDK logs', 'SDK metrics']);
  });

  it('the same bytes as a Uint8Array rather than a Buffer (strings through protobufjs, not Node)', () => {
    for (const b of realBodies.slice(0, 60)) expectSame({ ...b, body: new Uint8Array(b.body) });
  });

  it.each(EDGE.map((b) => [b.name, b] as const))('%s', (_, b) => {
    expect(oddity(b.signal, b.body), b.name).toBeNull();
    expectSame(b);
    expectSame({ ...b, body: new Uint8Array(b.body) });
  });

  it('the nesting limit: the same DecodeError, word for word', () => {
    const body = traces(attr(9, 'deep', nested(65, 'kvlist')));
    const messages = [decodeProtobufReference, decodeProtobuf].map((d) => {
      try {
        d('traces', body);
        return 'no error';
      } catch (err) {
        return `${(err as Error).constructor.name}: ${(err as Error).message}`;
      }
    });
    expect(messages[1]).toBe(messages[0]);
    expect(messages[1]).toBe('DecodeError: an attribute value is nested deeper than 64 levels');
  });
});

// ---------------------------------------------------------------- random and mutated bodies

interface Tally {
  compared: number;
  decodedAlike: number;
  odd: number;
  oddAlike: number;
  /** Of the odd ones: refused by the new decoder only (stricter), by the reference only (it reads what the new one skips), decoded by both but differently. */
  oddNewRefuses: number;
  oddRefRefuses: number;
  oddDiffer: number;
}

/**
 * One body: compared when the rules say both must agree; otherwise the new decoder must still
 * throw a DecodeError or give a request that keeps the decoded shape's promises.
 */
function differential(t: Tally, signal: Signal, body: Uint8Array, what: () => string): void {
  const odd = oddity(signal, body);
  if (odd === null) {
    t.compared++;
    const o = expectSame({ name: what(), signal, body });
    if ('decoded' in o) t.decodedAlike++;
    return;
  }
  t.odd++;
  const neu = run(decodeProtobuf, signal, body);
  if ('decoded' in neu) {
    const problem = checkDecoded(signal, neu.decoded);
    if (problem) assert.fail(`${what()} (${odd}): ${problem}`);
  }
  const ref = run(decodeProtobufReference, signal, body);
  if (showOutcome(neu) === showOutcome(ref)) t.oddAlike++;
  else if ('error' in neu) t.oddNewRefuses++;
  else if ('error' in ref) t.oddRefRefuses++;
  else t.oddDiffer++;
}

function newTally(): Tally {
  return { compared: 0, decodedAlike: 0, odd: 0, oddAlike: 0, oddNewRefuses: 0, oddRefRefuses: 0, oddDiffer: 0 };
}

function report(label: string, t: Tally): void {
  console.info(
    `${label}: ${t.compared} bodies compared (${t.decodedAlike} decoded alike, the rest DecodeError in both); ${t.odd} outside the shared rules: ` +
      `${t.oddAlike} alike anyway, ${t.oddNewRefuses} refused by the new decoder only, ${t.oddRefRefuses} by the reference only, ${t.oddDiffer} decoded differently`,
  );
}

describe('random and mutated bodies (the fuzz kit)', () => {
  it.each(SIGNALS)('%s: random bytes and random tag streams', (signal) => {
    const r = seeded(0xd1ff0000 + SIGNALS.indexOf(signal));
    const t = newTally();
    for (let i = 0; i < iterations(1500); i++) {
      const body = r.bytes(r.range(0, r.bool(0.9) ? 64 : 1024));
      differential(t, signal, body, () => `random bytes #${i} ${body.toString('hex').slice(0, 200)}`);
    }
    for (let i = 0; i < iterations(1500); i++) {
      const body = randomProto(r);
      differential(t, signal, body, () => `random tags #${i} ${body.toString('hex').slice(0, 200)}`);
    }
    report(`random ${signal}`, t);
    expect(t.compared).toBeGreaterThan(100);
  });

  it('bit flips, truncations, splices, varint junk, concatenations of real payloads', () => {
    const r = seeded(0xd1ffb175);
    const t = newTally();
    // The bodies whose bytes are the same on every run (the bench's and the SDK's carry fresh ids and times).
    const bodies = [...corpus().map((s) => ({ name: s.name, signal: s.signal, body: s.proto })), ...specExamples()];
    for (let i = 0; i < iterations(4000); i++) {
      const b = r.pick(bodies);
      const same = bodies.filter((x) => x.signal === b.signal).map((x) => x.body);
      const { body, ops } = mutateProto(r, b.body, r.bool(0.8) ? same : bodies.map((x) => x.body));
      const signal = r.bool(0.1) ? r.pick(SIGNALS) : b.signal;
      differential(t, signal, body, () => `#${i} ${b.name} as ${signal}: ${ops.join(', ')}`);
    }
    report('mutated protobuf', t);
    // Bit flips in strings, ids and numbers, invalid UTF-8 and concatenations stay well formed: those are compared.
    expect(t.compared).toBeGreaterThan(250);
  });

  it('mutated JSON trees and weird numbers, encoded by the generated code', () => {
    const r = seeded(0xd1ff150);
    const t = newTally();
    const samples = corpus();
    for (let i = 0; i < iterations(2000); i++) {
      const s = r.pick(samples);
      const { body: json, ops } = r.bool() ? mutateJson(r, s.json) : mutateNumbers(r, s.json, 0.3);
      let body: Uint8Array;
      try {
        body = encodeProto(s.signal, json, true);
      } catch {
        continue; // fromObject refused the shape
      }
      differential(t, s.signal, body, () => `#${i} ${s.name}: ${ops.join(', ')}`);
    }
    report('re-encoded mutated JSON', t);
    expect(t.compared).toBeGreaterThan(500);
  });
});

// ---------------------------------------------------------------- malformed bodies

function expectDecodeError(signal: Signal, body: Uint8Array, what: string): DecodeError {
  const o = run(decodeProtobuf, signal, body);
  if (!('error' in o)) assert.fail(`${what}: decoded, to ${show(o.decoded).slice(0, 500)}`);
  expect(o.error.message, what).toMatch(new RegExp(`^cannot decode ${signal} protobuf: .+`));
  return o.error;
}

/** Where the top-level fields of a body end: a body cut there is a shorter request, not a malformed one. */
function topLevelEnds(body: Uint8Array): Set<number> {
  const r = protobuf.Reader.create(body);
  const ends = new Set([0]);
  while (r.pos < r.len) {
    r.skipType(r.uint32() & 7);
    ends.add(r.pos);
  }
  return ends;
}

describe('malformed bodies are a DecodeError that says where', () => {
  it('every real payload cut short anywhere but between its top-level fields', () => {
    let cuts = 0;
    for (const b of realBodies) {
      const ends = topLevelEnds(b.body);
      const step = Math.max(1, Math.floor(b.body.length / 300));
      for (let n = 1; n < b.body.length; n += step) {
        if (ends.has(n)) continue;
        cuts++;
        expectDecodeError(b.signal, b.body.subarray(0, n), `${b.name} cut at ${n} of ${b.body.length}`);
      }
    }
    expect(cuts).toBeGreaterThan(10_000);
  });

  const MALFORMED: [string, Signal, Uint8Array][] = [
    ['a trace id as a varint', 'traces', traces(vint(1, 5))],
    ['a span name as fixed64', 'traces', traces(f64(5, 1n))],
    ['a kind as a length-delimited field', 'traces', traces(ld(6, Buffer.from([3])))],
    ['a start time as a varint', 'traces', traces(vint(7, 1))],
    ['attributes as a varint', 'traces', traces(vint(9, 1))],
    ['a status as fixed32', 'traces', traces(Buffer.concat([tagOf(15, 5), Buffer.alloc(4)]))],
    ['a status code as fixed64', 'traces', traces(ld(15, f64(3, 2n)))],
    ['an AnyValue int as fixed64', 'traces', traces(attr(9, 'k', f64(3, 1n)))],
    ['an AnyValue double as a varint', 'traces', traces(attr(9, 'k', vint(4, 1)))],
    ['a KeyValue key as a varint', 'traces', traces(ld(9, vint(1, 1)))],
    ['resource spans as a varint', 'traces', vint(1, 1)],
    ['a log body as a varint', 'logs', logs(ld(2, vint(5, 1)))],
    ['a log time as a varint', 'logs', logs(ld(2, vint(1, 1)))],
    ['a histogram count as a varint', 'metrics', metrics(ld(2, ld(9, ld(1, vint(4, 3)))))],
    ['packed bucket counts of 12 bytes', 'metrics', metrics(ld(2, ld(9, ld(1, ld(6, Buffer.alloc(12))))))],
    ['a gauge as a varint', 'metrics', metrics(ld(2, vint(5, 1)))],
    ['traces read as logs', 'logs', traces(attr(9, 'k', str(1, 'v')))],
    ['wire type 6', 'traces', traces(tagOf(20, 6))],
    ['wire type 7', 'traces', Buffer.from([(1 << 3) | 7])],
    ['an end-group tag without a group', 'traces', traces(tagOf(20, 4))],
    ['a known field as a group', 'traces', traces(tagOf(5, 3), tagOf(5, 4))],
    ['field number 0', 'traces', traces(vint(0, 1))],
    ['a varint of 11 bytes', 'traces', traces(attr(9, 'k', tagOf(3, 0), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])))],
    ['a span whose last field runs past its end', 'traces', ld(1, ld(2, Buffer.concat([tagOf(2, 2), varintOf(4n), Buffer.from([0x2a, 0x04, 0x61, 0x62]), Buffer.from([0x63, 0x64])])))],
    ['a fixed64 running past its message', 'traces', ld(1, ld(2, ld(2, Buffer.concat([tagOf(7, 1), Buffer.alloc(4)])), Buffer.alloc(4)))],
    ['a varint running past its message', 'traces', ld(1, ld(2, Buffer.concat([tagOf(2, 2), varintOf(2n), tagOf(6, 0), Buffer.from([0x80])]), Buffer.from([0x01])))],
    ['a length past the body', 'traces', Buffer.concat([tagOf(1, 2), varintOf(100n), Buffer.alloc(10)])],
    ['a string past the body (the reference takes what there is)', 'traces', ld(1, ld(2, Buffer.concat([tagOf(3, 2), varintOf(50n), Buffer.from('abc')])))],
    ['a truncated tag', 'traces', Buffer.from([0x80])],
  ];

  it.each(MALFORMED)('%s', (what, signal, body) => {
    expect(oddity(signal, body), what).not.toBeNull();
    expectDecodeError(signal, body, what);
  });

  it('a field the decoder skips, with any wire type, is skipped (as protobuf skips unknown fields)', () => {
    for (const field of [vint(3, 1), f64(13, 1n), vint(16, 4), ld(10, Buffer.from('x')), ld(14)]) {
      const o = run(decodeProtobuf, 'traces', traces(field));
      expect('decoded' in o && firstSpan(o.decoded).name).toBe('chat');
    }
  });
});

// ---------------------------------------------------------------- where protobuf's rules win

PROTOBUF_RULES.push(
  {
    name: 'a status seen twice is merged: the code of the first, the message of the second',
    signal: 'traces',
    body: traces(ld(15, vint(3, 2)), ld(15, str(2, 'second'))),
    check: (d, ref) => {
      expect(firstSpan(d).status).toEqual({ code: 2, message: 'second' });
      expect('decoded' in ref && firstSpan(ref.decoded).status).toEqual({ code: 0, message: 'second' });
    },
  },
  {
    name: 'a resource seen twice is merged: the attributes of both',
    signal: 'traces',
    body: ld(1, ld(1, kv('a', str(1, '1'))), ld(1, kv('b', str(1, '2'))), ld(2, ld(2, spanBytes()))),
    check: (d, ref) => {
      expect({ ...d.request.resources[0]!.resource.attributes }).toEqual({ a: '1', b: '2' });
      expect('decoded' in ref && { ...ref.decoded.request.resources[0]!.resource.attributes }).toEqual({ b: '2' });
    },
  },
  {
    name: 'an array value seen twice in one KeyValue is one array',
    signal: 'traces',
    body: traces(ld(9, str(1, 'k'), ld(2, ld(5, ld(1, str(1, 'a')))), ld(2, ld(5, ld(1, str(1, 'b')))))),
    check: (d) => expect((firstSpan(d).attributes as Record<string, unknown>).k).toEqual(['a', 'b']),
  },
  {
    name: 'two members of an AnyValue: the last wins (the reference prefers the string)',
    signal: 'traces',
    body: traces(attr(9, 'k', vint(3, 7), str(1, 's'), vint(3, 8))),
    check: (d, ref) => {
      expect((firstSpan(d).attributes as Record<string, unknown>).k).toBe(8);
      expect('decoded' in ref && (firstSpan(ref.decoded).attributes as Record<string, unknown>).k).toBe('s');
    },
  },
  {
    name: 'a sum then a gauge in one metric: the gauge (the reference keeps the sum)',
    signal: 'metrics',
    body: metrics(ld(2, str(1, 'm'), ld(7, vint(2, 2), ld(1, dbl(4, 1))), ld(5, ld(1, dbl(4, 2))))),
    check: (d, ref) => {
      const data = (m: Decoded) => (m.request.resources[0]!.scopes[0]!.items[0] as { data: { type: string } }).data.type;
      expect(data(d)).toBe('gauge');
      expect('decoded' in ref && data(ref.decoded)).toBe('sum');
    },
  },
  {
    name: 'as_double then as_int: the int (the reference prefers the double)',
    signal: 'metrics',
    body: metrics(ld(2, ld(5, ld(1, dbl(4, 2.5), Buffer.concat([tagOf(6, 1), Buffer.from([5, 0, 0, 0, 0, 0, 0, 0])]))))),
    check: (d, ref) => {
      const value = (m: Decoded) => (m.request.resources[0]!.scopes[0]!.items[0] as { data: { points: { value: number }[] } }).data.points[0]!.value;
      expect(value(d)).toBe(5);
      expect('decoded' in ref && value(ref.decoded)).toBe(2.5);
    },
  },
  {
    name: 'a bool of 2^32 is true (protobufjs reads its low 32 bits: false)',
    signal: 'traces',
    body: traces(attr(9, 'k', vint(2, 2n ** 32n))),
    check: (d, ref) => {
      expect((firstSpan(d).attributes as Record<string, unknown>).k).toBe(true);
      expect('decoded' in ref && (firstSpan(ref.decoded).attributes as Record<string, unknown>).k).toBe(false);
    },
  },
  {
    name: 'a kind as a 6-byte varint is read whole (protobufjs takes it as 10 bytes and loses its place)',
    signal: 'traces',
    body: traces(vint(6, 3, 6), str(5, 'after')),
    check: (d) => expect([firstSpan(d).kind, firstSpan(d).name]).toEqual([3, 'after']),
  },
);

describe("where the reference strays from protobuf's rules, the new decoder follows them", () => {
  it.each(PROTOBUF_RULES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    expect(oddity(c.signal, c.body), c.name).not.toBeNull();
    const o = run(decodeProtobuf, c.signal, c.body);
    if (!('decoded' in o)) assert.fail(`${c.name}: ${o.error.message}`);
    c.check(o.decoded, run(decodeProtobufReference, c.signal, c.body));
  });
});

describe('a body the fuzz kit grows (spanJson)', () => {
  it('decodes alike with 10,000 attributes', () => {
    const attrs = Array.from({ length: 10_000 }, (_, i) => ({ key: `k${i % 5000}`, value: i % 2 ? { intValue: String(-i) } : { stringValue: `v${i}` } }));
    expectSame({ name: 'spanJson 10,000', signal: 'traces', body: encodeProto('traces', spanJson(attrs)) });
  });
});
