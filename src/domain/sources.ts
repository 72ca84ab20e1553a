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
  /** llmtop's provider proxy, when it is on. */
  proxy?: ProxySource | null;
}

/** llmtop's provider proxy: where it relays each provider's requests, and what it relayed since it started. */
export interface ProxySource {
  /** http://127.0.0.1:PORT */
  origin: string;
  routes: ProxyRoute[];
  /** Requests refused (another Host, a web page's Origin, an unknown path). */
  refused: number;
  /** Calls relayed but not recorded: the pipeline was behind on writes. */
  dropped: number;
}

export interface ProxyRoute {
  /** openai, anthropic, gemini: the path prefix an SDK's base URL ends in. */
  route: string;
  provider: string;
  /** Where its requests go; `custom` when that is the user's own base URL. */
  upstream: string;
  custom: boolean;
  /** Requests recorded as calls, and those of them that failed. */
  calls: number;
  errors: number;
  /** Other requests relayed (listing models, counting tokens): not calls. */
  other: number;
  lastSeenMs: number | null;
}

/** Calls of a window by how they arrived: through the proxy, over OTLP (a call seen both ways counts in both). */
export interface CaptureCounts {
  proxy: number;
  otlp: number;
}
