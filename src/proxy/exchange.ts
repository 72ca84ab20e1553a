import { emptyFragment, type Fragment } from '../normalize/fragment.js';
import { providerFromModel } from '../normalize/provider.js';
import { scrub, scrubOptional } from './keys.js';
import type { Answer, Endpoint } from './protocol.js';

/** Everything the proxy saw of one request: what was asked, what came back, and when. */
export interface Exchange {
  /** A fresh id for the call (the proxy's calls have no trace). */
  id: string;
  /** The route's provider, for a model whose name does not tell. */
  provider: string;
  service: string;
  endpoint: Endpoint;
  /** The upstream's HTTP status; null when no answer came (unreachable, cut off before the headers). */
  status: number | null;
  /** Read from the body; null when it could not be. */
  answer: Answer | null;
  /** The start of a body that was neither JSON nor events, for the error. */
  snippet: string | null;
  /** A failure of the exchange itself: upstream unreachable, the app or the upstream hung up. */
  failure: { message: string; type: string } | null;
  /** The answer was an event stream. */
  streamed: boolean;
  startMs: number;
  durationMs: number;
  /** From the request to the first event with output, for a stream. */
  ttftMs: number | null;
  /** Credentials of the request: scrubbed out of every text kept. */
  secrets: readonly string[];
}

/**
 * The fragment the pipeline makes a call of: the same path as OTLP's calls, so cost, limits and
 * --no-content apply alike (the assembler drops the text under --no-content). A call of its own,
 * unless the assembler finds the same request described by OTLP (see normalize/proxy-match.ts).
 */
export function exchangeFragment(x: Exchange): Fragment {
  const a = x.answer;
  const f = emptyFragment({ traceId: '', spanId: '', parentSpanId: '', timeMs: x.startMs, service: x.service, environment: '', source: 'proxy', origin: 'log' });
  f.syntheticId = x.id;
  f.durationMs = x.durationMs;
  f.operation = x.endpoint.operation;
  f.model = a?.model ?? x.endpoint.model;
  f.provider = (f.model && providerFromModel(f.model)) ?? x.provider;
  f.streamed = x.streamed;
  f.ttftMs = x.streamed ? x.ttftMs : null;
  f.inputTokens = a?.inputTokens ?? null;
  f.outputTokens = a?.outputTokens ?? null;
  f.cacheReadTokens = a?.cacheReadTokens ?? null;
  f.cacheWriteTokens = a?.cacheWriteTokens ?? null;
  f.reasoningTokens = a?.reasoningTokens ?? null;
  f.finishReason = a?.finishReason ?? null;
  f.user = scrubOptional(x.endpoint.user, x.secrets);
  f.prompt = scrubOptional(x.endpoint.prompt, x.secrets);
  f.response = scrubOptional(a?.text ?? null, x.secrets);
  const httpError = x.status !== null && x.status >= 400;
  if (x.failure || httpError || a?.error) {
    f.isError = true;
    const message = x.failure?.message ?? a?.error?.message ?? (x.snippet?.trim() || `HTTP ${x.status}`);
    f.error = scrub(message, x.secrets);
    // The HTTP status first: it is what the errors view classes failures by.
    f.errorType = httpError ? String(x.status) : (x.failure?.type ?? a?.error?.type ?? null);
  } else {
    f.isError = false;
  }
  return f;
}
