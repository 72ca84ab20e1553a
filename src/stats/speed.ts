import type { LlmCall } from '../domain/call.js';

/**
 * Output tokens per second while generating: a streamed call's time to first token is queueing
 * and prompt processing, not generation, so it is taken off. Null when there is nothing to
 * measure: no output tokens, or no time left to divide by.
 */
export function outputTokensPerSecond(c: Pick<LlmCall, 'outputTokens' | 'durationMs' | 'ttftMs'>): number | null {
  if (!(c.outputTokens > 0)) return null;
  const generatingMs = c.ttftMs !== null ? c.durationMs - c.ttftMs : c.durationMs;
  if (!(generatingMs > 0)) return null;
  return c.outputTokens / (generatingMs / 1000);
}
