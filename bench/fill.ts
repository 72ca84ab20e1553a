import { randomBytes } from 'node:crypto';
import type { LlmCall } from '../src/domain/call.js';
import { Prices, contextPercent, resolveCost } from '../src/pricing/index.js';
import { CallStore } from '../src/store/call-store.js';

/*
 * The fast path to a big store: LlmCalls written with CallStore itself, in large transactions,
 * oldest first (so that the ring's insertion order is time order, as in real use).
 */

const MODELS = [
  ['openai', 'gpt-4o-mini'],
  ['openai', 'gpt-4o'],
  ['openai', 'gpt-4.1-nano'],
  ['anthropic', 'claude-sonnet-4-20250514'],
  ['anthropic', 'claude-3-5-haiku-20241022'],
  ['gemini', 'gemini-2.5-flash'],
  ['mistral', 'mistral-small-latest'],
] as const;
const SERVICES = ['support-bot', 'search-api', 'summarizer', 'code-review-agent'];

export interface FillOptions {
  db: string;
  calls: number;
  /** How many of them fall in the last `windowSpanMs` before `nowMs`. */
  windowCalls: number;
  windowSpanMs: number;
  /** The others are spread evenly from `oldSpanMs` ago up to just before the window. */
  oldSpanMs: number;
  nowMs: number;
  batch?: number;
}

function call(i: number, timeMs: number): LlmCall {
  const [provider, model] = MODELS[i % MODELS.length]!;
  const inputTokens = 50 + ((i * 7919) % 3000);
  const outputTokens = 10 + ((i * 104_729) % 800);
  const stream = i % 2 === 0;
  // Random trace ids, as SDKs make them: the store's id index then holds them as it would in use.
  const traceId = randomBytes(16).toString('hex');
  const spanId = i.toString(16).padStart(16, '0');
  return {
    id: `${traceId}${spanId}`,
    timeMs,
    traceId,
    spanId,
    service: SERVICES[i % SERVICES.length]!,
    environment: i % 7 === 0 ? 'staging' : 'production',
    provider,
    model,
    operation: 'chat',
    durationMs: 200 + ((i * 31) % 15_000),
    ttftMs: stream ? 100 + ((i * 13) % 900) : null,
    inputTokens,
    outputTokens,
    cacheReadTokens: i % 3 === 0 ? Math.floor(inputTokens / 2) : 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costUsd: (inputTokens * 0.5 + outputTokens * 2) / 1e6,
    costSource: 'reported',
    status: i % 50 === 0 ? 'error' : 'ok',
    error: i % 50 === 0 ? 'RateLimitError' : null,
    errorType: null,
    finishReason: null,
    user: null,
    prompt: `Summarize support ticket #${i} in two sentences and tag its urgency.`,
    response: `The customer reports a duplicate charge on invoice ${i} and asks for a refund. Urgency: high.`,
    source: 'openlit',
    // Seven calls in ten belong to a conversation of some 40 calls; the window of 128k tokens.
    sessionId: i % 10 < 7 ? `session-${Math.floor(i / 400)}-${i % 10}` : null,
    contextPercent: (inputTokens / 128_000) * 100,
  };
}

/** Returns the seconds it took, prices applied to every call included. */
export function fillStore(o: FillOptions): number {
  const t0 = performance.now();
  const store = new CallStore({ path: o.db, maxCalls: o.calls, retentionMs: 7 * 24 * 3600_000, now: () => o.nowMs });
  const batch = o.batch ?? 20_000;
  const old = o.calls - o.windowCalls;
  const windowStart = o.nowMs - o.windowSpanMs;
  const oldStart = o.nowMs - o.oldSpanMs;
  const oldEnd = o.nowMs - 330_000; // just outside a 5m window, with some margin
  const timeOf = (i: number) =>
    i < old ? oldStart + ((oldEnd - oldStart) * i) / Math.max(1, old) : windowStart + (o.windowSpanMs * (i - old)) / Math.max(1, o.windowCalls);
  try {
    for (let start = 0; start < o.calls; start += batch) {
      const upserted: LlmCall[] = [];
      for (let i = start; i < Math.min(o.calls, start + batch); i++) upserted.push(call(i, timeOf(i)));
      store.commit({ upserted, deleted: [] });
    }
    if (store.size !== o.calls) throw new Error(`bench: filled ${store.size} calls, wanted ${o.calls}`);
    // As llmtop does when it first opens the file with its prices: its own start then finds them applied.
    const prices = Prices.load(null);
    store.reprice(prices.fingerprint, (c) => ({ ...resolveCost(prices, c), contextPercent: contextPercent(prices, c) }));
  } finally {
    store.close();
  }
  return (performance.now() - t0) / 1000;
}
