import protobuf from 'protobufjs/minimal.js';
import type { Signal } from '../../src/otlp/request.js';

/*
 * Which protobuf bodies both llmtop decoders must read alike: those that are well formed by
 * protobuf's rules, field by field, over the whole OTLP schema (the .proto files, as in the
 * generated root.js), and that avoid the few constructs where the reference decoder (protobufjs's
 * generated code) departs from those rules:
 * - a singular message field twice: protobufjs keeps the last, protobuf merges them;
 * - two members of a oneof: the reference prefers one by its own order, protobuf takes the last;
 * - a known field with another wire type: protobufjs reads it as its declared type anyway;
 * - a field running past the end of its message: protobufjs reads on into the next one;
 * - a varint of 6 to 9 bytes in a 32-bit field: protobufjs takes it as 10 bytes long; a bool
 *   of 2^32 or more: protobufjs reads its low 32 bits;
 * - field number 0, groups, varints over 10 bytes, nesting past the reference's stack.
 * The new decoder follows protobuf in the first two and refuses the others, or skips them in
 * fields it does not read; the differential test compares the two only on bodies this passes.
 */

type Scalar = 'string' | 'bytes' | 'int32' | 'uint32' | 'sint32' | 'bool' | 'int64' | 'uint64' | 'fixed32' | 'fixed64' | 'double';

interface Field {
  type: Scalar | string;
  repeated?: boolean;
  oneof?: string;
}

const f = (type: string, more: Omit<Field, 'type'> = {}): Field => ({ type, ...more });
const rep = (type: string): Field => ({ type, repeated: true });
const one = (type: string, oneof: string): Field => ({ type, oneof });

const KV = rep('KeyValue');
const RESOURCE_ITEMS = (scopes: string) => ({ 1: f('Resource'), 2: rep(scopes), 3: f('string') });
const SCOPE_ITEMS = (items: string) => ({ 1: f('InstrumentationScope'), 2: rep(items), 3: f('string') });

const SCHEMA: Record<string, Record<number, Field>> = {
  AnyValue: {
    1: one('string', 'value'),
    2: one('bool', 'value'),
    3: one('int64', 'value'),
    4: one('double', 'value'),
    5: one('ArrayValue', 'value'),
    6: one('KeyValueList', 'value'),
    7: one('bytes', 'value'),
  },
  ArrayValue: { 1: rep('AnyValue') },
  KeyValueList: { 1: KV },
  KeyValue: { 1: f('string'), 2: f('AnyValue') },
  InstrumentationScope: { 1: f('string'), 2: f('string'), 3: KV, 4: f('uint32') },
  EntityRef: { 1: f('string'), 2: f('string'), 3: rep('string'), 4: rep('string') },
  Resource: { 1: KV, 2: f('uint32'), 3: rep('EntityRef') },

  ExportTraceServiceRequest: { 1: rep('ResourceSpans') },
  ResourceSpans: RESOURCE_ITEMS('ScopeSpans'),
  ScopeSpans: SCOPE_ITEMS('Span'),
  Span: {
    1: f('bytes'),
    2: f('bytes'),
    3: f('string'),
    4: f('bytes'),
    5: f('string'),
    6: f('int32'),
    7: f('fixed64'),
    8: f('fixed64'),
    9: KV,
    10: f('uint32'),
    11: rep('Event'),
    12: f('uint32'),
    13: rep('Link'),
    14: f('uint32'),
    15: f('Status'),
    16: f('fixed32'),
  },
  Event: { 1: f('fixed64'), 2: f('string'), 3: KV, 4: f('uint32') },
  Link: { 1: f('bytes'), 2: f('bytes'), 3: f('string'), 4: KV, 5: f('uint32'), 6: f('fixed32') },
  Status: { 2: f('string'), 3: f('int32') },

  ExportLogsServiceRequest: { 1: rep('ResourceLogs') },
  ResourceLogs: RESOURCE_ITEMS('ScopeLogs'),
  ScopeLogs: SCOPE_ITEMS('LogRecord'),
  LogRecord: {
    1: f('fixed64'),
    2: f('int32'),
    3: f('string'),
    5: f('AnyValue'),
    6: KV,
    7: f('uint32'),
    8: f('fixed32'),
    9: f('bytes'),
    10: f('bytes'),
    11: f('fixed64'),
    12: f('string'),
  },

  ExportMetricsServiceRequest: { 1: rep('ResourceMetrics') },
  ResourceMetrics: RESOURCE_ITEMS('ScopeMetrics'),
  ScopeMetrics: SCOPE_ITEMS('Metric'),
  Metric: {
    1: f('string'),
    2: f('string'),
    3: f('string'),
    5: one('Gauge', 'data'),
    7: one('Sum', 'data'),
    9: one('Histogram', 'data'),
    10: one('ExponentialHistogram', 'data'),
    11: one('Summary', 'data'),
    12: KV,
  },
  Gauge: { 1: rep('NumberDataPoint') },
  Sum: { 1: rep('NumberDataPoint'), 2: f('int32'), 3: f('bool') },
  Histogram: { 1: rep('HistogramDataPoint'), 2: f('int32') },
  ExponentialHistogram: { 1: rep('ExponentialHistogramDataPoint'), 2: f('int32') },
  Summary: { 1: rep('SummaryDataPoint') },
  NumberDataPoint: { 2: f('fixed64'), 3: f('fixed64'), 4: one('double', 'value'), 5: rep('Exemplar'), 6: one('fixed64', 'value'), 7: KV, 8: f('uint32') },
  HistogramDataPoint: {
    2: f('fixed64'),
    3: f('fixed64'),
    4: f('fixed64'),
    5: f('double'),
    6: rep('fixed64'),
    7: rep('double'),
    8: rep('Exemplar'),
    9: KV,
    10: f('uint32'),
    11: f('double'),
    12: f('double'),
  },
  ExponentialHistogramDataPoint: {
    1: KV,
    2: f('fixed64'),
    3: f('fixed64'),
    4: f('fixed64'),
    5: f('double'),
    6: f('sint32'),
    7: f('fixed64'),
    8: f('Buckets'),
    9: f('Buckets'),
    10: f('uint32'),
    11: rep('Exemplar'),
    12: f('double'),
    13: f('double'),
    14: f('double'),
  },
  Buckets: { 1: f('sint32'), 2: rep('uint64') },
  SummaryDataPoint: { 2: f('fixed64'), 3: f('fixed64'), 4: f('fixed64'), 5: f('double'), 6: rep('ValueAtQuantile'), 7: KV, 8: f('uint32') },
  ValueAtQuantile: { 1: f('double'), 2: f('double') },
  Exemplar: { 2: f('fixed64'), 3: one('double', 'value'), 4: f('bytes'), 5: f('bytes'), 6: one('fixed64', 'value'), 7: KV },
};

const REQUEST: Record<Signal, string> = {
  traces: 'ExportTraceServiceRequest',
  logs: 'ExportLogsServiceRequest',
  metrics: 'ExportMetricsServiceRequest',
};

const WIRE: Record<Scalar, number> = {
  string: 2,
  bytes: 2,
  int32: 0,
  uint32: 0,
  sint32: 0,
  bool: 0,
  int64: 0,
  uint64: 0,
  fixed32: 5,
  fixed64: 1,
  double: 1,
};

/** Read as 32 bits by protobufjs (Reader.uint32): a varint of 6 to 9 bytes leaves it misaligned. */
const VARINT32 = new Set(['int32', 'uint32', 'sint32', 'bool']);

/** Nesting the reference decodes without running out of stack, with room to spare. */
const MAX_NESTING = 500;

class Odd extends Error {}

function varintLength(r: protobuf.Reader, end: number): number {
  const at = r.pos;
  r.skip();
  if (r.pos > end) throw new Odd(`a varint at ${at} crosses the end of its message`);
  return r.pos - at;
}

function lengthOf(r: protobuf.Reader, end: number): number {
  const at = r.pos;
  if (varintLength(r, end) > 5) throw new Odd(`a length over 5 bytes at ${at}`);
  r.pos = at;
  const stop = r.uint32() + r.pos;
  if (stop > end) throw new Odd(`a length at ${at} past the end of its message`);
  return stop;
}

function scalar(r: protobuf.Reader, type: Scalar, end: number): void {
  switch (type) {
    case 'string':
    case 'bytes':
      r.pos = lengthOf(r, end);
      return;
    case 'fixed32':
    case 'fixed64':
    case 'double': {
      const size = type === 'fixed32' ? 4 : 8;
      if (r.pos + size > end) throw new Odd(`a ${size}-byte field at ${r.pos} past the end of its message`);
      r.pos += size;
      return;
    }
    default: {
      const n = varintLength(r, end);
      if (n > 10) throw new Odd('a varint over 10 bytes');
      if (VARINT32.has(type) && n > 5 && n < 10) throw new Odd(`a ${n}-byte varint in a ${type} field`);
      // A bool past 2^28 may have all its low 32 bits clear: protobufjs reads false.
      if (type === 'bool' && n > 4) throw new Odd(`a ${n}-byte bool`);
    }
  }
}

function message(r: protobuf.Reader, type: string, end: number, nesting: number): void {
  if (nesting > MAX_NESTING) throw new Odd('nested too deep for the reference');
  const fields = SCHEMA[type]!;
  const seen = new Set<number>();
  const oneofs = new Map<string, number>();
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.uint32();
    if (r.pos - at > 5) throw new Odd(`a tag over 5 bytes at ${at}`);
    if (r.pos > end) throw new Odd(`a tag at ${at} crosses the end of its message`);
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 0) throw new Odd(`field 0 at ${at}`);
    const fd = fields[field];
    if (!fd) {
      // Unknown to the schema: both skip it by its wire type.
      if (wire === 0) varintLength(r, end);
      else if (wire === 1 || wire === 5) scalar(r, wire === 1 ? 'fixed64' : 'fixed32', end);
      else if (wire === 2) r.pos = lengthOf(r, end);
      else throw new Odd(`wire type ${wire} at ${at}`);
      continue;
    }
    if (fd.oneof) {
      const member = oneofs.get(fd.oneof);
      if (member !== undefined && member !== field) throw new Odd(`two members of ${type}.${fd.oneof}`);
      oneofs.set(fd.oneof, field);
    }
    const isScalar = fd.type in WIRE;
    if (!fd.repeated) {
      if (!isScalar && seen.has(field)) throw new Odd(`${type} field ${field} (a message) twice`);
      seen.add(field);
    }
    if (!isScalar) {
      if (wire !== 2) throw new Odd(`${type} field ${field} with wire type ${wire}`);
      const stop = lengthOf(r, end);
      message(r, fd.type, stop, nesting + 1);
      continue;
    }
    const t = fd.type as Scalar;
    if (wire === WIRE[t]) scalar(r, t, end);
    else if (wire === 2 && fd.repeated && WIRE[t] !== 2) {
      // Packed.
      const stop = lengthOf(r, end);
      while (r.pos < stop) scalar(r, t, stop);
    } else throw new Odd(`${type} field ${field} with wire type ${wire}`);
  }
  if (r.pos !== end) throw new Odd(`${type} runs past its end`);
}

/** null when both decoders must read `body` alike, or what makes it one they may read differently. */
export function oddity(signal: Signal, body: Uint8Array): string | null {
  const r = protobuf.Reader.create(body);
  try {
    message(r, REQUEST[signal], r.len, 0);
    return null;
  } catch (err) {
    return err instanceof Odd ? err.message : `unreadable: ${(err as Error).message}`;
  }
}
