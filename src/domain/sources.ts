/** One sender: a service, its SDK and one instrumentation scope, as the receiver saw it. */
export interface Sender {
  service: string;
  sdk: { name: string; language: string; version: string };
  scope: { name: string; version: string };
  protocol: 'http' | 'grpc';
  /** protobuf, json, or the Content-Type given when it is neither. */
  encoding: string;
  /** Content-Encoding of its last request: gzip, or none. */
  compression: string;
  lastSeenMs: number;
  /** Spans, log records and metric points per second over the last minute. */
  itemsPerSecond: number;
  items: { spans: number; logs: number; metricPoints: number };
  /** Requests answered with an error, by status, with the last reason. */
  refused: { status: number; count: number; reason: string }[];
}

export type HintKind = 'no-text' | 'no-tokens' | 'no-ttft' | 'modelless' | 'unpriced';

/** Something a service's telemetry lacks, and how to turn it on when a setting does. */
export interface Hint {
  service: string;
  kind: HintKind;
  message: string;
  fix: string | null;
}

export interface SourcesReport {
  sources: Sender[];
  hints: Hint[];
}
