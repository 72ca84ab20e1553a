import { createHash } from 'node:crypto';
import type { AttrValue, Attrs, LogRecord } from '../receiver/otlp.js';
import { environment, looksLikeCall, readUsage, service, sourceOf } from './conventions.js';
import { emptyFragment, type Fragment } from './fragment.js';
import { firstString, nsToMs } from './read.js';
import { messagesText, textFromAttributes } from './text.js';

/** The event's name, wherever the SDK put it: the event_name field, `event.name`, or the body. */
function eventName(r: LogRecord): string {
  if (r.eventName) return r.eventName;
  const attr = firstString(r.attributes, ['event.name']);
  if (attr) return attr;
  return typeof r.body === 'string' && /^[\w.]+$/.test(r.body) ? r.body : '';
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
 * (Claude Code, Codex) report each model request as an event with no trace context.
 */
export function logFragment(r: LogRecord, resource: Attrs, scopeName: string): Fragment | null {
  const name = eventName(r);
  const short = name.replace(/^(claude_code|codex)\./, '');
  const a = r.attributes;
  const timeMs = nsToMs(r.timeNs || r.observedTimeNs);
  const f = emptyFragment({
    traceId: r.traceId,
    spanId: r.spanId,
    parentSpanId: '',
    timeMs,
    service: service(resource, a),
    environment: environment(resource, a),
    source: sourceOf(a, scopeName),
    origin: 'log',
  });
  const agent = name.startsWith('claude_code.') || scopeName.includes('claude_code') ? 'claude-code' : name.startsWith('codex.') ? 'codex' : null;

  if (agent) {
    f.source = agent;
    f.promptId = firstString(a, ['prompt.id']);
    if (short === 'user_prompt') {
      f.role = 'prompt';
      f.prompt = firstString(a, ['prompt']);
      return f.promptId || f.prompt ? withId(f, name, r) : null;
    }
    const failure = firstString(a, ['error', 'error.message']);
    // Claude Code sends one api_request or api_error per model request. Codex's usage is in its
    // response.completed SSE event; its api_request is the HTTP attempt, a call only when it failed.
    const isCall =
      agent === 'claude-code'
        ? short === 'api_request' || short === 'api_error'
        : ((short === 'sse_event' || short === 'websocket_event') && firstString(a, ['event.kind']) === 'response.completed') ||
          (short === 'api_request' && failure !== null && !firstString(a, ['endpoint'])?.endsWith('/models'));
    if (!isCall) return null;
    readUsage(f, a);
    if (agent === 'codex') f.provider ??= 'openai';
    // Anthropic counts cached tokens apart from input_tokens; calls count them inside, as OTel does.
    if (agent === 'claude-code' && f.inputTokens !== null) f.inputTokens += (f.cacheReadTokens ?? 0) + (f.cacheWriteTokens ?? 0);
    if (f.durationMs !== null) f.timeMs = timeMs - f.durationMs;
    if (short === 'api_error' || (agent === 'codex' && short === 'api_request')) {
      f.isError = true;
      f.error = failure ?? firstString(a, ['status_code']) ?? 'error';
    } else {
      f.isError = false;
      f.error = null;
    }
    return withId(f, name, r);
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

function withId(f: Fragment, name: string, r: LogRecord): Fragment {
  if (!f.traceId || !f.spanId) {
    f.syntheticId = syntheticId([f.service, name, String(r.timeNs || r.observedTimeNs), f.promptId, f.model, f.inputTokens, f.outputTokens, firstString(r.attributes, ['event.sequence', 'event.timestamp'])]);
  }
  return f;
}
