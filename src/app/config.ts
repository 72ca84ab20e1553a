import type { LoopRule } from '../domain/loop.js';
import type { Budget } from '../domain/money.js';
import type { Upstream } from '../proxy/routes.js';

/** Everything a running llmtop is told by its command line. */
export interface Config {
  port: number;
  host: string;
  /** SQLite file path, or ':memory:'. */
  db: string;
  maxCalls: number;
  retentionMs: number;
  windowMs: number;
  pricingFile: string | null;
  content: boolean;
  headless: boolean;
  /** Feed synthetic traffic to the receiver itself. */
  demo: boolean;
  /** Upstream OTLP/HTTP endpoint every accepted request is relayed to, or null. */
  forward: string | null;
  /** Calls slower than this, or with more tokens than this, are shown in red. */
  slowMs: number;
  maxTokensPerCall: number;
  /** Bearer token required on the OTLP and API routes, or null. */
  token: string | null;
  /** Origins allowed by CORS ('*' for any); empty: CORS off. */
  corsOrigins: string[];
  /** OTLP/gRPC port; null for none. */
  grpcPort: number | null;
  /** --budget: a spending limit shown as a gauge and announced at 80% and 100%; null for none. */
  budget: Budget | null;
  /** --loop: how many near-identical calls within how long make a loop. */
  loop: LoopRule;
  /** `llmtop -- CMD`: stop CMD when a loop is flagged, or when the budget is spent. */
  stopOnLoop: boolean;
  stopOnBudget: boolean;
  /** The provider proxy (on by default under `llmtop -- CMD`, or --proxy); null when off. */
  proxy: ProxyConfig | null;
}

export interface ProxyConfig {
  /** Its own loopback port; 0 for a free one (--proxy-port). */
  port: number;
  /** Where each provider's requests go: the user's own base URL, or the provider's. */
  upstreams: Upstream[];
  /** Base URLs in the environment that could not be used, one line each, for a warning. */
  problems: string[];
  /** The service its calls are counted under: the app's name, as far as llmtop can tell. */
  service: string;
  /** A certificate to trust for upstreams besides Node's own (tests; users set NODE_EXTRA_CA_CERTS). */
  ca?: string;
}

export const LIMITS = {
  /** The OTLP spec's recommended body limit, applied after decompression too. */
  maxBodyBytes: 64 * 1024 * 1024,
  /** How far back the live windows reach. */
  horizonMs: 24 * 3600_000,
  /** Calls whose text stays in memory for the log. */
  recentCalls: 2000,
  /** Characters of prompt and response those calls hold at most (16-32 MiB): fewer calls when their text is long. */
  recentTextChars: 16 * 1024 * 1024,
  /** Bytes of request bodies held at once (as sent and decompressed, from read to answer; OTLP/HTTP and gRPC) before requests are refused with 503 or UNAVAILABLE. */
  maxHeldBodyBytes: 128 * 1024 * 1024,
  /** Fragments waiting for a commit before requests are refused with 503. */
  maxPending: 500_000,
  /**
   * Fragments and points in one commit at most (whole requests, one at least; an export of 100
   * spans counts 200). A file's commits run in the writer thread, but each batch's statistics are
   * worked out on the event loop (some 1.5 ms an export), and an in-memory store commits there
   * too (7-10 ms an export): a read waits for at most one batch. 1,000 and 2,000 measured within
   * the noise of it.
   */
  maxPerCommit: 100,
  /**
   * Milliseconds of decoding exports let into one turn of the event loop (see TurnBudget): with a
   * commit, the work a read can wait behind during full-speed ingest.
   */
  decodeMsPerTurn: 8,
  retryAfterSeconds: 1,
  /** Requests, and bytes of them, held for --forward while the upstream is down. */
  relayQueue: 10_000,
  relayQueueBytes: 64 * 1024 * 1024,
  /** Traces kept as runs, and spans (and calls) kept per run. */
  maxRuns: 2_000,
  maxSpansPerRun: 256,
};
