import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LlmCall } from '../../src/domain/call.js';
import { Assembler } from '../../src/normalize/assemble.js';
import { normalize } from '../../src/normalize/index.js';
import { Prices, resolveCost } from '../../src/pricing/index.js';
import { DecodeError, type Decoded } from '../../src/receiver/encoding/index.js';
import { decodeJson } from '../../src/receiver/encoding/json.js';
import { decodeProtobuf } from '../../src/receiver/encoding/protobuf.js';
import type { AttrValue, Attrs, LogRecord, Metric, MetricData, OtlpRequest, Signal, Span } from '../../src/otlp/request.js';
import { CallStore } from '../../src/store/call-store.js';
import { otlpRoot } from '../helpers/otlp-payloads.js';

/*
 * The fuzz kit: a seeded PRNG, a corpus of real OTLP payloads (the normalize fixtures and the
 * SDK captures) as JSON and as protobuf, mutators for both, and the pipeline every input goes
 * through: decode → normalize → Assembler.ingest → CallStore.commit, each stage either
 * succeeding or failing only as allowed (a DecodeError at decode, nothing anywhere else).
 */

export const SIGNALS: readonly Signal[] = ['traces', 'metrics', 'logs'];

// ---------------------------------------------------------------- PRNG

/** mulberry32: small, fast and good enough to pick mutations; the same seed gives the same run. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  bool(p = 0.5): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error('pick from an empty list');
    return xs[this.int(xs.length)]!;
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

/**
 * The loops are deterministic by default. For a longer hunt, LLMTOP_FUZZ_SCALE=20 multiplies the
 * iteration counts and LLMTOP_FUZZ_SEED=n shifts every seed; a failure's report names the
 * iteration, so the same pair of values replays it.
 */
const SCALE = Math.max(1, Number(process.env.LLMTOP_FUZZ_SCALE) || 1);
const SEED_SHIFT = Number(process.env.LLMTOP_FUZZ_SEED) || 0;

export function iterations(n: number): number {
  return Math.round(n * SCALE);
}

export function seeded(seed: number): Rng {
  return new Rng((seed + Math.imul(SEED_SHIFT, 0x9e3779b1)) >>> 0);
}

// ---------------------------------------------------------------- corpus

export interface Sample {
  name: string;
  signal: Signal;
  /** OTLP/JSON as the SDK sent it (hex ids). */
  json: unknown;
  /** The same request as protobuf bytes. */
  proto: Uint8Array;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURE_DIRS = [path.join(here, '../normalize/fixtures'), path.join(here, '../sdk/captured')];

const v1 = otlpRoot.opentelemetry.proto;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const REQUEST_TYPE: Record<Signal, any> = {
  traces: v1.collector.trace.v1.ExportTraceServiceRequest,
  metrics: v1.collector.metrics.v1.ExportMetricsServiceRequest,
  logs: v1.collector.logs.v1.ExportLogsServiceRequest,
};

const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId', 'trace_id', 'span_id', 'parent_span_id']);

/** OTLP/JSON → what the generated fromObject reads: ids from hex to base64 (its form for bytes). */
function toFromObjectShape(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toFromObjectShape);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    out[k] = ID_KEYS.has(k) && typeof x === 'string' ? Buffer.from(x, 'hex').toString('base64') : toFromObjectShape(x);
  }
  return out;
}

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const protobufMinimal: any = require('protobufjs/minimal.js');

/**
 * OTLP/JSON as protobuf bytes, through the generated fromObject and encode. `weird`: the values may
 * be out of range for their fields (mutated). The default Buffer writer allocates with
 * Buffer.allocUnsafe, and a weird value (an int32 of -1e306, NaN) makes the encoder write fewer
 * bytes than it sized: the rest would be whatever memory held, a different input on every run. A
 * plain Writer's buffers start zeroed (but it writes strings in JS: slow for megabytes).
 */
export function encodeProto(signal: Signal, json: unknown, weird = false): Uint8Array {
  const T = REQUEST_TYPE[signal];
  const msg = T.fromObject(toFromObjectShape(json));
  return (weird ? T.encode(msg, new protobufMinimal.Writer()) : T.encode(msg)).finish() as Uint8Array;
}

let corpusCache: Sample[] | null = null;

/** Every request of every fixture and capture, in a stable order. */
export function corpus(): Sample[] {
  if (corpusCache) return corpusCache;
  const out: Sample[] = [];
  for (const dir of FIXTURE_DIRS) {
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      const data = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as {
        requests: { signal?: Signal; path?: string; body: unknown }[];
      };
      data.requests.forEach((r, i) => {
        const signal = r.signal ?? (r.path?.replace('/v1/', '') as Signal);
        if (!SIGNALS.includes(signal)) return;
        out.push({ name: `${file}#${i}`, signal, json: r.body, proto: encodeProto(signal, r.body) });
      });
    }
  }
  return (corpusCache = out);
}

// ---------------------------------------------------------------- the pipeline

export type Stage = 'decode' | 'check' | 'normalize' | 'ingest' | 'commit';

export interface Outcome {
  /** 'decode-error': a DecodeError, the only failure allowed (answered 400). */
  result: 'ok' | 'decode-error' | 'failure';
  stage?: Stage;
  error?: unknown;
  /** A failure matching one of the bugs reported (see KNOWN_BUGS), or null for a new one. */
  knownBug?: string | null;
  decoded?: Decoded;
  calls?: number;
}

/**
 * Bugs in src/ that the fuzz families run into, once reported and reproduced in
 * found-bugs.test.ts: a failure matching one is counted, not failed on, so that the loops keep
 * watching for new ones. Empty: the bugs found here (deep nesting, "__proto__" keys, non-finite
 * numbers) are fixed, and their reproducers in found-bugs.test.ts now assert the fixed behaviour.
 */
export const KNOWN_BUGS: { id: string; stage: Stage; match: (err: unknown) => boolean }[] = [];

function classify(stage: Stage, error: unknown): string | null {
  return KNOWN_BUGS.find((b) => b.stage === stage && b.match(error))?.id ?? null;
}

const table = Prices.load(null);

export function newAssembler(): Assembler {
  return new Assembler({ resolveCost: (c) => resolveCost(table, c), keepContent: true });
}

export function newStore(): CallStore {
  return new CallStore({ path: ':memory:', maxCalls: 20_000, retentionMs: 100 * 365 * 24 * 3600_000, now: Date.now });
}

export type Encoding = 'json' | 'proto';

export function decode(enc: Encoding, signal: Signal, body: Uint8Array): Decoded {
  return enc === 'json' ? decodeJson(signal, body) : decodeProtobuf(signal, body);
}

/**
 * One input through the whole path. Pass an assembler and a store to share them across inputs
 * (state carried from one to the next, as in the server); without them only decode and normalize run.
 */
export function runPipeline(
  enc: Encoding,
  signal: Signal,
  body: Uint8Array,
  sinks: { assembler?: Assembler; store?: CallStore } = {},
): Outcome {
  let decoded: Decoded;
  try {
    decoded = decode(enc, signal, body);
  } catch (error) {
    if (error instanceof DecodeError) return { result: 'decode-error', error };
    return { result: 'failure', stage: 'decode', error, knownBug: classify('decode', error) };
  }
  const problem = checkDecoded(signal, decoded);
  if (problem) return { result: 'failure', stage: 'check', error: new Error(problem), knownBug: null, decoded };
  let stage: Stage = 'normalize';
  try {
    const n = normalize(decoded.request);
    if (!sinks.assembler) return { result: 'ok', decoded };
    stage = 'ingest';
    const changes = sinks.assembler.ingest([n]);
    if (!sinks.store) return { result: 'ok', decoded, calls: changes.upserted.length };
    stage = 'commit';
    try {
      sinks.store.commit(changes);
    } catch (err) {
      // As the server's Ingest does: what the assembler learnt from a failed batch is undone.
      sinks.assembler.rollback();
      throw err;
    }
    return { result: 'ok', decoded, calls: changes.upserted.length };
  } catch (error) {
    return { result: 'failure', stage, error, knownBug: classify(stage, error), decoded };
  }
}

// ---------------------------------------------------------------- invariants of a decoded request

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const MAX_NS = 2n ** 63n - 1n;

function attrValueProblem(v: AttrValue, depth: number): string | null {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return null;
  if (depth > 100_000) return 'nesting deeper than the input could be';
  if (Array.isArray(v)) {
    for (const x of v) {
      const p = attrValueProblem(x, depth + 1);
      if (p) return p;
    }
    return null;
  }
  if (typeof v === 'object') return attrsProblem(v, depth + 1);
  return `an attribute value of type ${typeof v}`;
}

function attrsProblem(a: Attrs, depth = 0): string | null {
  if (a === null || typeof a !== 'object' || Array.isArray(a)) return 'attributes are not an object';
  for (const k of Object.keys(a)) {
    const p = attrValueProblem(a[k]!, depth);
    if (p) return `${k}: ${p}`;
  }
  return null;
}

function nsProblem(ns: unknown, what: string): string | null {
  if (typeof ns !== 'bigint') return `${what} is a ${typeof ns}, not a bigint`;
  if (ns > MAX_NS) return `${what} ${ns} is past 2^63`;
  return null;
}

/** What the decoders promise of what they return (src/otlp/request.ts), or null when it holds. */
export function checkDecoded(signal: Signal, d: Decoded): string | null {
  if (d.request.signal !== signal) return `decoded as ${d.request.signal}`;
  if (!Number.isInteger(d.rejected) || d.rejected < 0) return `rejected = ${d.rejected}`;
  for (const r of d.request.resources) {
    const p = attrsProblem(r.resource.attributes);
    if (p) return `resource: ${p}`;
    for (const s of r.scopes) {
      if (typeof s.scope.name !== 'string' || typeof s.scope.version !== 'string') return 'scope name/version not strings';
      for (const item of s.items as unknown[]) {
        const p2 = itemProblem(d.request.signal, item);
        if (p2) return p2;
      }
    }
  }
  return null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function itemProblem(signal: Signal, x: any): string | null {
  switch (signal) {
    case 'traces':
      if (!HEX32.test(x.traceId) || !HEX16.test(x.spanId)) return `span ids ${x.traceId}/${x.spanId}`;
      if (x.parentSpanId !== '' && !HEX16.test(x.parentSpanId)) return `parent span id ${x.parentSpanId}`;
      if (typeof x.name !== 'string') return 'span name not a string';
      if (typeof x.kind !== 'number') return `span kind is a ${typeof x.kind}`;
      if (typeof x.status?.code !== 'number' || typeof x.status?.message !== 'string') return 'span status';
      return nsProblem(x.startNs, 'startNs') ?? nsProblem(x.endNs, 'endNs') ?? attrsProblem(x.attributes) ?? eventsProblem(x.events);
    case 'logs':
      if (x.traceId !== '' && !HEX32.test(x.traceId)) return `log trace id ${x.traceId}`;
      if (x.spanId !== '' && !HEX16.test(x.spanId)) return `log span id ${x.spanId}`;
      if (typeof x.severityNumber !== 'number') return `severityNumber is a ${typeof x.severityNumber}`;
      if (typeof x.eventName !== 'string' || typeof x.severityText !== 'string') return 'log strings';
      return nsProblem(x.timeNs, 'timeNs') ?? nsProblem(x.observedTimeNs, 'observedTimeNs') ?? attrsProblem(x.attributes) ?? attrValueProblem(x.body, 0);
    case 'metrics': {
      if (typeof x.name !== 'string' || typeof x.unit !== 'string') return 'metric name/unit';
      const d = x.data;
      if (d.type === 'other') return null;
      if (d.type !== 'histogram' && typeof d.temporality !== 'number' && d.type !== 'gauge') return `temporality is a ${typeof d.temporality}`;
      for (const p of d.points) {
        const pp = attrsProblem(p.attributes) ?? (typeof p.startNs === 'bigint' && typeof p.timeNs === 'bigint' ? null : 'point times not bigints');
        if (pp) return pp;
        if (d.type === 'histogram' && (!Array.isArray(p.bucketCounts) || !Array.isArray(p.explicitBounds))) return 'histogram arrays';
        if (d.type !== 'histogram' && typeof p.value !== 'number') return 'point value not a number';
      }
      return null;
    }
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function eventsProblem(events: any[]): string | null {
  if (!Array.isArray(events)) return 'events not an array';
  for (const e of events) {
    if (typeof e.name !== 'string') return 'event name';
    // Event times are not range-checked by the decoders: nothing stores them.
    const p = (typeof e.timeNs === 'bigint' ? null : 'event timeNs not a bigint') ?? attrsProblem(e.attributes);
    if (p) return p;
  }
  return null;
}

// ---------------------------------------------------------------- failure bookkeeping

export interface Tally {
  runs: number;
  ok: number;
  decodeErrors: number;
  known: Record<string, number>;
  /** New failures: each should become a bug report. */
  failures: string[];
}

export function newTally(): Tally {
  return { runs: 0, ok: 0, decodeErrors: 0, known: {}, failures: [] };
}

export function record(t: Tally, o: Outcome, describe: () => string): void {
  t.runs++;
  if (o.result === 'ok') t.ok++;
  else if (o.result === 'decode-error') t.decodeErrors++;
  else if (o.knownBug) t.known[o.knownBug] = (t.known[o.knownBug] ?? 0) + 1;
  else if (t.failures.length < 20) {
    const e = o.error as Error;
    t.failures.push(`${describe()}: ${o.stage} threw ${e?.constructor?.name} ${String(e?.message).slice(0, 300)}\n${String(e?.stack).split('\n').slice(1, 4).join('\n')}`);
  }
}

export function summary(label: string, t: Tally): string {
  const known = Object.entries(t.known).map(([k, n]) => `${k} ×${n}`).join('; ');
  return `${label}: ${t.runs} inputs, ${t.ok} decoded and stored, ${t.decodeErrors} DecodeError${known ? `, known bugs: ${known}` : ''}`;
}

// ---------------------------------------------------------------- mutators

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Strings the decoders and the normalizer read specially. Object.prototype names are left to found-bugs.test.ts. */
const KEYS = [
  'stringValue', 'intValue', 'doubleValue', 'boolValue', 'arrayValue', 'kvlistValue', 'bytesValue', 'values', 'key', 'value',
  'attributes', 'traceId', 'spanId', 'parentSpanId', 'trace_id', 'startTimeUnixNano', 'endTimeUnixNano', 'timeUnixNano',
  'kind', 'status', 'code', 'message', 'events', 'name', 'body', 'eventName', 'severityNumber', 'dataPoints', 'sum', 'gauge',
  'histogram', 'count', 'bucketCounts', 'explicitBounds', 'asInt', 'asDouble', 'aggregationTemporality', 'isMonotonic',
  'resourceSpans', 'scopeSpans', 'spans', 'resourceLogs', 'scopeLogs', 'logRecords', 'resourceMetrics', 'scopeMetrics', 'metrics',
  'gen_ai.request.model', 'gen_ai.response.model', 'gen_ai.system', 'gen_ai.provider.name', 'gen_ai.operation.name',
  'gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens', 'gen_ai.usage.cost', 'gen_ai.input.messages', 'gen_ai.output.messages',
  'gen_ai.prompt', 'gen_ai.completion', 'gen_ai.prompt.0.content', 'gen_ai.prompt.0.role', 'llm.input_messages.0.message.content',
  'openinference.span.kind', 'traceloop.span.kind', 'ai.prompt', 'ai.prompt.messages', 'ai.response.text', 'input.value', 'output.value',
  'duration_ms', 'input_tokens', 'output_tokens', 'prompt.id', 'event.name', 'service.name', 'gen_ai.token.type', 'type', 'role',
  'content', 'parts', 'text', 'choices', 'messages', 'system', 'prompt', 'toolName', 'gen_ai.server.time_to_first_token',
  'gen_ai.request.stream', 'error.type', 'user.id', 'model', 'claude_code.api_request', 'gen_ai.client.inference.operation.details',
  'gen_ai.client.operation.duration', 'gen_ai.client.token.usage', 'SPAN_KIND_CLIENT', 'STATUS_CODE_ERROR', '',
];

const WEIRD_NUMBERS: Json[] = [
  0, -0, -1, 1e308, -1e308, 1e-308, 2 ** 53, 2 ** 63, 2 ** 64, -(2 ** 63), 4294967296, 0.5, -1e306, 123456789012345,
  '18446744073709551615', '9223372036854775808', '-9223372036854775809', '99999999999999999999999999', '1e3', '0x10',
  ' 5 ', '', '-', '00', 'NaN', 'Infinity', '-Infinity', 'nan', '1e999', '-1e999',
];

const WEIRD_STRINGS: Json[] = [
  '', ' ', 'x', '\u0000', '\ud800', '\udfff', 'a\ud800b', '\ufffd', '\u202e', '😀', '\u001b[2J', '[', '{', '[]', '{}', 'null',
  '[{"role":"user","content":"hi"}]', '{"messages":[{"content":[{"type":"text","text":"x"}]}]}', '{"choices":[{"message":{"content":"y"}}]}',
  '0123456789abcdef0123456789abcdef', '0123456789ABCDEF', 'ASNFZ4mrze8BI0VniavN7w==', 'SPAN_KIND_SERVER', 'STATUS_CODE_ERROR',
  'SEVERITY_NUMBER_INFO', 'AGGREGATION_TEMPORALITY_CUMULATIVE', 'claude_code.api_request', 'codex.sse_event', 'gen_ai.choice',
  'gen_ai.user.message', 'gpt-4o', 'claude-3-5-sonnet', 'us.anthropic.claude-3', 'openai', 'aws.bedrock', 'invoke_agent',
];

function randomKey(r: Rng): string {
  if (r.bool(0.8)) return r.pick(KEYS);
  const n = r.range(0, 12);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(r.bool(0.9) ? r.range(0x20, 0x7e) : r.range(0, 0xffff));
  return s;
}

export function randomJson(r: Rng, depth = 0): Json {
  const k = r.int(depth > 3 ? 4 : 7);
  switch (k) {
    case 0:
      return null;
    case 1:
      return r.bool();
    case 2:
      return r.pick(WEIRD_NUMBERS);
    case 3:
      return r.pick(WEIRD_STRINGS);
    case 4:
    case 5: {
      // An AnyValue-looking object most of the time: reaches deeper into the decoders.
      if (r.bool(0.5)) {
        const kind = r.pick(['stringValue', 'intValue', 'doubleValue', 'boolValue', 'arrayValue', 'kvlistValue', 'bytesValue']);
        const inner =
          kind === 'arrayValue'
            ? { values: Array.from({ length: r.int(3) }, () => randomJson(r, depth + 1)) }
            : kind === 'kvlistValue'
              ? { values: Array.from({ length: r.int(3) }, () => ({ key: randomKey(r), value: randomJson(r, depth + 1) })) }
              : randomJson(r, depth + 1);
        return { [kind]: inner };
      }
      const o: Record<string, Json> = {};
      for (let i = r.int(4); i > 0; i--) o[randomKey(r)] = randomJson(r, depth + 1);
      return o;
    }
    default:
      return Array.from({ length: r.int(4) }, () => randomJson(r, depth + 1));
  }
}

interface Slot {
  parent: Json[] | { [k: string]: Json };
  key: string | number;
}

/** Every place in the tree a value sits. */
function slots(root: Json): Slot[] {
  const out: Slot[] = [];
  const stack: Json[] = [root];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (Array.isArray(v)) v.forEach((x, i) => (out.push({ parent: v, key: i }), stack.push(x)));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push({ parent: v, key: k }), stack.push(x);
  }
  return out;
}

function get(s: Slot): Json {
  return (s.parent as Record<string | number, Json>)[s.key]!;
}
function set(s: Slot, v: Json): void {
  (s.parent as Record<string | number, Json>)[s.key] = v;
}

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Mutations of the parsed tree; each names itself for the failure report. */
const TREE_OPS: { name: string; apply: (r: Rng, root: Json, s: Slot) => void }[] = [
  {
    name: 'delete',
    apply: (_r, _root, s) => {
      if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 1);
      else delete s.parent[s.key as string];
    },
  },
  { name: 'swap-type', apply: (r, _root, s) => set(s, randomJson(r)) },
  { name: 'null', apply: (_r, _root, s) => set(s, null) },
  { name: 'weird-number', apply: (r, _root, s) => set(s, r.pick(WEIRD_NUMBERS)) },
  { name: 'weird-string', apply: (r, _root, s) => set(s, r.pick(WEIRD_STRINGS)) },
  { name: 'wrap-in-array', apply: (_r, _root, s) => set(s, [get(s)]) },
  {
    name: 'add-key',
    apply: (r, _root, s) => {
      const v = get(s);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) v[randomKey(r)] = randomJson(r);
      else if (Array.isArray(v)) v.push(randomJson(r));
      else set(s, { [randomKey(r)]: randomJson(r) });
    },
  },
  {
    name: 'duplicate',
    apply: (r, _root, s) => {
      const v = get(s);
      if (Array.isArray(v) && v.length > 0) for (let i = r.range(1, 50); i > 0; i--) v.push(structuredClone(r.pick(v)));
    },
  },
  { name: 'empty', apply: (_r, _root, s) => set(s, Array.isArray(get(s)) ? [] : typeof get(s) === 'object' ? {} : '') },
  {
    name: 'rename-snake',
    apply: (_r, _root, s) => {
      if (typeof s.key === 'string' && !Array.isArray(s.parent)) {
        const v = get(s);
        delete s.parent[s.key];
        s.parent[snake(s.key)] = v;
      }
    },
  },
  { name: 'long-string', apply: (r, _root, s) => set(s, 'x'.repeat(r.range(1000, 100_000))) },
  {
    name: 'json-text-string',
    apply: (r, _root, s) => set(s, JSON.stringify(r.bool() ? get(s) : randomJson(r)) ?? 'null'),
  },
  {
    name: 'flip-id',
    apply: (r, _root, s) => {
      const v = get(s);
      if (typeof v === 'string' && /^[0-9a-fA-F]+$/.test(v)) {
        const choices = [v.toUpperCase(), v.slice(1), `${v}0`, Buffer.from(v, 'hex').toString('base64'), v.replace(/./, 'g'), '0'.repeat(v.length)];
        set(s, r.pick(choices));
      } else set(s, r.pick(WEIRD_STRINGS));
    },
  },
  {
    name: 'nest',
    apply: (r, _root, s) => {
      // Moderate nesting: deep enough to matter, shallow enough to stay clear of known bug A.
      let v: Json = get(s);
      for (let i = r.range(2, 200); i > 0; i--) v = r.bool() ? { arrayValue: { values: [v] } } : { kvlistValue: { values: [{ key: 'k', value: v }] } };
      set(s, v);
    },
  },
];

/** A mutated copy of a JSON body and the list of mutations applied. */
export function mutateJson(r: Rng, body: unknown): { body: Json; ops: string[] } {
  const root = structuredClone(body) as Json;
  const ops: string[] = [];
  for (let n = r.range(1, 4); n > 0; n--) {
    const all = slots(root);
    if (all.length === 0) break;
    const s = r.pick(all);
    const op = r.pick(TREE_OPS);
    op.apply(r, root, s);
    ops.push(`${op.name}@${String(s.key).slice(0, 40)}`);
  }
  return { body: root, ops };
}

/**
 * Numbers only: every number, and every string that reads as one (64-bit integers, intValue,
 * asInt, count…), has a chance of becoming a weird one. Shapes stay valid, so the values reach
 * the normalizer, the assembler's metric arithmetic and the store.
 */
export function mutateNumbers(r: Rng, body: unknown, p = 0.15): { body: Json; ops: string[] } {
  const root = structuredClone(body) as Json;
  const ops: string[] = [];
  for (const s of slots(root)) {
    const v = get(s);
    const numeric = typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)));
    if (numeric && r.bool(p)) {
      const w = r.pick(WEIRD_NUMBERS);
      set(s, w);
      ops.push(`${String(s.key).slice(0, 30)}=${JSON.stringify(w)}`);
    }
  }
  return { body: root, ops };
}

/** Byte-level mutations of JSON text: broken syntax, invalid UTF-8, escapes, lone surrogates. */
export function mutateJsonText(r: Rng, text: Buffer): { body: Buffer; op: string } {
  const quote = () => {
    // A position just inside a string literal.
    for (let tries = 0; tries < 20; tries++) {
      const i = r.int(text.length);
      if (text[i] === 0x22) return i + 1;
    }
    return r.int(text.length + 1);
  };
  const at = (i: number, insert: Buffer | string, cut = 0) =>
    Buffer.concat([text.subarray(0, i), Buffer.isBuffer(insert) ? insert : Buffer.from(insert, 'latin1'), text.subarray(i + cut)]);
  const ops: [string, () => Buffer][] = [
    ['truncate', () => text.subarray(0, r.int(text.length))],
    ['invalid-utf8', () => at(quote(), r.pick([Buffer.from([0xff]), Buffer.from([0xc3, 0x28]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf0, 0x90, 0x80]), Buffer.from([0xc0, 0xaf]), r.bytes(r.range(1, 8))]))],
    ['lone-surrogate-escape', () => at(quote(), r.pick(['\\ud800', '\\udfff', '\\ud83d', '\\ud800\\ud800', '\\u0000', '\\uZZZZ', '\\']))],
    ['flip-byte', () => { const b = Buffer.from(text); if (b.length) { const j = r.int(b.length); b[j] = b[j]! ^ (1 << r.int(8)); } return b; }],
    ['delete-range', () => { const i = r.int(text.length); return at(i, '', r.int(50)); }],
    ['insert-syntax', () => at(r.int(text.length + 1), r.pick(['{', '}', '[', ']', ',', ':', '"', 'null', '1e999', '-', 'true', '\u0000']))],
    ['bom', () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text])],
    ['utf16', () => Buffer.from(text.toString('utf8'), 'utf16le')],
  ];
  const [op, f] = r.pick(ops);
  return { body: f(), op };
}

/** Byte-level mutations of protobuf: bit flips, truncation, splices of other payloads, varint junk. */
export function mutateProto(r: Rng, bytes: Uint8Array, others: readonly Uint8Array[]): { body: Buffer; ops: string[] } {
  let b = Buffer.from(bytes);
  const ops: string[] = [];
  for (let n = r.range(1, 3); n > 0; n--) {
    const i = r.int(b.length + 1);
    const k = r.int(9);
    switch (k) {
      case 0: {
        const c = Buffer.from(b);
        for (let f = r.range(1, 8); f > 0 && c.length > 0; f--) {
          const j = r.int(c.length);
          c[j] = c[j]! ^ (1 << r.int(8));
        }
        b = c;
        ops.push('bit-flips');
        break;
      }
      case 1:
        b = b.subarray(0, i);
        ops.push(`truncate@${i}`);
        break;
      case 2: {
        const o = Buffer.from(r.pick(others));
        const from = r.int(o.length + 1);
        b = Buffer.concat([b.subarray(0, i), o.subarray(from, from + r.int(o.length - from + 1)), b.subarray(r.bool() ? i : r.int(b.length + 1))]);
        ops.push('splice');
        break;
      }
      case 3:
        b = Buffer.concat([b.subarray(0, i), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, r.pick([0x01, 0x7f, 0xff])]), b.subarray(i)]);
        ops.push('varint-junk');
        break;
      case 4:
        b = Buffer.concat([b.subarray(0, i), r.bytes(r.range(1, 16)), b.subarray(i)]);
        ops.push('insert-random');
        break;
      case 5: {
        const j = Math.min(b.length, i + r.range(1, 64));
        b = Buffer.concat([b.subarray(0, j), b.subarray(i, j), b.subarray(j)]);
        ops.push('duplicate-range');
        break;
      }
      case 6:
        b = Buffer.concat([b.subarray(0, i), b.subarray(Math.min(b.length, i + r.range(1, 32)))]);
        ops.push('delete-range');
        break;
      case 7:
        b = Buffer.concat([b, r.pick(others)]);
        ops.push('concat'); // protobuf merges concatenated messages: repeated fields grow
        break;
      default: {
        // Invalid UTF-8 over some bytes: lands in strings often enough.
        const c = Buffer.from(b);
        for (let f = r.range(1, 4); f > 0 && c.length > 0; f--) c[r.int(c.length)] = r.pick([0xff, 0xfe, 0xc0, 0xed, 0x80]);
        b = c;
        ops.push('bad-utf8-bytes');
      }
    }
  }
  return { body: b, ops };
}

/** Random but well-formed-looking protobuf: valid tags with random fields and wire types, nested. */
export function randomProto(r: Rng, depth = 0, budget = { bytes: 4096 }): Buffer {
  const parts: Buffer[] = [];
  for (let n = r.range(0, 6); n > 0 && budget.bytes > 0; n--) {
    const field = r.bool(0.8) ? r.range(1, 15) : r.range(16, 1 << 20);
    const wire = r.pick([0, 0, 1, 2, 2, 2, 5, 3, 4, 6, 7]);
    const tag = varint((field << 3) | wire);
    let payload: Buffer;
    if (wire === 0) payload = varint(r.bool(0.3) ? 2 ** r.range(31, 52) : r.int(300));
    else if (wire === 1) payload = r.bytes(8);
    else if (wire === 5) payload = r.bytes(4);
    else if (wire === 2) {
      const inner = depth < 8 && r.bool(0.6) ? randomProto(r, depth + 1, budget) : r.bytes(r.int(24));
      // Sometimes a length that lies.
      const len = r.bool(0.9) ? inner.length : inner.length + r.range(-3, 1000);
      payload = Buffer.concat([varint(Math.max(0, len)), inner]);
    } else payload = Buffer.alloc(0);
    budget.bytes -= tag.length + payload.length;
    parts.push(tag, payload);
  }
  return Buffer.concat(parts);
}

export function varint(n: number): Buffer {
  const out: number[] = [];
  let v = Math.max(0, Math.floor(n));
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    out.push(byte);
  } while (v > 0);
  return Buffer.from(out);
}

/** A length-delimited protobuf field. */
export function lenField(field: number, inner: Uint8Array): Buffer {
  return Buffer.concat([varint((field << 3) | 2), varint(inner.length), inner]);
}

// ---------------------------------------------------------------- handy builders

export const TRACE_ID = '0123456789abcdef0123456789abcdef';

/** One GenAI span (OTLP/JSON) with the given extra attributes. */
export function spanJson(extraAttrs: { key: string; value: unknown }[], extra: Record<string, unknown> = {}, spanId = '0123456789abcdef'): Record<string, unknown> {
  const startNs = BigInt(Date.now() - 60_000) * 1_000_000n;
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'fuzz' } }] },
        scopeSpans: [
          {
            scope: { name: 'fuzz' },
            spans: [
              {
                traceId: TRACE_ID,
                spanId,
                name: 'chat gpt-4o-mini',
                kind: 3,
                startTimeUnixNano: String(startNs),
                endTimeUnixNano: String(startNs + 500_000_000n),
                attributes: [
                  { key: 'gen_ai.system', value: { stringValue: 'openai' } },
                  { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o-mini' } },
                  { key: 'gen_ai.usage.input_tokens', value: { intValue: '10' } },
                  { key: 'gen_ai.usage.output_tokens', value: { intValue: '5' } },
                  ...extraAttrs,
                ],
                ...extra,
              },
            ],
          },
        ],
      },
    ],
  };
}

export function storedCalls(store: CallStore, limit = 100_000): LlmCall[] {
  return store.calls({ limit });
}

// ---------------------------------------------------------------- decoded requests, for the normalizer alone

const GENAI_KEYS = KEYS.filter((k) => k.includes('.') || ['model', 'prompt', 'input_tokens', 'output_tokens', 'duration_ms', 'type'].includes(k)).concat([
  'gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.reasoning.output_tokens', 'gen_ai.system_instructions', 'gen_ai.request.is_stream',
  'llm.token_count.prompt', 'llm.token_count.completion', 'llm.output_messages.0.message.content', 'llm.input_messages.0.message.role',
  'llm.input_messages.0.message.contents.0.message_content.text', 'llm.input_messages.0.message.contents.0.message_content.type',
  'llm.output_messages.0.message.tool_calls.0.tool_call.function.name', 'gen_ai.completion.0.content', 'gen_ai.completion.0.tool_calls.0.name',
  'ai.values', 'ai.value', 'ai.response.toolCalls', 'ai.usage.promptTokens', 'ai.model.id', 'ai.operationId', 'ai.response.msToFirstChunk',
  'cost_usd', 'cache_read_tokens', 'cache_creation_tokens', 'event.kind', 'endpoint', 'error', 'status_code', 'event.sequence',
  'deployment.environment', 'gen_ai.application_name', 'ttft_ms', 'response', 'input.value', 'output.value', 'embedding.model_name',
  'session.id', 'conversation.id', 'gen_ai.conversation.id', 'request_id', 'prompt_id', 'response_text', 'thoughts_token_count',
  'cached_content_token_count', 'input_token_count', 'output_token_count', 'gen_ai.output.messages', 'gen_ai.prompt.name',
]);

const EVENT_NAMES = [
  'claude_code.api_request', 'claude_code.api_error', 'claude_code.user_prompt', 'claude_code.tool_result', 'codex.sse_event',
  'codex.websocket_event', 'codex.api_request', 'gen_ai.client.inference.operation.details', 'gen_ai.system.message',
  'gen_ai.user.message', 'gen_ai.assistant.message', 'gen_ai.tool.message', 'gen_ai.choice', 'gen_ai.content.prompt',
  'gen_ai.content.completion', 'exception', '', 'other', 'api_request', 'assistant_response', 'claude_code.assistant_response',
  'codex.user_prompt', 'codex.agent_response', 'gemini_cli.user_prompt', 'gemini_cli.api_request', 'gemini_cli.api_response',
  'gemini_cli.api_error', 'event otel/src/events/session_telemetry.rs:837',
];

const METRIC_NAMES = [
  'gen_ai.client.operation.duration', 'gen_ai.server.request.duration', 'gen_ai.server.time_to_first_token',
  'gen_ai.client.operation.time_to_first_chunk', 'gen_ai.client.token.usage', 'gen_ai.usage.cost', 'claude_code.token.usage',
  'claude_code.cost.usage', 'other.metric',
];

/** A finite number, mostly; the known bug C (non-finite values into the store) is kept out of this loop. */
function finite(r: Rng): number {
  return r.pick([0, 1, 5, 1000, 0.25, -1, 1e9, 123456789, 1e15, -5, 0.001]);
}

function randomAttrValue(r: Rng, depth = 0): AttrValue {
  switch (r.int(depth > 3 ? 5 : 8)) {
    case 0:
      return null;
    case 1:
      return r.bool();
    case 2:
      return finite(r);
    case 3:
    case 4:
      return r.bool(0.3) ? JSON.stringify(randomAttrValue(r, depth + 1)) : (r.pick(WEIRD_STRINGS) as string);
    case 5:
      return Array.from({ length: r.int(4) }, () => randomAttrValue(r, depth + 1));
    default: {
      const o: Record<string, AttrValue> = {};
      for (let i = r.int(5); i > 0; i--) o[r.pick(['role', 'content', 'text', 'type', 'parts', 'message', 'value', 'choices', 'messages', 'system', 'prompt', 'toolName', 'name', 'args'])] = randomAttrValue(r, depth + 1);
      if (r.bool(0.3)) o.type = r.pick(['text', 'reasoning', 'thinking', 'tool_call', 'tool-call', 'function_call', 'tool_call_response', 'tool-result', '']);
      return o;
    }
  }
}

function randomAttrs(r: Rng, n: number): Attrs {
  const a: Attrs = {};
  for (let i = 0; i < n; i++) a[r.pick(GENAI_KEYS)] = r.bool(0.4) ? finite(r) : randomAttrValue(r);
  return a;
}

const hexId = (r: Rng, bytes: number) => r.bytes(bytes).toString('hex');

/** A random request as the decoders would return it: valid types, random GenAI content. */
export function randomDecoded(r: Rng, signal: Signal): OtlpRequest {
  const traceIds = Array.from({ length: 3 }, () => hexId(r, 16));
  const spanIds = Array.from({ length: 6 }, () => hexId(r, 8));
  const ns = () => BigInt(Date.now() - r.int(3_600_000)) * 1_000_000n + BigInt(r.int(1_000_000));
  const resource = { attributes: randomAttrs(r, r.int(4)) };
  const scope = {
    name: r.pick(['', 'ai', 'openlit', 'openinference.instrumentation.openai', 'com.anthropic.claude_code.events', 'com.anthropic.claude_code.tracing', 'codex_otel', 'codex_exec', 'gemini-cli', 'traceloop']),
    version: '',
  };
  switch (signal) {
    case 'traces': {
      const items: Span[] = Array.from({ length: r.range(1, 6) }, () => {
        const start = ns();
        return {
          traceId: r.pick(traceIds),
          spanId: r.pick(spanIds),
          parentSpanId: r.bool(0.6) ? r.pick(spanIds) : '',
          name: r.pick(['chat gpt-4o', 'ai.generateText', 'ai.generateText.doGenerate', 'ChatOpenAI', 'openai.chat', '']),
          kind: r.int(6),
          startNs: start,
          endNs: r.bool(0.9) ? start + BigInt(r.int(5_000_000_000)) : 0n,
          attributes: randomAttrs(r, r.range(0, 14)),
          events: Array.from({ length: r.int(3) }, () => ({ name: r.pick(EVENT_NAMES), timeNs: ns(), attributes: randomAttrs(r, r.int(4)) })),
          status: { code: r.int(3), message: r.pick(['', 'boom', 'rate limited']) },
        };
      });
      return { signal, resources: [{ resource, scopes: [{ scope, items }] }] };
    }
    case 'logs': {
      const items: LogRecord[] = Array.from({ length: r.range(1, 6) }, () => ({
        timeNs: r.bool(0.9) ? ns() : 0n,
        observedTimeNs: ns(),
        severityNumber: r.int(25),
        severityText: '',
        eventName: r.bool(0.8) ? r.pick(EVENT_NAMES) : '',
        body: r.bool(0.3) ? r.pick(EVENT_NAMES) : randomAttrValue(r),
        attributes: { ...randomAttrs(r, r.range(0, 12)), ...(r.bool(0.3) ? { 'event.name': r.pick(EVENT_NAMES) } : {}), ...(r.bool(0.3) ? { 'prompt.id': r.pick(['p1', 'p2']) } : {}) },
        traceId: r.bool(0.6) ? r.pick(traceIds) : '',
        spanId: r.bool(0.6) ? r.pick(spanIds) : '',
      }));
      return { signal, resources: [{ resource, scopes: [{ scope, items }] }] };
    }
    case 'metrics': {
      const point = () => ({ attributes: randomAttrs(r, r.range(0, 5)), startNs: BigInt(r.int(3)), timeNs: ns() });
      const items: Metric[] = Array.from({ length: r.range(1, 4) }, () => {
        const name = r.pick(METRIC_NAMES);
        const temporality = r.int(3);
        const data: MetricData = r.bool(0.5)
          ? {
              type: 'histogram',
              temporality,
              points: Array.from({ length: r.range(1, 4) }, () => {
                const buckets = Array.from({ length: r.int(5) }, () => r.int(20));
                return { ...point(), count: r.pick([0, 1, 2, 7, 100]), sum: r.bool(0.9) ? finite(r) : null, bucketCounts: buckets, explicitBounds: buckets.slice(1).map((_, i) => 0.1 * 2 ** i) };
              }),
            }
          : { type: r.bool() ? 'sum' : 'gauge', temporality, monotonic: r.bool(), points: Array.from({ length: r.range(1, 4) }, () => ({ ...point(), value: finite(r) })) } as MetricData;
        return { name, unit: '', data };
      });
      return { signal, resources: [{ resource, scopes: [{ scope, items }] }] };
    }
  }
}
