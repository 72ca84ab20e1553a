import type { LlmCall } from '../domain/call.js';

/**
 * What went wrong with a call, in the classes a developer acts on differently: back off (rate
 * limit), retry or switch provider (server error, timeout), raise max_tokens (truncated), change
 * the prompt (content filter), trim the context (near the context window).
 */
export const ERROR_CLASSES = ['rateLimit', 'server', 'timeout', 'truncated', 'contentFilter', 'nearContext', 'other'] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

export const ERROR_CLASS_LABELS: Record<ErrorClass, string> = {
  rateLimit: 'rate limit',
  server: 'server error',
  timeout: 'timeout',
  truncated: 'truncated',
  contentFilter: 'content filter',
  nearContext: 'near context',
  other: 'other error',
};

/** Input tokens past this share of the context window make a call "near context". */
export const NEAR_CONTEXT_SHARE = 0.9;

export type ClassifiedFields = Pick<LlmCall, 'status' | 'error' | 'errorType' | 'finishReason' | 'inputTokens'>;

const RATE_LIMIT = /rate.?limit|too.?many.?requests|resource.?exhausted|quota|throttl/;
const TIMEOUT = /time.?out|timed.?out|deadline/;
const SERVER = /server.?error|^apierror$|apistatuserror|overloaded|service.?unavailable|bad.?gateway|internal.?error|unavailable/;
/** A status code named by error.type ("429") or in the SDK's message ("Error code: 503 - ..."). */
const STATUS_IN_MESSAGE = /(?:error code|status(?: code)?)\s*[:=]?\s*(\d{3})\b/;

/** The failure class of an error call, from its status code, error.type or exception type, and message. */
function failureClass(c: ClassifiedFields): ErrorClass {
  const type = (c.errorType ?? '').toLowerCase().trim();
  const message = (c.error ?? '').toLowerCase();
  const status = Number(/^\d{3}$/.test(type) ? type : (STATUS_IN_MESSAGE.exec(message)?.[1] ?? NaN));
  if (status === 429) return 'rateLimit';
  if (status === 408 || status === 504) return 'timeout';
  if (status >= 500 && status <= 599) return 'server';
  for (const text of [type, message]) {
    if (RATE_LIMIT.test(text)) return 'rateLimit';
    if (TIMEOUT.test(text)) return 'timeout';
    if (SERVER.test(text)) return 'server';
  }
  return 'other';
}

/** Finish reasons as OpenAI, Anthropic, Gemini, Bedrock and the Vercel AI SDK spell them. */
const TRUNCATED = new Set(['length', 'max_tokens', 'max_output_tokens', 'model_length', 'max_token']);
const FILTERED = new Set(['content_filter', 'safety', 'recitation', 'blocklist', 'prohibited_content', 'spii', 'refusal', 'guardrail_intervened']);

/** Every class a call falls in: a failure, and independently a stop reason and a full context. */
export function classify(c: ClassifiedFields, contextWindow: number | null): ErrorClass[] {
  const out: ErrorClass[] = [];
  if (c.status === 'error') out.push(failureClass(c));
  const reason = (c.finishReason ?? '').toLowerCase().replace(/-/g, '_');
  if (TRUNCATED.has(reason)) out.push('truncated');
  if (FILTERED.has(reason)) out.push('contentFilter');
  if (contextWindow !== null && contextWindow > 0 && c.inputTokens >= contextWindow * NEAR_CONTEXT_SHARE) out.push('nearContext');
  return out;
}

/**
 * What the live statistics keep of a call that fell in at least one class, beside its row (which
 * has its time, cell and numbers). Not the call itself: when most calls fail, a million of them
 * took hundreds of MiB. Calls that went wrong the same way share one `ProblemKind`.
 */
export interface Problem {
  id: string;
  traceId: string;
  spanId: string;
  source: string;
  kind: ProblemKind;
}

export interface ProblemKind {
  classes: readonly ErrorClass[];
  error: string | null;
  errorType: string | null;
  finishReason: string | null;
  contextWindow: number | null;
}

/** A problem as a window reads it: what counts and describes it. */
export interface ProblemSeen {
  call: Pick<LlmCall, 'id' | 'timeMs' | 'provider' | 'model' | 'inputTokens' | 'error' | 'errorType' | 'finishReason'>;
  classes: readonly ErrorClass[];
  contextWindow: number | null;
}

export interface ErrorRow {
  provider: string;
  model: string;
  kind: ErrorClass;
  count: number;
  /** The newest call of this model and class. */
  latest: LlmCall;
  /** What the latest example says went wrong, in one line. */
  message: string;
}

/**
 * Rows per model and class, most frequent first; ties by model, then class order. `callOf` gives
 * the whole call of each row's newest problem.
 */
export function errorRows(problems: Iterable<ProblemSeen>, callOf: (seen: ProblemSeen['call']) => LlmCall): ErrorRow[] {
  const rows = new Map<string, { provider: string; model: string; kind: ErrorClass; count: number; latest: ProblemSeen }>();
  for (const p of problems) {
    for (const kind of p.classes) {
      const key = `${p.call.provider}\u0000${p.call.model}\u0000${kind}`;
      const row = rows.get(key);
      if (!row) rows.set(key, { provider: p.call.provider, model: p.call.model, kind, count: 1, latest: p });
      else {
        row.count++;
        if (p.call.timeMs >= row.latest.call.timeMs) row.latest = p;
      }
    }
  }
  return [...rows.values()]
    .map((r) => ({ provider: r.provider, model: r.model, kind: r.kind, count: r.count, latest: callOf(r.latest.call), message: messageOf(r.latest, r.kind) }))
    .sort(
      (a, b) =>
        b.count - a.count ||
        `${a.provider}/${a.model}`.localeCompare(`${b.provider}/${b.model}`) ||
        ERROR_CLASSES.indexOf(a.kind) - ERROR_CLASSES.indexOf(b.kind),
    );
}

function messageOf(p: ProblemSeen, kind: ErrorClass): string {
  const c = p.call;
  if (kind === 'truncated' || kind === 'contentFilter') return `finish reason ${c.finishReason ?? ''}`;
  if (kind === 'nearContext' && p.contextWindow) {
    const share = Math.round((c.inputTokens / p.contextWindow) * 100);
    return `${c.inputTokens.toLocaleString('en-US')} of ${p.contextWindow.toLocaleString('en-US')} input tokens (${share}%)`;
  }
  return [c.errorType, c.error].filter((s, i, all) => s && all.indexOf(s) === i).join(': ') || 'error';
}
