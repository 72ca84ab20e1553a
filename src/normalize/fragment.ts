import type { CostSource } from '../domain/call.js';

/**
 * What one span or log record says about a provider request. Several fragments can describe
 * the same request (a wrapper span, the provider SDK's own span, a log event); the assembler
 * merges them into one LlmCall. Null means "this layer did not say".
 */
export interface Fragment {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  /**
   * call: may be a provider request itself. layer: an agent, chain, tool or workflow span that
   * wraps requests and is never one. prompt: a user prompt event to join to calls by promptId.
   * part: a record that completes a request told elsewhere (a coding agent's reply or request
   * start): merged into that call, never a call by itself.
   */
  role: 'call' | 'layer' | 'prompt' | 'part';
  /** Spans outrank log records describing the same span. */
  origin: 'span' | 'log';
  /** Set for records without trace context: their own id, stable across retries. */
  syntheticId: string | null;
  timeMs: number;
  durationMs: number | null;
  service: string;
  environment: string;
  provider: string | null;
  model: string | null;
  operation: string | null;
  ttftMs: number | null;
  /** The layer's stream flag: true, false, or null when it did not say. */
  streamed: boolean | null;
  inputTokens: number | null;
  outputTokens: number | null;
  cacheReadTokens: number | null;
  cacheWriteTokens: number | null;
  reasoningTokens: number | null;
  reportedCostUsd: number | null;
  isError: boolean | null;
  error: string | null;
  errorType: string | null;
  finishReason: string | null;
  user: string | null;
  prompt: string | null;
  response: string | null;
  promptId: string | null;
  /** The conversation it belongs to (gen_ai.conversation.id, session.id, Codex's conversation.id). */
  sessionId: string | null;
  /**
   * A coding agent's records of one request come one after another in its session, not all
   * with trace context. opens: this record starts a request (its api_request). joins: this
   * record belongs to the session's request opened last (Codex's usage event, Gemini CLI's
   * streamed response), and takes its trace context, or its key when it had none.
   */
  request: 'opens' | 'joins' | null;
  /** Set for a one-message event (gen_ai.user.message, ...): its prompt is one message of several. */
  messageRole: string | null;
  source: string;
  /** What llmtop's own OTLP export said of the call (llmtop.* attributes), so a reload is exact. */
  restored: { callId: string; costSource: CostSource | null } | null;
}

/** A parent link of any span, LLM or not: how wrappers are found above a provider request. */
export interface SpanLink {
  traceId: string;
  spanId: string;
  parentSpanId: string;
}

export function emptyFragment(base: Pick<Fragment, 'traceId' | 'spanId' | 'parentSpanId' | 'timeMs' | 'service' | 'environment' | 'source' | 'origin'>): Fragment {
  // One literal with every field, no spread: a spread object of this size falls into V8's
  // dictionary mode, which made this the costliest line of ingest.
  return {
    traceId: base.traceId,
    spanId: base.spanId,
    parentSpanId: base.parentSpanId,
    timeMs: base.timeMs,
    service: base.service,
    environment: base.environment,
    source: base.source,
    origin: base.origin,
    role: 'call',
    syntheticId: null,
    durationMs: null,
    provider: null,
    model: null,
    operation: null,
    ttftMs: null,
    streamed: null,
    inputTokens: null,
    outputTokens: null,
    cacheReadTokens: null,
    cacheWriteTokens: null,
    reasoningTokens: null,
    reportedCostUsd: null,
    isError: null,
    error: null,
    errorType: null,
    finishReason: null,
    user: null,
    prompt: null,
    response: null,
    promptId: null,
    sessionId: null,
    request: null,
    messageRole: null,
    restored: null,
  };
}
