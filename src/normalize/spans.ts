import type { CostSource } from '../domain/call.js';
import type { Attrs, Span } from '../otlp/request.js';
import { SPAN_STATUS_ERROR } from '../otlp/request.js';
import { agentSpan } from './agents.js';
import { environment, onlyBareModel, readUsage, service, sessionOf, sourceOf } from './conventions.js';
import { emptyFragment, type Fragment } from './fragment.js';
import { firstString, nsToMs } from './read.js';
import { messagesText, textFromAttributes } from './text.js';

/** One span as a fragment: what it says about a provider request, whether or not it is one. */
export function spanFragment(span: Span, resource: Attrs, scopeName: string): Fragment {
  const a = span.attributes;
  const f = emptyFragment({
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    timeMs: nsToMs(span.startNs),
    service: service(resource, a),
    environment: environment(resource, a),
    source: sourceOf(a, scopeName),
    origin: 'span',
  });
  f.durationMs = span.endNs > span.startNs ? nsToMs(span.endNs - span.startNs) : 0;
  readUsage(f, a, span.name);
  f.sessionId = sessionOf(resource, a);
  // Which rule decides that an internal operation naming a model is not a call: see onlyBareModel.
  if (onlyBareModel(f, a, span.kind)) f.role = 'layer';

  f.restored = restored(a);

  const text = textFromAttributes(a);
  f.prompt = text.prompt;
  f.response = text.response;
  // openlit and older conventions put text in span events.
  for (const e of span.events) {
    if (e.name === 'gen_ai.content.prompt') f.prompt ??= messagesText(e.attributes['gen_ai.prompt']);
    if (e.name === 'gen_ai.content.completion') f.response ??= messagesText(e.attributes['gen_ai.completion']);
  }
  agentSpan(f, span);

  if (span.status.code === SPAN_STATUS_ERROR) {
    f.isError = true;
    f.error = span.status.message || f.error || exceptionMessage(span) || 'error';
    f.errorType ??= exceptionType(span);
  } else if (f.isError === null) {
    f.isError = false;
  }
  return f;
}

const COST_SOURCES: readonly string[] = ['reported', 'estimated', 'unknown'] satisfies CostSource[];

/** `llmtop export --format otlp` marks its spans with what the conventions have no words for. */
function restored(a: Attrs): Fragment['restored'] {
  const callId = a['llmtop.call_id'];
  if (typeof callId !== 'string' || callId === '') return null;
  const costSource = a['llmtop.cost_source'];
  return { callId, costSource: typeof costSource === 'string' && COST_SOURCES.includes(costSource) ? (costSource as CostSource) : null };
}

function exceptionType(span: Span): string | null {
  const e = span.events.find((ev) => ev.name === 'exception');
  return e ? firstString(e.attributes, ['exception.type']) : null;
}

function exceptionMessage(span: Span): string | null {
  const e = span.events.find((ev) => ev.name === 'exception');
  return e ? firstString(e.attributes, ['exception.message', 'exception.type']) : null;
}
