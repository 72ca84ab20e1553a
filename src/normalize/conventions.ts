import type { Attrs } from '../otlp/request.js';
import { SPAN_KIND_CLIENT } from '../otlp/request.js';
import type { Fragment } from './fragment.js';
import { normalizeProvider, providerFromModel } from './provider.js';
import { firstBoolean, firstNumber, firstString } from './read.js';

/* The attribute names of PRODUCT.md's conventions table, in order of preference. */

export const PROVIDER_KEYS = ['gen_ai.provider.name', 'gen_ai.system', 'llm.provider', 'llm.system', 'ai.model.provider'];
export const MODEL_KEYS = [
  'gen_ai.response.model',
  'gen_ai.request.model',
  'llm.response.model_name',
  'llm.model_name',
  'llm.request.model_name',
  'embedding.model_name',
  'ai.response.model',
  'ai.model.id',
  'model',
];
const INPUT_KEYS = [
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.prompt_tokens',
  'llm.token_count.prompt',
  'ai.usage.inputTokens',
  'ai.usage.promptTokens',
  'ai.usage.tokens', // ai.embed
  'input_tokens',
  'input_token_count',
];
const OUTPUT_KEYS = ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens', 'llm.token_count.completion', 'ai.usage.outputTokens', 'ai.usage.completionTokens', 'output_tokens', 'output_token_count'];
const CACHE_READ_KEYS = [
  'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.usage.cache_read_input_tokens',
  'llm.token_count.prompt_details.cache_read',
  'ai.usage.cachedInputTokens',
  'ai.usage.inputTokenDetails.cacheReadTokens',
  'cache_read_tokens',
  'cached_token_count',
  'cached_content_token_count',
];
const CACHE_WRITE_KEYS = [
  'gen_ai.usage.cache_creation.input_tokens',
  'gen_ai.usage.cache_write.input_tokens',
  'gen_ai.usage.cache_creation_input_tokens',
  'llm.token_count.prompt_details.cache_write',
  'ai.usage.inputTokenDetails.cacheWriteTokens',
  'cache_creation_tokens',
  'cache_write_token_count',
];
const REASONING_KEYS = [
  'gen_ai.usage.reasoning.output_tokens',
  'gen_ai.usage.reasoning_tokens',
  'llm.token_count.completion_details.reasoning',
  'ai.usage.reasoningTokens',
  'ai.usage.outputTokenDetails.reasoningTokens',
  'reasoning_token_count',
  'thoughts_token_count',
];
const COST_KEYS = ['gen_ai.usage.cost', 'cost_usd'];
const TTFT_SECONDS_KEYS = ['gen_ai.server.time_to_first_token', 'gen_ai.response.time_to_first_chunk', 'gen_ai.client.operation.time_to_first_chunk'];
const TTFT_MS_KEYS = ['ai.response.msToFirstChunk', 'ai.stream.msToFirstChunk', 'ttft_ms'];
const STREAM_KEYS = ['gen_ai.request.stream', 'gen_ai.request.is_stream', 'llm.is_streaming'];
/**
 * The conversation: the GenAI conventions' id; session.id (OpenInference, Claude Code, Gemini
 * CLI); Codex's conversation.id; Langfuse's; Traceloop's association property; the Vercel AI
 * SDK's telemetry metadata, as Langfuse's guide names it.
 */
const SESSION_KEYS = [
  'gen_ai.conversation.id',
  'session.id',
  'conversation.id',
  'langfuse.session.id',
  'traceloop.association.properties.session_id',
  'ai.telemetry.metadata.sessionId',
  'ai.telemetry.metadata.session_id',
];
const USER_KEYS = ['user.id', 'enduser.id', 'gen_ai.request.user', 'llm.user', 'user_id', 'user.email'];
const ERROR_KEYS = ['error.type', 'error.message', 'error'];
/** error.type first; an HTTP status (429, 503) says the kind of failure when the type is absent. */
const ERROR_TYPE_KEYS = ['error.type', 'http.response.status_code', 'http.status_code', 'status_code', 'exception.type'];
const FINISH_REASON_KEYS = [
  'gen_ai.response.finish_reasons',
  'gen_ai.response.finish_reason',
  'ai.response.finishReason',
  'llm.finish_reason',
  'llm.response.finish_reason',
  'gen_ai.completion.0.finish_reason',
  'llm.output_messages.0.message.finish_reason',
  'finish_reason',
  'finish_reasons',
  'stop_reason',
];

/** Operations that wrap provider requests and are never one. */
const LAYER_OPERATIONS = new Set(['invoke_agent', 'create_agent', 'execute_tool', 'execute_task', 'invoke_workflow', 'workflow', 'agent', 'tool', 'task', 'framework', 'retrieval']);
const OPENINFERENCE_CALL_KINDS: Record<string, string> = { LLM: 'chat', EMBEDDING: 'embeddings' };

/**
 * The resource's service.name, unless it is the SDK's "unknown_service…" default: openlit then
 * names the application on each span (gen_ai.application_name, newer versions service.name).
 */
export function service(resource: Attrs, attrs: Attrs): string {
  const named = firstString(resource, ['service.name']);
  if (named && !named.startsWith('unknown_service')) return named;
  return firstString(attrs, ['gen_ai.application_name', 'service.name']) ?? named ?? 'unknown_service';
}

export function environment(resource: Attrs, attrs: Attrs): string {
  return (
    firstString(resource, ['deployment.environment.name', 'deployment.environment']) ??
    firstString(attrs, ['gen_ai.environment', 'deployment.environment.name', 'deployment.environment']) ??
    ''
  );
}

/** Which convention the attributes were written in, for the call's `source`. */
export function sourceOf(attrs: Attrs, scopeName: string): string {
  // Written by llmtop's own OTLP export: the convention the call was first read from.
  const own = attrs['llmtop.source'];
  if (typeof own === 'string' && own !== '') return own;
  const scope = scopeName.toLowerCase();
  if (scope.includes('openlit')) return 'openlit';
  if (scope.includes('openinference') || 'openinference.span.kind' in attrs) return 'openinference';
  if (scope === 'ai' || 'ai.model.id' in attrs || 'ai.operationId' in attrs) return 'vercel-ai';
  if (scope.includes('traceloop') || 'traceloop.span.kind' in attrs || 'llm.request.type' in attrs) return 'openllmetry';
  if (scope.includes('claude_code') || scope.includes('claude-code')) return 'claude-code';
  if (scope.includes('codex')) return 'codex';
  if (scope.startsWith('gemini-cli')) return 'gemini-cli';
  return 'gen_ai';
}

/** The conversation a record belongs to, from its attributes or else its resource (Gemini CLI puts it on both). */
export function sessionOf(resource: Attrs, attrs: Attrs): string | null {
  return firstString(attrs, SESSION_KEYS) ?? firstString(resource, SESSION_KEYS);
}

/** The operation name; 'layer' operations make the fragment a wrapper, never a call. */
function operation(attrs: Attrs, spanName: string): { operation: string | null; layer: boolean } {
  const kind = firstString(attrs, ['openinference.span.kind']);
  if (kind) {
    const op = OPENINFERENCE_CALL_KINDS[kind.toUpperCase()];
    return op ? { operation: op, layer: false } : { operation: kind.toLowerCase(), layer: true };
  }
  const tl = firstString(attrs, ['traceloop.span.kind']);
  if (tl && LAYER_OPERATIONS.has(tl)) return { operation: tl, layer: true };
  const op = firstString(attrs, ['gen_ai.operation.name', 'llm.request.type']);
  if (op) {
    const name = { completion: 'text_completion', embedding: 'embeddings', embed: 'embeddings' }[op] ?? op;
    return { operation: name, layer: LAYER_OPERATIONS.has(name) };
  }
  const opId = firstString(attrs, ['ai.operationId']) ?? '';
  if (opId || spanName.startsWith('ai.')) {
    return { operation: /embed/i.test(opId || spanName) ? 'embeddings' : 'chat', layer: false };
  }
  return { operation: null, layer: false };
}

/**
 * Reads the conventions' usage, model, timing and text fields into a fragment. Used for span
 * attributes and for log event attributes alike.
 */
export function readUsage(f: Fragment, attrs: Attrs, spanName = ''): void {
  const op = operation(attrs, spanName);
  if (op.layer) f.role = 'layer';
  f.operation = op.operation;
  f.model = firstString(attrs, MODEL_KEYS);
  const provider = firstString(attrs, PROVIDER_KEYS);
  f.provider = provider ? normalizeProvider(provider) : f.model ? providerFromModel(f.model) : null;
  f.inputTokens = firstNumber(attrs, INPUT_KEYS);
  f.outputTokens = firstNumber(attrs, OUTPUT_KEYS);
  f.cacheReadTokens = firstNumber(attrs, CACHE_READ_KEYS);
  f.cacheWriteTokens = firstNumber(attrs, CACHE_WRITE_KEYS);
  f.reasoningTokens = firstNumber(attrs, REASONING_KEYS);
  f.reportedCostUsd = firstNumber(attrs, COST_KEYS);
  f.user = firstString(attrs, USER_KEYS);
  const durationMs = firstNumber(attrs, ['duration_ms']);
  if (durationMs !== null) f.durationMs = durationMs;
  f.ttftMs = ttft(attrs, f.durationMs);
  f.errorType = firstString(attrs, ERROR_TYPE_KEYS);
  f.finishReason = finishReason(attrs);
  // The Vercel AI SDK names streams by span (ai.streamText.doStream) and sets no flag.
  f.streamed = firstBoolean(attrs, STREAM_KEYS) ?? (/^ai\.stream/.test(spanName) || f.ttftMs !== null ? true : null);
  const err = firstString(attrs, ERROR_KEYS);
  if (err) {
    f.error = err;
    f.isError = true;
  }
}

/**
 * The first finish reason: an array in the GenAI conventions, a string elsewhere, and sometimes
 * an array written as text ('["length"]', "['stop']") by SDKs that stringify attributes.
 */
function finishReason(attrs: Attrs): string | null {
  for (const k of FINISH_REASON_KEYS) {
    const v = attrs[k];
    const first = Array.isArray(v) ? v.find((x) => typeof x === 'string' && x !== '') : v;
    if (typeof first !== 'string') continue;
    const text = first.replace(/^\s*\[\s*['"]?|['"]?\s*(?:,.*)?\]\s*$/g, '').trim();
    if (text !== '') return text;
  }
  return null;
}

/**
 * TTFT only for streamed calls: openlit records the whole duration as TTFT on plain calls.
 * Without a stream flag, a seconds TTFT equal to the duration is taken for such a plain call;
 * the millisecond attributes (ai.response.msToFirstChunk) are only ever set on streams.
 */
function ttft(attrs: Attrs, durationMs: number | null): number | null {
  const seconds = firstNumber(attrs, TTFT_SECONDS_KEYS);
  const ms = seconds !== null ? seconds * 1000 : firstNumber(attrs, TTFT_MS_KEYS);
  if (ms === null || ms < 0) return null;
  const stream = firstBoolean(attrs, STREAM_KEYS);
  if (stream === false) return null;
  if (stream === null && seconds !== null && durationMs !== null && durationMs > 0 && ms >= durationMs * 0.99) return null;
  return ms;
}

/** Operation names of provider requests, as gen_ai.operation.name and llm.request.type write them. */
const CALL_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content', 'embeddings', 'completion', 'embedding', 'rerank']);

/**
 * A span that is not a call because it names no model and no tokens, yet reads like one: an LLM
 * operation name, or gen_ai.* / llm.* request attributes. Counted so the Sources view can say why
 * a service's requests are missing, rather than dropped without a word.
 */
export function looksLikeModelless(f: Fragment, attrs: Attrs): boolean {
  if (f.role !== 'call' || looksLikeCall(f)) return false;
  const op = firstString(attrs, ['gen_ai.operation.name', 'llm.request.type']);
  if (op !== null) return CALL_OPERATIONS.has(op);
  if (firstString(attrs, ['openinference.span.kind'])?.toUpperCase() === 'LLM') return true;
  for (const k in attrs) if (k.startsWith('gen_ai.request.') || k.startsWith('llm.invocation_parameters') || k === 'gen_ai.system') return true;
  return false;
}

const NAMED_MODEL_KEYS = MODEL_KEYS.filter((k) => k !== 'model');

/**
 * The rule for internal operations: a span whose only LLM evidence is a bare `model` attribute
 * (no other model key, no token counts, no operation name, no gen_ai.*, llm.* or ai.* attribute)
 * is a function of the app that works with a model, not a request to one: Codex names the model
 * on get_model_info, run_sampling_request, session_task.turn and a dozen more of its spans. An
 * outgoing request (a CLIENT span) that names a model is still taken for one.
 */
export function onlyBareModel(f: Fragment, attrs: Attrs, spanKind: number): boolean {
  if (spanKind === SPAN_KIND_CLIENT || f.model === null || f.operation !== null) return false;
  if (f.inputTokens !== null || f.outputTokens !== null || firstString(attrs, NAMED_MODEL_KEYS) !== null) return false;
  for (const k in attrs) if (k.startsWith('gen_ai.') || k.startsWith('llm.') || k.startsWith('ai.')) return false;
  return true;
}

/** Whether a fragment says enough to be a provider request: a model or token counts. */
export function looksLikeCall(f: Fragment): boolean {
  return f.role === 'call' && (f.model !== null || f.inputTokens !== null || f.outputTokens !== null);
}
