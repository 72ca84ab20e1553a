import { createRequire } from 'node:module';
import protobuf, { type Reader } from 'protobufjs/minimal.js';
import type {
  AttrValue,
  Attrs,
  HistogramPoint,
  LogRecord,
  Metric,
  MetricData,
  NumberPoint,
  ResourceItems,
  Scope,
  ScopeItems,
  Signal,
  Span,
  SpanEvent,
} from '../../otlp/request.js';
import { DecodeError, ID_BYTES, MAX_TIME_NS, type Decoded } from './decoded.js';

/*
 * OTLP protobuf read straight into the decoded shape with protobufjs's Reader, by the field
 * numbers of the OTLP messages (the .proto files, as in the generated root.js of
 * @opentelemetry/otlp-transformer). The generated decode() builds every message as an object,
 * 64-bit fields as Longs, and that tree then had to be walked (protobuf-reference.ts, which the
 * tests and the bench keep): here nothing is built that the decoded shape does not hold, and
 * fields never read (links, dropped counts, trace_state, flags, schema_url, exemplars,
 * descriptions, exponential histograms, summaries) are skipped by their length.
 *
 * Where protobufjs strays from protobuf's rules, this follows protobuf: a singular message
 * field seen twice is merged, the last member of a oneof wins, a varint of up to 10 bytes is read
 * whole for 32-bit and bool fields, and a field of a known number with the wrong wire type, a
 * field running past the end of its message and a field number 0 are malformed. An absent
 * string is "" (proto3's default, and the JSON decoder's), where the generated messages' null
 * made the reference key such an attribute "null" and name such a span "null" in its reason.
 */

/** Not a valid OTLP message: becomes a DecodeError that names the signal. */
class Malformed extends Error {}

/** Deeper values than any SDK writes are refused, as in the reference decoder. */
const MAX_DEPTH = 64;

const tooDeep = () => new DecodeError(`an attribute value is nested deeper than ${MAX_DEPTH} levels`);

/** The reader and what one request's decoding carries from field to field. */
class Wire {
  /** A value past MAX_DEPTH was skipped: the item holding it is refused unless its ids refuse it first. */
  deep = false;
  rejected = 0;
  rejectReason = '';
  readonly r: Reader;
  /** The same bytes as a Buffer, for hex and base64. */
  readonly bytes: Buffer;

  constructor(body: Uint8Array) {
    // The same kind of reader the generated code makes (a BufferReader for a Buffer): strings decode alike.
    this.r = protobuf.Reader.create(body);
    this.bytes = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  }

  reject(reason: string): void {
    this.rejected++;
    this.rejectReason ||= reason;
  }

  /** The end of a walked unit (a resource, an item, a data point): a value too deep fails it. */
  settle(): void {
    if (this.deep) throw tooDeep();
  }
}

// ---------------------------------------------------------------- fields

/** The end of the length-delimited field at the reader, which must lie within its message. */
function limit(r: Reader, end: number): number {
  const at = r.pos;
  const stop = r.uint32() + r.pos;
  if (stop > end) throw new Malformed(`the field at byte ${at} is longer than the message holding it (${stop} > ${end})`);
  return stop;
}

function fixed(r: Reader, end: number, size: number): void {
  if (r.pos + size > end) throw new Malformed(`a ${size}-byte field at byte ${r.pos} runs past the end of its message (${end})`);
}

/** After a message's fields: a varint or group that crossed its end leaves the reader past it. */
function ends(r: Reader, end: number, what: string): void {
  if (r.pos !== end) throw new Malformed(`a field of ${what} runs past its end at byte ${end}`);
}

/*
 * Attribute keys: the same few dozen on every span. Each is decoded once, then found by its
 * bytes: decoding a short string costs a call into Node's C++, and using a fresh string as a
 * property key costs hashing and internalizing it again. ASCII only (which every decoder reads
 * alike), up to KEY_BYTES; the map is emptied when it holds KEYS_HELD, so that keys that never
 * repeat (an index in each) only cost what they would cost without it.
 */
const KEY_BYTES = 64;
const KEYS_HELD = 4096;
const keys = new Map<number, { bytes: Buffer; key: string }>();

function key(w: Wire, end: number): string {
  const r = w.r;
  const field = r.pos;
  const stop = limit(r, end);
  const at = r.pos;
  const b = w.bytes;
  if (stop - at > KEY_BYTES) return readString(r, field);
  let h = 0x811c9dc5;
  let or = 0;
  for (let i = at; i < stop; i++) {
    const c = b[i]!;
    or |= c;
    h = Math.imul(h ^ c, 0x01000193); // FNV-1a
  }
  if (or & 0x80) return readString(r, field);
  const known = keys.get(h);
  if (known !== undefined && sameBytes(known.bytes, b, at, stop)) {
    r.pos = stop;
    return known.key;
  }
  const k = readString(r, field);
  if (keys.size >= KEYS_HELD) keys.clear();
  keys.set(h, { bytes: Buffer.from(b.subarray(at, stop)), key: k });
  return k;
}

/** In JS: Buffer.equals would be another call into C++, for a few dozen bytes. */
function sameBytes(x: Buffer, b: Buffer, at: number, stop: number): boolean {
  if (x.length !== stop - at) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== b[at + i]) return false;
  return true;
}

/** The string field whose length starts at `field` (already checked), by the reader's own method. */
function readString(r: Reader, field: number): string {
  r.pos = field;
  return r.string();
}

function string(r: Reader, end: number): string {
  const field = r.pos;
  limit(r, end);
  return readString(r, field);
}

function hex(w: Wire, end: number): string {
  const stop = limit(w.r, end);
  const id = w.bytes.toString('hex', w.r.pos, stop);
  w.r.pos = stop;
  return id;
}

/**
 * The length of the varint at the reader, which it moves past: Reader.skip finds its end (and
 * the end of the body); longer than 10 bytes no varint is.
 */
function varintLength(r: Reader): number {
  const at = r.pos;
  r.skip();
  const n = r.pos - at;
  if (n > 10) throw new Malformed(`the varint at byte ${at} is longer than 10 bytes`);
  return n;
}

/*
 * Reader.uint32 reads the low 32 bits of a varint but takes one longer than 5 bytes to be 10 (a
 * negative int32), and Reader.int64 makes a Long: past 5 bytes the bits are put together here.
 */

function low32(b: Uint8Array, at: number): number {
  return ((b[at]! & 127) | ((b[at + 1]! & 127) << 7) | ((b[at + 2]! & 127) << 14) | ((b[at + 3]! & 127) << 21) | ((b[at + 4]! & 127) << 28)) >>> 0;
}

/** A varint's low 32 bits, unsigned: int32 and enum fields, whatever the varint's length. */
function varint32(r: Reader): number {
  const at = r.pos;
  const n = varintLength(r);
  if (n > 5) return low32(r.buf, at);
  r.pos = at;
  return r.uint32();
}

/** An int64 varint as a number, rounded as Number(BigInt) rounds (a single rounding of the exact sum). */
function int64(r: Reader): number {
  const at = r.pos;
  const low = varint32(r);
  const n = r.pos - at;
  if (n < 5) return low;
  const b = r.buf;
  let high = (b[at + 4]! & 127) >> 4;
  for (let i = 5; i < n; i++) high |= (b[at + i]! & 127) << (7 * i - 32);
  return (high | 0) * 4294967296 + low;
}

/** fixed64 nanoseconds. */
function nanos(r: Reader, end: number): bigint {
  fixed(r, end, 8);
  const low = r.fixed32();
  const high = r.fixed32();
  return high === 0 ? BigInt(low) : (BigInt(high) << 32n) | BigInt(low);
}

/** fixed64 as a number. */
function uint64(r: Reader, end: number): number {
  fixed(r, end, 8);
  const low = r.fixed32();
  return r.fixed32() * 4294967296 + low;
}

/** sfixed64 as a number. */
function sfixed64(r: Reader, end: number): number {
  fixed(r, end, 8);
  const low = r.fixed32();
  return (r.fixed32() | 0) * 4294967296 + low;
}

function double(r: Reader, end: number): number {
  fixed(r, end, 8);
  return r.double();
}

/**
 * A field this message does not read, skipped by its wire type: unless its number is one of
 * those it reads (the `read` bit mask), which with another wire type is malformed.
 */
function other(r: Reader, tag: number, end: number, read: number, what: string): void {
  const field = tag >>> 3;
  const wire = tag & 7;
  if (field === 0) throw new Malformed(`field number 0 in ${what} at byte ${r.pos}`);
  if (field < 32 && (read >>> field) & 1) throw new Malformed(`field ${field} of ${what} has wire type ${wire}, before byte ${r.pos}`);
  switch (wire) {
    case 0:
      r.skip();
      return;
    case 1:
      fixed(r, end, 8);
      r.skip(8);
      return;
    case 2:
      r.pos = limit(r, end);
      return;
    case 3:
      r.skipType(3);
      return;
    case 5:
      fixed(r, end, 4);
      r.skip(4);
      return;
    default:
      throw new Malformed(`wire type ${wire} (field ${field} of ${what}) before byte ${r.pos}`);
  }
}

const bits = (...fields: number[]) => fields.reduce((m, f) => m | (1 << f), 0);

// ---------------------------------------------------------------- common

const ANY_VALUE_READ = bits(1, 2, 3, 4, 5, 6, 7);

/** An AnyValue at `depth`; `prev` is this field's value so far, which a second occurrence merges into. */
function anyValue(w: Wire, end: number, depth: number, prev: AttrValue): AttrValue {
  const r = w.r;
  if (depth > MAX_DEPTH) {
    w.deep = true;
    r.pos = end;
    return null;
  }
  let v = prev;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 0x0a: // 1 string_value
        v = string(r, end);
        break;
      case 0x10: // 2 bool_value
        v = int64(r) !== 0;
        break;
      case 0x18: // 3 int_value
        v = int64(r);
        break;
      case 0x21: // 4 double_value
        v = double(r, end);
        break;
      case 0x2a: // 5 array_value: ArrayValue { repeated AnyValue values = 1 }
        v = arrayValue(w, limit(r, end), depth + 1, Array.isArray(v) ? v : []);
        break;
      case 0x32: // 6 kvlist_value: KeyValueList { repeated KeyValue values = 1 }
        v = keyValues(w, limit(r, end), depth + 1, v !== null && typeof v === 'object' && !Array.isArray(v) ? v : (Object.create(null) as Attrs));
        break;
      case 0x3a: {
        // 7 bytes_value
        const stop = limit(r, end);
        v = w.bytes.toString('base64', r.pos, stop);
        r.pos = stop;
        break;
      }
      default:
        other(r, tag, end, ANY_VALUE_READ, 'an AnyValue');
    }
  }
  ends(r, end, 'an AnyValue');
  return v;
}

function arrayValue(w: Wire, end: number, depth: number, out: AttrValue[]): AttrValue[] {
  const r = w.r;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) out.push(anyValue(w, limit(r, end), depth, null));
    else other(r, tag, end, bits(1), 'an ArrayValue');
  }
  ends(r, end, 'an ArrayValue');
  return out;
}

/** The KeyValues of a KeyValueList (or of any message's attributes field, one at a time). */
function keyValues(w: Wire, end: number, depth: number, out: Attrs): Attrs {
  const r = w.r;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) keyValue(w, limit(r, end), depth, out);
    else other(r, tag, end, bits(1), 'a KeyValueList');
  }
  ends(r, end, 'a KeyValueList');
  return out;
}

/** A KeyValue into `out` (no prototype: "__proto__" is a key like any other); the last of a key wins. */
function keyValue(w: Wire, end: number, depth: number, out: Attrs): void {
  const r = w.r;
  let k = '';
  let value: AttrValue = null;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 0x0a: // 1 key
        k = key(w, end);
        break;
      case 0x12: // 2 value
        value = anyValue(w, limit(r, end), depth, value);
        break;
      default:
        other(r, tag, end, bits(1, 2), 'a KeyValue');
    }
  }
  ends(r, end, 'a KeyValue');
  out[k] = value;
}

/** Resource { repeated KeyValue attributes = 1 }, merged into `attributes`. */
function resource(w: Wire, end: number, attributes: Attrs): void {
  const r = w.r;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) keyValue(w, limit(r, end), 0, attributes);
    else other(r, tag, end, bits(1), 'a Resource');
  }
  ends(r, end, 'a Resource');
  w.settle();
}

/** InstrumentationScope { name = 1, version = 2 }, merged into `scope`. */
function scope(r: Reader, end: number, into: Scope): void {
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) into.name = string(r, end);
    else if (tag === 0x12) into.version = string(r, end);
    else other(r, tag, end, bits(1, 2), 'an InstrumentationScope');
  }
  ends(r, end, 'an InstrumentationScope');
}

type Item<T> = (w: Wire, end: number) => T | null;

/** ResourceSpans, ResourceLogs and ResourceMetrics: { Resource resource = 1; repeated Scope… = 2 }. */
function resourceItems<T>(w: Wire, end: number, item: Item<T>): ResourceItems<T> {
  const r = w.r;
  const attributes = Object.create(null) as Attrs;
  const scopes: ScopeItems<T>[] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) resource(w, limit(r, end), attributes);
    else if (tag === 0x12) scopes.push(scopeItems(w, limit(r, end), item));
    else other(r, tag, end, bits(1, 2), 'a ResourceSpans, ResourceLogs or ResourceMetrics');
  }
  ends(r, end, 'a ResourceSpans, ResourceLogs or ResourceMetrics');
  return { resource: { attributes }, scopes };
}

/** ScopeSpans, ScopeLogs and ScopeMetrics: { InstrumentationScope scope = 1; repeated items = 2 }. */
function scopeItems<T>(w: Wire, end: number, item: Item<T>): ScopeItems<T> {
  const r = w.r;
  const s: Scope = { name: '', version: '' };
  const items: T[] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) scope(r, limit(r, end), s);
    else if (tag === 0x12) {
      const x = item(w, limit(r, end));
      if (x !== null) items.push(x);
    } else other(r, tag, end, bits(1, 2), 'a ScopeSpans, ScopeLogs or ScopeMetrics');
  }
  ends(r, end, 'a ScopeSpans, ScopeLogs or ScopeMetrics');
  return { scope: s, items };
}

/** The request: { repeated Resource… resource_… = 1 }. */
function request<T>(w: Wire, item: Item<T>): ResourceItems<T>[] {
  const r = w.r;
  const end = r.len;
  const out: ResourceItems<T>[] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) out.push(resourceItems(w, limit(r, end), item));
    else other(r, tag, end, bits(1), 'the request');
  }
  ends(r, end, 'the request');
  return out;
}

// ---------------------------------------------------------------- traces

function validId(id: string, bytes: number): boolean {
  return id === '' || id.length === bytes * 2;
}

const SPAN_READ = bits(1, 2, 4, 5, 6, 7, 8, 9, 11, 15);

function span(w: Wire, end: number): Span | null {
  const r = w.r;
  let traceId = '';
  let spanId = '';
  let parentSpanId = '';
  let name = '';
  let kind = 0;
  let startNs = 0n;
  let endNs = 0n;
  const attributes = Object.create(null) as Attrs;
  const events: SpanEvent[] = [];
  const status = { code: 0, message: '' };
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 0x0a: // 1 trace_id
        traceId = hex(w, end);
        break;
      case 0x12: // 2 span_id
        spanId = hex(w, end);
        break;
      case 0x22: // 4 parent_span_id
        parentSpanId = hex(w, end);
        break;
      case 0x2a: // 5 name
        name = string(r, end);
        break;
      case 0x30: // 6 kind
        kind = varint32(r) | 0;
        break;
      case 0x39: // 7 start_time_unix_nano
        startNs = nanos(r, end);
        break;
      case 0x41: // 8 end_time_unix_nano
        endNs = nanos(r, end);
        break;
      case 0x4a: // 9 attributes
        keyValue(w, limit(r, end), 0, attributes);
        break;
      case 0x5a: // 11 events
        events.push(event(w, limit(r, end)));
        break;
      case 0x7a: // 15 status
        spanStatus(r, limit(r, end), status);
        break;
      default:
        other(r, tag, end, SPAN_READ, 'a Span');
    }
  }
  ends(r, end, 'a Span');
  // The same checks, in the same order, as the reference: a refused span is not looked into further.
  if (traceId.length !== 32 || spanId.length !== 16 || !validId(parentSpanId, ID_BYTES.span)) {
    w.deep = false;
    w.reject(`span "${name}" has an invalid trace or span id`);
    return null;
  }
  if (startNs > MAX_TIME_NS || endNs > MAX_TIME_NS) {
    w.deep = false;
    w.reject(`span "${name}" has a time past the year 2262`);
    return null;
  }
  w.settle();
  return { traceId, spanId, parentSpanId, name, kind, startNs, endNs, attributes, events, status };
}

/** Span.Event { fixed64 time_unix_nano = 1; name = 2; attributes = 3 }. */
function event(w: Wire, end: number): SpanEvent {
  const r = w.r;
  let name = '';
  let timeNs = 0n;
  const attributes = Object.create(null) as Attrs;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 0x09:
        timeNs = nanos(r, end);
        break;
      case 0x12:
        name = string(r, end);
        break;
      case 0x1a:
        keyValue(w, limit(r, end), 0, attributes);
        break;
      default:
        other(r, tag, end, bits(1, 2, 3), 'a Span.Event');
    }
  }
  ends(r, end, 'a Span.Event');
  return { name, timeNs, attributes };
}

/** Status { message = 2; code = 3 }. */
function spanStatus(r: Reader, end: number, into: { code: number; message: string }): void {
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x12) into.message = string(r, end);
    else if (tag === 0x18) into.code = varint32(r) | 0;
    else other(r, tag, end, bits(2, 3), 'a Status');
  }
  ends(r, end, 'a Status');
}

// ---------------------------------------------------------------- logs

const LOG_READ = bits(1, 2, 3, 5, 6, 9, 10, 11, 12);

function logRecord(w: Wire, end: number): LogRecord | null {
  const r = w.r;
  let timeNs = 0n;
  let observedTimeNs = 0n;
  let severityNumber = 0;
  let severityText = '';
  let eventName = '';
  let body: AttrValue = null;
  const attributes = Object.create(null) as Attrs;
  let traceId = '';
  let spanId = '';
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 0x09: // 1 time_unix_nano
        timeNs = nanos(r, end);
        break;
      case 0x59: // 11 observed_time_unix_nano
        observedTimeNs = nanos(r, end);
        break;
      case 0x10: // 2 severity_number
        severityNumber = varint32(r) | 0;
        break;
      case 0x1a: // 3 severity_text
        severityText = string(r, end);
        break;
      case 0x2a: // 5 body
        body = anyValue(w, limit(r, end), 0, body);
        break;
      case 0x32: // 6 attributes
        keyValue(w, limit(r, end), 0, attributes);
        break;
      case 0x4a: // 9 trace_id
        traceId = hex(w, end);
        break;
      case 0x52: // 10 span_id
        spanId = hex(w, end);
        break;
      case 0x62: // 12 event_name
        eventName = string(r, end);
        break;
      default:
        other(r, tag, end, LOG_READ, 'a LogRecord');
    }
  }
  ends(r, end, 'a LogRecord');
  if (!validId(traceId, ID_BYTES.trace) || !validId(spanId, ID_BYTES.span)) {
    w.deep = false;
    w.reject('log record has an invalid trace or span id');
    return null;
  }
  if (timeNs > MAX_TIME_NS || observedTimeNs > MAX_TIME_NS) {
    w.deep = false;
    w.reject('log record has a time past the year 2262');
    return null;
  }
  w.settle();
  return { timeNs, observedTimeNs, severityNumber, severityText, eventName, body, attributes, traceId, spanId };
}

// ---------------------------------------------------------------- metrics

/** Gauge { repeated NumberDataPoint data_points = 1 }, merged into `into`. */
function gauge(w: Wire, end: number, into: { points: NumberPoint[] }): void {
  const r = w.r;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) into.points.push(numberPoint(w, limit(r, end)));
    else other(r, tag, end, bits(1), 'a Gauge');
  }
  ends(r, end, 'a Gauge');
}

/** Sum { repeated NumberDataPoint data_points = 1; aggregation_temporality = 2; bool is_monotonic = 3 }, merged into `into`. */
function sum(w: Wire, end: number, into: { temporality: number; monotonic: boolean; points: NumberPoint[] }): void {
  const r = w.r;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) into.points.push(numberPoint(w, limit(r, end)));
    else if (tag === 0x10) into.temporality = varint32(r) | 0;
    else if (tag === 0x18) into.monotonic = int64(r) !== 0;
    else other(r, tag, end, bits(1, 2, 3), 'a Sum');
  }
  ends(r, end, 'a Sum');
}

/** Histogram { repeated HistogramDataPoint data_points = 1; aggregation_temporality = 2 }, merged into `into`. */
function histogram(w: Wire, end: number, into: { temporality: number; points: HistogramPoint[] }): void {
  const r = w.r;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) into.points.push(histogramPoint(w, limit(r, end)));
    else if (tag === 0x10) into.temporality = varint32(r) | 0;
    else other(r, tag, end, bits(1, 2), 'a Histogram');
  }
  ends(r, end, 'a Histogram');
}

const METRIC_READ = bits(1, 3, 5, 7, 9, 10, 11);

function metric(w: Wire, end: number): Metric {
  const r = w.r;
  let name = '';
  let unit = '';
  let data: MetricData = { type: 'other' };
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 0x0a: // 1 name
        name = string(r, end);
        break;
      case 0x1a: // 3 unit
        unit = string(r, end);
        break;
      case 0x2a: // 5 gauge
        if (data.type !== 'gauge') data = { type: 'gauge', points: [] };
        gauge(w, limit(r, end), data);
        break;
      case 0x3a: // 7 sum
        if (data.type !== 'sum') data = { type: 'sum', temporality: 0, monotonic: false, points: [] };
        sum(w, limit(r, end), data);
        break;
      case 0x4a: // 9 histogram
        if (data.type !== 'histogram') data = { type: 'histogram', temporality: 0, points: [] };
        histogram(w, limit(r, end), data);
        break;
      case 0x52: // 10 exponential_histogram
      case 0x5a: // 11 summary
        data = { type: 'other' };
        r.pos = limit(r, end);
        break;
      default:
        other(r, tag, end, METRIC_READ, 'a Metric');
    }
  }
  ends(r, end, 'a Metric');
  return { name, unit, data };
}

const NUMBER_POINT_READ = bits(2, 3, 4, 6, 7);

/** NumberDataPoint { start = 2; time = 3; oneof value { double as_double = 4; sfixed64 as_int = 6 }; attributes = 7 }. */
function numberPoint(w: Wire, end: number): NumberPoint {
  const r = w.r;
  const attributes = Object.create(null) as Attrs;
  let startNs = 0n;
  let timeNs = 0n;
  let value = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 0x11:
        startNs = nanos(r, end);
        break;
      case 0x19:
        timeNs = nanos(r, end);
        break;
      case 0x21:
        value = double(r, end);
        break;
      case 0x31:
        value = sfixed64(r, end);
        break;
      case 0x3a:
        keyValue(w, limit(r, end), 0, attributes);
        break;
      default:
        other(r, tag, end, NUMBER_POINT_READ, 'a NumberDataPoint');
    }
  }
  ends(r, end, 'a NumberDataPoint');
  w.settle();
  return { attributes, startNs, timeNs, value };
}

const HISTOGRAM_POINT_READ = bits(2, 3, 4, 5, 6, 7, 9);

/** HistogramDataPoint { start = 2; time = 3; fixed64 count = 4; optional double sum = 5; bucket_counts = 6; explicit_bounds = 7; attributes = 9 }. */
function histogramPoint(w: Wire, end: number): HistogramPoint {
  const r = w.r;
  const attributes = Object.create(null) as Attrs;
  let startNs = 0n;
  let timeNs = 0n;
  let count = 0;
  let sum: number | null = null;
  const bucketCounts: number[] = [];
  const explicitBounds: number[] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 0x11:
        startNs = nanos(r, end);
        break;
      case 0x19:
        timeNs = nanos(r, end);
        break;
      case 0x21:
        count = uint64(r, end);
        break;
      case 0x29:
        sum = double(r, end);
        break;
      case 0x31: // 6 bucket_counts, one
        bucketCounts.push(uint64(r, end));
        break;
      case 0x32: {
        // 6 bucket_counts, packed
        const stop = packed(r, end);
        while (r.pos < stop) bucketCounts.push(uint64(r, stop));
        break;
      }
      case 0x39: // 7 explicit_bounds, one
        explicitBounds.push(double(r, end));
        break;
      case 0x3a: {
        // 7 explicit_bounds, packed
        const stop = packed(r, end);
        while (r.pos < stop) explicitBounds.push(double(r, stop));
        break;
      }
      case 0x4a:
        keyValue(w, limit(r, end), 0, attributes);
        break;
      default:
        other(r, tag, end, HISTOGRAM_POINT_READ, 'a HistogramDataPoint');
    }
  }
  ends(r, end, 'a HistogramDataPoint');
  w.settle();
  return { attributes, startNs, timeNs, count, sum, bucketCounts, explicitBounds };
}

/** The end of a packed run of 8-byte values. */
function packed(r: Reader, end: number): number {
  const stop = limit(r, end);
  if ((stop - r.pos) % 8 !== 0) throw new Malformed(`a packed field of ${stop - r.pos} bytes at byte ${r.pos} is not a run of 8-byte values`);
  return stop;
}

// ---------------------------------------------------------------- the request

function decode(signal: Signal, w: Wire): Decoded {
  switch (signal) {
    case 'traces':
      return { request: { signal, resources: request(w, span) }, rejected: w.rejected, rejectReason: w.rejectReason };
    case 'logs':
      return { request: { signal, resources: request(w, logRecord) }, rejected: w.rejected, rejectReason: w.rejectReason };
    case 'metrics':
      return { request: { signal, resources: request(w, metric) }, rejected: 0, rejectReason: '' };
  }
}

export function decodeProtobuf(signal: Signal, body: Uint8Array): Decoded {
  try {
    return decode(signal, new Wire(body));
  } catch (err) {
    if (err instanceof DecodeError) throw err;
    // The Reader's own refusals: a RangeError past the end of the body, an Error for a bad group.
    if (err instanceof Malformed || err instanceof RangeError || (err as Error).constructor === Error)
      throw new DecodeError(`cannot decode ${signal} protobuf: ${(err as Error).message}`);
    throw err;
  }
}

// ---------------------------------------------------------------- answers

// The OTLP messages as generated by the OpenTelemetry JS project (protobufjs static code).
const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const root: any = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');
const v1 = root.opentelemetry.proto;

const RESPONSE = {
  traces: v1.collector.trace.v1.ExportTraceServiceResponse,
  metrics: v1.collector.metrics.v1.ExportMetricsServiceResponse,
  logs: v1.collector.logs.v1.ExportLogsServiceResponse,
};
const REJECTED_FIELD = { traces: 'rejectedSpans', metrics: 'rejectedDataPoints', logs: 'rejectedLogRecords' } as const;

export function encodeProtobufResponse(signal: Signal, rejected: number, message: string): Uint8Array {
  const body = rejected > 0 ? { partialSuccess: { [REJECTED_FIELD[signal]]: rejected, errorMessage: message } } : {};
  return RESPONSE[signal].encode(RESPONSE[signal].create(body)).finish();
}

export function encodeProtobufStatus(code: number, message: string): Uint8Array {
  // google.rpc.Status, which the generated root does not carry: code = 1 (varint), message = 2 (string).
  return protobuf.Writer.create().uint32(0x08).int32(code).uint32(0x12).string(message).finish();
}
