import { createHash } from 'node:crypto';
import type { Attrs, LogRecord, Span } from '../otlp/request.js';
import { readUsage } from './conventions.js';
import type { Fragment } from './fragment.js';
import { firstString } from './read.js';
import { chunkedText, textFromAttributes } from './text.js';

/*
 * Coding agent CLIs. Each reports a model request as several log events in a row of its
 * session, and traces its own workings besides; docs/AGENTS.md lists what each version sends.
 *
 * - Claude Code: api_request (usage, cost, duration, TTFT) or api_error per request, the
 *   user's prompt in user_prompt and the reply in assistant_response, joined by prompt.id and
 *   request_id. With its tracing beta, a claude_code.llm_request span per request carries the
 *   same request_id, and the events' trace context points at the interaction above it: all are
 *   merged by request_id.
 * - Codex: api_request when the answer's headers arrive (trace context, no usage), then the
 *   response.completed SSE event with the usage (no trace context), then agent_response with
 *   the reply. Its spans are its own functions' (see agentSpan).
 * - Gemini CLI: one llm_call span per request; api_request with its trace context, then
 *   api_response (usage with cache and thoughts, duration, the reply) and the GenAI details
 *   records, which lose the trace context when the answer was streamed.
 *
 * What has no trace context is tied to its request by order (Fragment.request, resolved by the
 * assembler): the records of one session come in the order they were written.
 */

export type Agent = 'claude-code' | 'codex' | 'gemini-cli';

export const AGENTS: ReadonlySet<string> = new Set<Agent>(['claude-code', 'codex', 'gemini-cli']);

/** The events llmtop reads, by full name (Claude Code leaves its prefix out of event.name). */
export const AGENT_EVENTS: ReadonlySet<string> = new Set([
  'claude_code.user_prompt',
  'claude_code.api_request',
  'claude_code.api_error',
  'claude_code.assistant_response',
  'codex.user_prompt',
  'codex.api_request',
  'codex.sse_event',
  'codex.websocket_event',
  'codex.agent_response',
  'gemini_cli.user_prompt',
  'gemini_cli.api_request',
  'gemini_cli.api_response',
  'gemini_cli.api_error',
]);

const isClaudeScope = (scopeName: string) => scopeName.includes('claude_code');
const isGeminiScope = (scopeName: string) => scopeName.startsWith('gemini-cli');

/** Claude Code's event.name is `api_request`, its body `claude_code.api_request`: the full name either way. */
export function qualifiedEventName(name: string, scopeName: string): string {
  return isClaudeScope(scopeName) && !name.includes('.') ? `claude_code.${name}` : name;
}

/** Which agent wrote a log record: by its event's prefix, else by its instrumentation scope. */
export function agentOf(eventName: string, scopeName: string): Agent | null {
  if (eventName.startsWith('claude_code.') || isClaudeScope(scopeName)) return 'claude-code';
  if (eventName.startsWith('codex.')) return 'codex';
  if (eventName.startsWith('gemini_cli.') || isGeminiScope(scopeName)) return 'gemini-cli';
  return null;
}

/** One id for all the records of a request that the agent names (Claude Code's request_id). */
function requestKey(agent: Agent, service: string, requestId: string): string {
  return createHash('sha1').update([agent, service, requestId].join('\u0000')).digest('hex').slice(0, 32);
}

/** An agent's log record as a fragment (f: the record's base fragment), or null when it says nothing about requests. */
export function agentLogFragment(agent: Agent, name: string, r: LogRecord, f: Fragment): Fragment | null {
  f.source = agent;
  switch (agent) {
    case 'claude-code':
      return claudeCode(name, r.attributes, f);
    case 'codex':
      return codex(name, r.attributes, f);
    case 'gemini-cli':
      return geminiCli(name, r.attributes, f);
  }
}

function claudeCode(name: string, a: Attrs, f: Fragment): Fragment | null {
  f.promptId = firstString(a, ['prompt.id']);
  const requestId = firstString(a, ['request_id']);
  // The events' trace context is the interaction's, above all of a prompt's requests: the request id says which one.
  if (requestId) f.syntheticId = requestKey('claude-code', f.service, requestId);
  switch (name) {
    case 'claude_code.user_prompt':
      f.role = 'prompt';
      f.prompt = firstString(a, ['prompt', 'prompt_text']);
      return f.promptId || f.prompt ? f : null;
    case 'claude_code.api_request':
    case 'claude_code.api_error': {
      const failure = firstString(a, ['error', 'error.message']);
      readUsage(f, a);
      // Anthropic counts cached tokens apart from input_tokens; calls count them inside, as OTel does.
      if (f.inputTokens !== null) f.inputTokens += (f.cacheReadTokens ?? 0) + (f.cacheWriteTokens ?? 0);
      if (f.durationMs !== null) f.timeMs -= f.durationMs;
      f.isError = name === 'claude_code.api_error';
      f.error = f.isError ? (failure ?? firstString(a, ['status_code']) ?? 'error') : null;
      return f;
    }
    case 'claude_code.assistant_response':
      // Its reply, for the api_request of the same request_id (2.1.3xx; the text needs OTEL_LOG_ASSISTANT_RESPONSES=1).
      if (!requestId) return null;
      f.role = 'part';
      f.model = firstString(a, ['model']);
      f.response = firstString(a, ['response']);
      return f;
    default:
      return null;
  }
}

function codex(name: string, a: Attrs, f: Fragment): Fragment | null {
  // Codex has no prompt id: a user prompt holds for its conversation's requests until the next one.
  f.promptId = f.sessionId;
  switch (name) {
    case 'codex.user_prompt':
      f.role = 'prompt';
      f.prompt = firstString(a, ['prompt']);
      return f.promptId && f.prompt ? f : null;
    case 'codex.api_request': {
      // The model list is not a model request.
      if (firstString(a, ['endpoint'])?.endsWith('/models')) return null;
      const failure = firstString(a, ['error', 'error.message']);
      readUsage(f, a);
      f.provider ??= 'openai';
      if (f.durationMs !== null) f.timeMs -= f.durationMs;
      if (failure !== null) {
        // An attempt that failed is a request of its own, and a call.
        f.isError = true;
        f.error = failure;
        return f;
      }
      // An attempt that got its answer's headers (duration_ms): the request starts here, its usage comes later.
      f.role = 'part';
      f.request = 'opens';
      f.isError = false;
      f.error = null;
      return f;
    }
    case 'codex.sse_event':
    case 'codex.websocket_event': {
      if (firstString(a, ['event.kind']) !== 'response.completed') return null;
      readUsage(f, a);
      // Codex logs each response.completed twice; only one of the records carries the usage.
      if (f.inputTokens === null && f.outputTokens === null) return null;
      f.provider ??= 'openai';
      // Always a stream. The ttft_ms it logs here stays at 0-2 ms when the first text comes 300 ms
      // after the answer's headers (test/agents): not a time to first token.
      f.streamed = true;
      f.ttftMs = null;
      f.request = 'joins';
      f.isError = false;
      f.error = null;
      return f;
    }
    case 'codex.agent_response':
      // The final answer of a turn (needs log_agent_responses = true): the reply of the turn's last request.
      f.role = 'part';
      f.request = 'joins';
      f.response = firstString(a, ['response']);
      return f.response ? f : null;
    default:
      return null;
  }
}

function geminiCli(name: string, a: Attrs, f: Fragment): Fragment | null {
  f.promptId = firstString(a, ['prompt_id']);
  switch (name) {
    case 'gemini_cli.user_prompt':
      f.role = 'prompt';
      f.prompt = firstString(a, ['prompt']);
      return f.promptId && f.prompt ? f : null;
    case 'gemini_cli.api_request':
      readUsage(f, a);
      f.role = 'part';
      f.request = 'opens';
      return f;
    case 'gemini_cli.api_response':
    case 'gemini_cli.api_error': {
      const failure = firstString(a, ['error', 'error.message']);
      readUsage(f, a);
      // Gemini counts thoughts apart from the output; calls count them inside, as OpenAI does.
      if (f.outputTokens !== null && f.reasoningTokens !== null) f.outputTokens += f.reasoningTokens;
      if (f.durationMs !== null) f.timeMs -= f.durationMs;
      f.response = chunkedText(a['response_text']);
      f.isError = name === 'gemini_cli.api_error';
      f.error = f.isError ? (failure ?? 'error') : null;
      if (f.isError) f.errorType = firstString(a, ['error.type', 'error_type', 'status_code']);
      f.request = 'joins';
      return f;
    }
    case 'gen_ai.client.inference.operation.details': {
      // The request's GenAI details, and its answer's (with usage): the same request again.
      readUsage(f, a);
      f.prompt = textFromAttributes(a).prompt;
      f.response = chunkedText(a['gen_ai.output.messages']);
      if (f.inputTokens === null && f.outputTokens === null) f.role = 'part';
      f.request = 'joins';
      return f;
    }
    default:
      return null;
  }
}

/**
 * The agents' rules for their spans (f: the span's fragment, read by the conventions):
 * - Codex traces its own functions, hundreds per prompt; the request and its usage are told by
 *   its log events, so that none of its spans is a call: not handle_responses, which carries
 *   one request's gen_ai.usage.* but no model, nor session_task.turn with a turn's totals.
 * - Claude Code's claude_code.llm_request is merged with the events of its request_id.
 * - Gemini CLI's llm_call logs a streamed answer as one output message per chunk, and names its
 *   operation llm_call, which its logs and metrics call generate_content.
 */
export function agentSpan(f: Fragment, span: Span): void {
  // llmtop's own export names the agent it read a call from (llmtop.source): that span is the call.
  if (f.restored !== null) return;
  const a = span.attributes;
  switch (f.source) {
    case 'codex':
      f.role = 'layer';
      return;
    case 'claude-code': {
      const requestId = firstString(a, ['request_id']);
      if (requestId && f.role === 'call') f.syntheticId = requestKey('claude-code', f.service, requestId);
      return;
    }
    case 'gemini-cli':
      if (f.operation === 'llm_call') f.operation = 'generate_content';
      f.response = chunkedText(a['gen_ai.output.messages']) ?? f.response;
      f.promptId = firstString(a, ['gen_ai.prompt.name']);
      return;
  }
}
