import type { LoopRule } from '../domain/loop.js';
import type { Budget } from '../domain/money.js';

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
}

export const LIMITS = {
  /** The OTLP spec's recommended body limit, applied after decompression too. */
  maxBodyBytes: 64 * 1024 * 1024,
  /** How far back the live windows reach. */
  horizonMs: 24 * 3600_000,
  /** Calls whose text stays in memory for the log. */
  recentCalls: 2000,
  /** Bytes of request bodies held at once (as sent and decompressed, from read to answer; OTLP/HTTP and gRPC) before requests are refused with 503 or UNAVAILABLE. */
  maxHeldBodyBytes: 128 * 1024 * 1024,
  /** Fragments waiting for a commit before requests are refused with 503. */
  maxPending: 500_000,
  retryAfterSeconds: 1,
  /** Requests, and bytes of them, held for --forward while the upstream is down. */
  relayQueue: 10_000,
  relayQueueBytes: 64 * 1024 * 1024,
  /** Traces kept as runs, and spans (and calls) kept per run. */
  maxRuns: 2_000,
  maxSpansPerRun: 256,
};
