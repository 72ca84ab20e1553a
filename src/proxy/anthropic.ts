import type { AttrValue } from '../otlp/request.js';
import { messagesText } from '../normalize/text.js';
import { TextSink, arr, emptyAnswer, errorOf, num, obj, parseJson, str, toolCall, type Answer, type EventReader, type Protocol } from './protocol.js';

/*
 * Anthropic's Messages API. Its usage counts input_tokens apart from the cache reads and writes;
 * the answer holds the total, as the OpenTelemetry GenAI conventions count input tokens, so the
 * cost estimate is the same whichever way the call arrived.
 */

export const anthropic: Protocol = (path, body) => {
  const p = path.split('?')[0]!.replace(/\/+$/, '');
  if (!p.endsWith('/messages')) return null;
  const b = obj(body);
  const system = b?.system;
  const messages = [...(system !== undefined && system !== null ? [{ role: 'system', content: system }] : []), ...arr(b?.messages)];
  return {
    operation: 'chat',
    model: str(b?.model),
    stream: b?.stream === true,
    user: str(obj(b?.metadata)?.user_id),
    prompt: messagesText(messages as AttrValue),
    json: messageAnswer,
    events: messageEvents,
  };
};

/** Raw counts as the API gives them; message_delta repeats some of message_start's, and later ones win. */
interface Usage {
  input: number | null;
  output: number | null;
  cacheRead: number | null;
  cacheWrite: number | null;
}

function readUsage(u: Usage, usage: unknown): void {
  const o = obj(usage);
  if (!o) return;
  u.input = num(o.input_tokens) ?? u.input;
  u.output = num(o.output_tokens) ?? u.output;
  u.cacheRead = num(o.cache_read_input_tokens) ?? u.cacheRead;
  u.cacheWrite = num(o.cache_creation_input_tokens) ?? u.cacheWrite;
}

function withUsage(a: Answer, u: Usage): Answer {
  const known = u.input !== null || u.cacheRead !== null || u.cacheWrite !== null;
  a.inputTokens = known ? (u.input ?? 0) + (u.cacheRead ?? 0) + (u.cacheWrite ?? 0) : null;
  a.outputTokens = u.output;
  a.cacheReadTokens = u.cacheRead;
  a.cacheWriteTokens = u.cacheWrite;
  return a;
}

function messageAnswer(body: unknown): Answer {
  const a = emptyAnswer();
  const b = obj(body);
  a.error = errorOf(body);
  if (!b) return a;
  a.model = str(b.model);
  a.finishReason = str(b.stop_reason);
  const text = new TextSink();
  for (const block of arr(b.content)) {
    const c = obj(block);
    if (c?.type === 'text') text.add(str(c.text) ?? '');
    else if (c?.type === 'tool_use' || c?.type === 'server_tool_use') text.add(toolCall(c.name));
  }
  a.text = text.text();
  const u: Usage = { input: null, output: null, cacheRead: null, cacheWrite: null };
  readUsage(u, b.usage);
  return withUsage(a, u);
}

function messageEvents(): EventReader {
  const a = emptyAnswer();
  const u: Usage = { input: null, output: null, cacheRead: null, cacheWrite: null };
  const text = new TextSink();
  return {
    event(data) {
      const b = obj(parseJson(data));
      if (!b) return false;
      switch (b.type) {
        case 'message_start': {
          const m = obj(b.message);
          a.model = str(m?.model) ?? a.model;
          readUsage(u, m?.usage);
          return false;
        }
        case 'content_block_start': {
          const c = obj(b.content_block);
          if (c?.type === 'tool_use' || c?.type === 'server_tool_use') {
            text.add(toolCall(c.name));
            return true;
          }
          return false;
        }
        case 'content_block_delta': {
          const d = obj(b.delta);
          if (d?.type === 'text_delta') text.add(str(d.text) ?? '');
          return true;
        }
        case 'message_delta':
          a.finishReason = str(obj(b.delta)?.stop_reason) ?? a.finishReason;
          readUsage(u, b.usage);
          return false;
        case 'error':
          a.error = errorOf(b);
          return false;
        default:
          return false;
      }
    },
    answer: () => withUsage({ ...a, text: text.text() }, u),
  };
}
