/** The latest start the store can keep (nanoseconds in a signed 64-bit integer: in 2262); later ones are kept as this. */
export const LATEST_START_MS = 9_223_372_036_854.775;

/** One provider request, however many spans and log records described it. */
export interface LlmCall {
  /** Stable key: trace and span id of the innermost layer, or a synthesized id for events. */
  id: string;
  /** Start of the request, milliseconds since the epoch. */
  timeMs: number;
  traceId: string;
  spanId: string;
  service: string;
  environment: string;
  provider: string;
  model: string;
  /** chat, text_completion, embeddings, image, ... */
  operation: string;
  durationMs: number;
  /** Time to first token; null when not streamed or unknown. */
  ttftMs: number | null;
  /** Cache reads and writes included (totalInputTokens), whatever the convention counted. */
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** Null when no price is known (costSource 'unknown'): never $0 for that. */
  costUsd: number | null;
  costSource: CostSource;
  status: CallStatus;
  error: string | null;
  /**
   * What kind of failure: the `error.type` attribute (RateLimitError, 429, timeout), else the
   * HTTP status code, else the exception's type; null when the call did not say.
   */
  errorType: string | null;
  /** Why generation stopped (stop, length, max_tokens, content_filter, ...); the first when several. */
  finishReason: string | null;
  user: string | null;
  prompt: string | null;
  response: string | null;
  /** The convention the call was read from: openlit, openinference, vercel-ai, claude-code, metrics, ... */
  source: string;
  /** The conversation it belongs to (gen_ai.conversation.id, session.id, an agent's conversation), or null. */
  sessionId: string | null;
  /** Input tokens (cache included) over the model's context window, 0 to 100+; null when the window is unknown. */
  contextPercent: number | null;
}

export type CostSource = 'reported' | 'estimated' | 'unknown';

/** The numbers of a call that the statistics add up. */
export type CallNumbers = Pick<
  LlmCall,
  'timeMs' | 'durationMs' | 'ttftMs' | 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'cacheWriteTokens' | 'reasoningTokens' | 'costUsd' | 'costSource' | 'status'
>;

/**
 * A stored call as the live statistics are built again from at start: its figures, the ids a
 * problem keeps, and its group keys as one JSON array in the order of GROUP_KEYS (user '' when
 * none). A million calls share a few hundred such arrays: read as one string each, they are
 * parsed once, where six strings a call and a call object each were most of a start.
 */
export interface StoredCall extends CallNumbers, Pick<LlmCall, 'id' | 'traceId' | 'spanId' | 'error' | 'errorType' | 'finishReason' | 'source'> {
  groupKeys: string;
}

/** The calls a search found (a page of them), and how many match in all. */
export interface CallMatches {
  calls: LlmCall[];
  matched: number;
}
export type CallStatus = 'ok' | 'error';

export const GROUP_KEYS = ['provider', 'model', 'service', 'environment', 'operation', 'user'] as const;
export type GroupKey = (typeof GROUP_KEYS)[number];

/**
 * Input tokens with the cache reads and writes inside them, as the GenAI conventions, OpenAI
 * and Gemini count them. Anthropic's API counts them apart, and some instrumentations pass its
 * count on: a count smaller than the cache tokens beside it can only be that one. (A larger one
 * reads as the conventions'; Claude Code's events, known to be Anthropic's, are added at once.)
 */
export function totalInputTokens(input: number, cacheRead: number, cacheWrite: number): number {
  return input < cacheRead + cacheWrite ? input + cacheRead + cacheWrite : input;
}
