/**
 * OTLP requests as the receiver decoded them, one shape for protobuf and JSON.
 * Ids are lowercase hex ('' when absent); timestamps are nanoseconds since the epoch;
 * attribute values are plain JavaScript values (kvlists become objects).
 */
export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue };
export type Attrs = Record<string, AttrValue>;

export interface Resource {
  attributes: Attrs;
}

export interface Scope {
  name: string;
  version: string;
}

export interface SpanEvent {
  name: string;
  timeNs: bigint;
  attributes: Attrs;
}

export const SPAN_STATUS_ERROR = 2;
export const SPAN_KIND_CLIENT = 3;

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Attrs;
  events: SpanEvent[];
  status: { code: number; message: string };
}

export interface LogRecord {
  timeNs: bigint;
  observedTimeNs: bigint;
  severityNumber: number;
  severityText: string;
  eventName: string;
  body: AttrValue;
  attributes: Attrs;
  traceId: string;
  spanId: string;
}

export interface NumberPoint {
  attributes: Attrs;
  startNs: bigint;
  timeNs: bigint;
  value: number;
}

export interface HistogramPoint {
  attributes: Attrs;
  startNs: bigint;
  timeNs: bigint;
  count: number;
  sum: number | null;
  bucketCounts: number[];
  explicitBounds: number[];
}

export const TEMPORALITY_CUMULATIVE = 2;

export type MetricData =
  | { type: 'gauge'; points: NumberPoint[] }
  | { type: 'sum'; temporality: number; monotonic: boolean; points: NumberPoint[] }
  | { type: 'histogram'; temporality: number; points: HistogramPoint[] }
  | { type: 'other' };

export interface Metric {
  name: string;
  unit: string;
  data: MetricData;
}

export interface ScopeItems<T> {
  scope: Scope;
  items: T[];
}

export interface ResourceItems<T> {
  resource: Resource;
  scopes: ScopeItems<T>[];
}

export type Signal = 'traces' | 'metrics' | 'logs';

export type OtlpRequest =
  | { signal: 'traces'; resources: ResourceItems<Span>[] }
  | { signal: 'logs'; resources: ResourceItems<LogRecord>[] }
  | { signal: 'metrics'; resources: ResourceItems<Metric>[] };
