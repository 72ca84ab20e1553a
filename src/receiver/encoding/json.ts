import type {
  AttrValue,
  Attrs,
  HistogramPoint,
  LogRecord,
  Metric,
  MetricData,
  NumberPoint,
  ResourceItems,
  Signal,
  Span,
} from '../../otlp/request.js';
import { DecodeError, ID_BYTES, MAX_TIME_NS, idFromText, type Decoded } from './decoded.js';

/*
 * OTLP/JSON read as leniently as the Collector reads it: lowerCamelCase or snake_case keys,
 * ids in hex of either case, 64-bit integers as strings or numbers, enums by name or number,
 * unknown fields ignored. A value of the wrong type is a DecodeError naming where it is.
 */

type Obj = Record<string, unknown>;

const SNAKE = new Map<string, string>();

/** traceId → trace_id, remembered: the same few dozen keys are asked for on every item. */
function snake(key: string): string {
  let s = SNAKE.get(key);
  if (s === undefined) SNAKE.set(key, (s = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)));
  return s;
}

function get(o: Obj, key: string): unknown {
  const v = o[key];
  return v !== undefined ? v : o[snake(key)];
}

function obj(v: unknown, where: string): Obj {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new DecodeError(`${where} must be an object`);
  return v as Obj;
}

function arr(v: unknown, where: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new DecodeError(`${where} must be an array`);
  return v;
}

function str(v: unknown, where: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new DecodeError(`${where} must be a string`);
  return v;
}

// Past 20 digits no 64-bit integer fits; BigInt of millions of digits would block the loop for seconds.
const INTEGER = /^-?\d{1,20}$/;

function nanos(v: unknown, where: string): bigint {
  if (v === undefined || v === null) return 0n;
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.trunc(v));
  if (typeof v === 'string' && INTEGER.test(v)) return BigInt(v);
  throw new DecodeError(`${where} must be an integer`);
}

function num(v: unknown, where: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return Number(v);
  throw new DecodeError(`${where} must be a number`);
}

function enumValue(v: unknown, names: Record<string, number>, where: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string') {
    const n = Object.hasOwn(names, v) ? names[v] : undefined;
    if (n !== undefined) return n;
    if (INTEGER.test(v)) return Number(v);
  }
  throw new DecodeError(`${where} has an unknown value ${JSON.stringify(v)}`);
}

const SPAN_KIND: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODE: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };
const TEMPORALITY: Record<string, number> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: 1,
  AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
};
const SEVERITY: Record<string, number> = Object.fromEntries(
  ['UNSPECIFIED', 'TRACE', 'TRACE2', 'TRACE3', 'TRACE4', 'DEBUG', 'DEBUG2', 'DEBUG3', 'DEBUG4', 'INFO', 'INFO2', 'INFO3', 'INFO4', 'WARN', 'WARN2', 'WARN3', 'WARN4', 'ERROR', 'ERROR2', 'ERROR3', 'ERROR4', 'FATAL', 'FATAL2', 'FATAL3', 'FATAL4'].map(
    (name, i) => [`SEVERITY_NUMBER_${name}`, i],
  ),
);

/** Deeper values than any SDK writes are refused before they overflow the stack. */
const MAX_DEPTH = 64;

function anyValue(v: unknown, where: string, depth = 0): AttrValue {
  if (depth > MAX_DEPTH) throw new DecodeError(`an attribute value is nested deeper than ${MAX_DEPTH} levels`);
  const o = obj(v, where);
  let x: unknown;
  if ((x = get(o, 'stringValue')) !== undefined) return str(x, `${where}.stringValue`);
  if ((x = get(o, 'boolValue')) !== undefined) {
    if (typeof x !== 'boolean') throw new DecodeError(`${where}.boolValue must be a boolean`);
    return x;
  }
  if ((x = get(o, 'intValue')) !== undefined) return Number(nanos(x, `${where}.intValue`));
  if ((x = get(o, 'doubleValue')) !== undefined) return num(x, `${where}.doubleValue`);
  if ((x = get(o, 'arrayValue')) !== undefined)
    return arr(get(obj(x, where), 'values'), `${where}.arrayValue.values`).map((e, i) => anyValue(e, `${where}[${i}]`, depth + 1));
  if ((x = get(o, 'kvlistValue')) !== undefined) return attributes(get(obj(x, where), 'values'), where, depth + 1);
  if ((x = get(o, 'bytesValue')) !== undefined) return str(x, `${where}.bytesValue`);
  return null;
}

function attributes(v: unknown, where: string, depth = 0): Attrs {
  // No prototype: a key named "__proto__" is an attribute like any other.
  const out = Object.create(null) as Attrs;
  arr(v, `${where}.attributes`).forEach((kv, i) => {
    const o = obj(kv, `${where}.attributes[${i}]`);
    const key = str(get(o, 'key'), `${where}.attributes[${i}].key`);
    out[key] = anyValue(get(o, 'value'), `${where}.attributes[${i}]`, depth);
  });
  return out;
}

class Rejections {
  count = 0;
  reason = '';
  reject(reason: string): void {
    this.count++;
    this.reason ||= reason;
  }
}

function span(v: unknown, where: string, rej: Rejections): Span | null {
  const o = obj(v, where);
  const name = str(get(o, 'name'), `${where}.name`);
  const traceId = idFromText(str(get(o, 'traceId'), `${where}.traceId`), ID_BYTES.trace);
  const spanId = idFromText(str(get(o, 'spanId'), `${where}.spanId`), ID_BYTES.span);
  const parentSpanId = idFromText(str(get(o, 'parentSpanId'), `${where}.parentSpanId`), ID_BYTES.span);
  if (!traceId || !spanId || parentSpanId === null) {
    rej.reject(`span "${name}" has an invalid trace or span id`);
    return null;
  }
  const status = obj(get(o, 'status'), `${where}.status`);
  const startNs = nanos(get(o, 'startTimeUnixNano'), `${where}.startTimeUnixNano`);
  const endNs = nanos(get(o, 'endTimeUnixNano'), `${where}.endTimeUnixNano`);
  if (startNs > MAX_TIME_NS || endNs > MAX_TIME_NS) {
    rej.reject(`span "${name}" has a time past the year 2262`);
    return null;
  }
  return {
    traceId,
    spanId,
    parentSpanId,
    name,
    kind: enumValue(get(o, 'kind'), SPAN_KIND, `${where}.kind`),
    startNs,
    endNs,
    attributes: attributes(get(o, 'attributes'), where),
    events: arr(get(o, 'events'), `${where}.events`).map((e, i) => {
      const eo = obj(e, `${where}.events[${i}]`);
      return {
        name: str(get(eo, 'name'), `${where}.events[${i}].name`),
        timeNs: nanos(get(eo, 'timeUnixNano'), `${where}.events[${i}].timeUnixNano`),
        attributes: attributes(get(eo, 'attributes'), `${where}.events[${i}]`),
      };
    }),
    status: {
      code: enumValue(get(status, 'code'), STATUS_CODE, `${where}.status.code`),
      message: str(get(status, 'message'), `${where}.status.message`),
    },
  };
}

function logRecord(v: unknown, where: string, rej: Rejections): LogRecord | null {
  const o = obj(v, where);
  const traceId = idFromText(str(get(o, 'traceId'), `${where}.traceId`), ID_BYTES.trace);
  const spanId = idFromText(str(get(o, 'spanId'), `${where}.spanId`), ID_BYTES.span);
  if (traceId === null || spanId === null) {
    rej.reject('log record has an invalid trace or span id');
    return null;
  }
  const body = get(o, 'body');
  const timeNs = nanos(get(o, 'timeUnixNano'), `${where}.timeUnixNano`);
  const observedTimeNs = nanos(get(o, 'observedTimeUnixNano'), `${where}.observedTimeUnixNano`);
  if (timeNs > MAX_TIME_NS || observedTimeNs > MAX_TIME_NS) {
    rej.reject('log record has a time past the year 2262');
    return null;
  }
  return {
    timeNs,
    observedTimeNs,
    severityNumber: enumValue(get(o, 'severityNumber'), SEVERITY, `${where}.severityNumber`),
    severityText: str(get(o, 'severityText'), `${where}.severityText`),
    eventName: str(get(o, 'eventName'), `${where}.eventName`),
    body: body === undefined || body === null ? null : anyValue(body, `${where}.body`),
    attributes: attributes(get(o, 'attributes'), where),
    traceId,
    spanId,
  };
}

function numberPoint(v: unknown, where: string): NumberPoint {
  const o = obj(v, where);
  const asDouble = get(o, 'asDouble');
  return {
    attributes: attributes(get(o, 'attributes'), where),
    startNs: nanos(get(o, 'startTimeUnixNano'), `${where}.startTimeUnixNano`),
    timeNs: nanos(get(o, 'timeUnixNano'), `${where}.timeUnixNano`),
    value: asDouble !== undefined ? num(asDouble, `${where}.asDouble`) : Number(nanos(get(o, 'asInt'), `${where}.asInt`)),
  };
}

function histogramPoint(v: unknown, where: string): HistogramPoint {
  const o = obj(v, where);
  const sum = get(o, 'sum');
  return {
    attributes: attributes(get(o, 'attributes'), where),
    startNs: nanos(get(o, 'startTimeUnixNano'), `${where}.startTimeUnixNano`),
    timeNs: nanos(get(o, 'timeUnixNano'), `${where}.timeUnixNano`),
    count: Number(nanos(get(o, 'count'), `${where}.count`)),
    sum: sum === undefined || sum === null ? null : num(sum, `${where}.sum`),
    bucketCounts: arr(get(o, 'bucketCounts'), `${where}.bucketCounts`).map((c, i) =>
      Number(nanos(c, `${where}.bucketCounts[${i}]`)),
    ),
    explicitBounds: arr(get(o, 'explicitBounds'), `${where}.explicitBounds`).map((b, i) =>
      num(b, `${where}.explicitBounds[${i}]`),
    ),
  };
}

function metric(v: unknown, where: string): Metric {
  const o = obj(v, where);
  const points = (d: Obj, f: (p: unknown, w: string) => NumberPoint | HistogramPoint) =>
    arr(get(d, 'dataPoints'), `${where}.dataPoints`).map((p, i) => f(p, `${where}.dataPoints[${i}]`));
  let data: MetricData = { type: 'other' };
  let d: unknown;
  if ((d = get(o, 'sum')) != null) {
    const s = obj(d, `${where}.sum`);
    data = {
      type: 'sum',
      temporality: enumValue(get(s, 'aggregationTemporality'), TEMPORALITY, `${where}.sum.aggregationTemporality`),
      monotonic: get(s, 'isMonotonic') === true,
      points: points(s, numberPoint) as NumberPoint[],
    };
  } else if ((d = get(o, 'gauge')) != null) {
    data = { type: 'gauge', points: points(obj(d, `${where}.gauge`), numberPoint) as NumberPoint[] };
  } else if ((d = get(o, 'histogram')) != null) {
    const h = obj(d, `${where}.histogram`);
    data = {
      type: 'histogram',
      temporality: enumValue(get(h, 'aggregationTemporality'), TEMPORALITY, `${where}.histogram.aggregationTemporality`),
      points: points(h, histogramPoint) as HistogramPoint[],
    };
  }
  return { name: str(get(o, 'name'), `${where}.name`), unit: str(get(o, 'unit'), `${where}.unit`), data };
}

function resources<T>(
  top: Obj,
  listKey: string,
  scopesKey: string,
  itemsKey: string,
  item: (v: unknown, where: string) => T | null,
): ResourceItems<T>[] {
  return arr(get(top, listKey), listKey).map((r, ri) => {
    const rw = `${listKey}[${ri}]`;
    const ro = obj(r, rw);
    return {
      resource: { attributes: attributes(get(obj(get(ro, 'resource'), `${rw}.resource`), 'attributes'), `${rw}.resource`) },
      scopes: arr(get(ro, scopesKey), `${rw}.${scopesKey}`).map((s, si) => {
        const sw = `${rw}.${scopesKey}[${si}]`;
        const so = obj(s, sw);
        const scope = obj(get(so, 'scope'), `${sw}.scope`);
        return {
          scope: { name: str(get(scope, 'name'), `${sw}.scope.name`), version: str(get(scope, 'version'), `${sw}.scope.version`) },
          items: arr(get(so, itemsKey), `${sw}.${itemsKey}`)
            .map((x, xi) => item(x, `${sw}.${itemsKey}[${xi}]`))
            .filter((x): x is T => x !== null),
        };
      }),
    };
  });
}

export function decodeJson(signal: Signal, body: Uint8Array): Decoded {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (err) {
    throw new DecodeError(`cannot parse JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new DecodeError('the body must be a JSON object');
  const top = parsed as Obj;
  const rej = new Rejections();
  const done = (request: Decoded['request']): Decoded => ({ request, rejected: rej.count, rejectReason: rej.reason });
  switch (signal) {
    case 'traces':
      return done({ signal, resources: resources(top, 'resourceSpans', 'scopeSpans', 'spans', (v, w) => span(v, w, rej)) });
    case 'logs':
      return done({ signal, resources: resources(top, 'resourceLogs', 'scopeLogs', 'logRecords', (v, w) => logRecord(v, w, rej)) });
    case 'metrics':
      return done({ signal, resources: resources(top, 'resourceMetrics', 'scopeMetrics', 'metrics', metric) });
  }
}

const REJECTED_FIELD = { traces: 'rejectedSpans', metrics: 'rejectedDataPoints', logs: 'rejectedLogRecords' } as const;

export function encodeJsonResponse(signal: Signal, rejected: number, message: string): Uint8Array {
  const body = rejected > 0 ? { partialSuccess: { [REJECTED_FIELD[signal]]: String(rejected), errorMessage: message } } : {};
  return Buffer.from(JSON.stringify(body));
}

export function encodeJsonStatus(code: number, message: string): Uint8Array {
  return Buffer.from(JSON.stringify({ code, message }));
}
