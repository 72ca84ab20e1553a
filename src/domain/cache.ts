/**
 * A call of a session whose prompt-cache reads collapsed after warm calls: it paid full input
 * price for a prefix that was cached a moment before.
 */
export interface CacheCold {
  /**
   * expired: the gap since the session's previous call of the model passed the cache lifetime;
   * prefix: it did not, so the prompt's cached beginning (system prompt, tools, history) changed.
   */
  reason: 'expired' | 'prefix';
  /** From the end of the previous call to the start of this one. */
  gapMs: number;
  /** The lifetime the gap was held against. */
  lifetimeMs: number;
  /** Cache-read tokens of the previous call, and of this one. */
  readBefore: number;
  readNow: number;
  /** Warm calls in a row before this one. */
  warmCalls: number;
}

/**
 * How long a provider keeps a prompt cache without use: Anthropic's default (ephemeral) cache
 * lives 5 minutes, OpenAI's 5 to 10 minutes of inactivity; the shortest is what a gap is held
 * against.
 */
export const CACHE_LIFETIME_MS = 5 * 60_000;
