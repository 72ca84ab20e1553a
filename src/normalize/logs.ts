import { createHash } from 'node:crypto';
import type { AttrValue, Attrs, LogRecord } from '../otlp/request.js';
import { AGENT_EVENTS, agentLogFragment, agentOf, qualifiedEventName } from './agents.js';
import { environment, looksLikeCall, readUsage, service, sessionOf, sourceOf } from './conventions.js';
import { emptyFragment, type Fragment } from './fragment.js';
import { firstString, nsToMs } from './read.js';
import { messagesText, textFromAttributes } from './text.js';

/** Events of the GenAI conventions that llmtop reads. */
const GENAI_EVENTS: ReadonlySet<string> = new Set([
  'gen_ai.client.inference.operation.details',
  'gen_ai.system.message',
  'gen_ai.user.message',
  'gen_ai.assistant.message',
  'gen_ai.tool.message',
  'gen_ai.choice',
]);

/**
 * The event's name, wherever the SDK put it: the event_name field, the `event.name` attribute,
 * or the body. The first that names an event llmtop reads wins: Codex fills the field with a
 * Rust source location ("event otel/src/events/session_telemetry.rs:837") and the attribute
 * with the name.
 */
function eventName(r: LogRecord, scopeName: string): string {
  const body = typeof r.body === 'string' && /^[\w.]+$/.test(r.body) ? r.body : '';
  let first = '';
  for (const raw of [r.eventName, firstString(r.attributes, ['event.name']) ?? '', body]) {
    if (raw === '') continue;
    const name = qualifiedEventName(raw, scopeName);
    if (GENAI_EVENTS.has(name) || AGENT_EVENTS.has(name)) return name;
    first ||= name;
  }
  return first;
}

function bodyField(body: AttrValue, ...path: string[]): AttrValue | undefined {
  let v: AttrValue | undefined = body;
  for (const k of path) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = v[k];
  }
  return v;
}

function syntheticId(parts: (string | number | null)[]): string {
  return createHash('sha1').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

/**
 * A log record as a fragment, or null when it says nothing about LLM calls. Coding agents
 * (Claude Code, Codex, Gemini CLI) report each model request as events (see agents.ts).
 */
export function logFragment(r: LogRecord, resource: Attrs, scopeName: string): Fragment | null {
  const name = eventName(r, scopeName);
  const a = r.attributes;
  const f = emptyFragment({
    traceId: r.traceId,
    spanId: r.spanId,
    parentSpanId: '',
    // Codex leaves the time at 0 and sets only the observed time.
    timeMs: nsToMs(r.timeNs || r.observedTimeNs),
    service: service(resource, a),
    environment: environment(resource, a),
    source: sourceOf(a, scopeName),
    origin: 'log',
  });
  f.sessionId = sessionOf(resource, a);
  const agent = agentOf(name, scopeName);
  if (agent) {
    const g = agentLogFragment(agent, name, r, f);
    return g && withId(g, name, r);
  }

  switch (name) {
    case 'gen_ai.client.inference.operation.details': {
      readUsage(f, a);
      const text = textFromAttributes(a);
      f.prompt = text.prompt ?? messagesText(bodyField(r.body, 'gen_ai.input.messages'));
      f.response = text.response ?? messagesText(bodyField(r.body, 'gen_ai.output.messages'));
      break;
    }
    case 'gen_ai.system.message':
    case 'gen_ai.user.message':
    case 'gen_ai.assistant.message':
    case 'gen_ai.tool.message':
      f.messageRole = name.split('.')[1]!;
      f.prompt = messagesText(bodyField(r.body, 'content') ?? r.body);
      break;
    case 'gen_ai.choice':
      f.response = messagesText(bodyField(r.body, 'message', 'content') ?? bodyField(r.body, 'message') ?? r.body);
      break;
    default:
      return null;
  }
  if (r.traceId && r.spanId) return f;
  // Without trace context only a whole request can stand alone: a lone message cannot be joined.
  return name === 'gen_ai.client.inference.operation.details' && looksLikeCall(f) ? withId(f, name, r) : null;
}

/** A record without trace context (and no key of its agent's) gets an id of its own, stable across retries. */
function withId(f: Fragment, name: string, r: LogRecord): Fragment {
  if (f.syntheticId === null && (!f.traceId || !f.spanId)) {
    f.syntheticId = syntheticId([f.service, name, String(r.timeNs || r.observedTimeNs), f.promptId, f.model, f.inputTokens, f.outputTokens, firstString(r.attributes, ['event.sequence', 'event.timestamp'])]);
  }
  return f;
}
