import type { AttrValue } from '../otlp/request.js';
import { messagesText } from '../normalize/text.js';
import { TextSink, arr, emptyAnswer, errorOf, num, obj, parseJson, str, toolCall, type Answer, type EventReader, type Json, type Protocol } from './protocol.js';

/*
 * OpenAI's API and the many that copy it: Chat Completions, Responses, Embeddings and the legacy
 * Completions. Paths are matched by their end, so a gateway's own prefix (`/v1`, `/openai/v1`,
 * `/api/v1`) does not matter.
 */

export const openai: Protocol = (path, body) => {
  const p = path.split('?')[0]!.replace(/\/+$/, '');
  const b = obj(body);
  const model = str(b?.model);
  const stream = b?.stream === true;
  const user = str(b?.user) ?? str(b?.safety_identifier);
  if (p.endsWith('/chat/completions')) {
    return { operation: 'chat', model, stream, user, prompt: messagesText(arr(b?.messages) as AttrValue), json: chatAnswer, events: chatEvents };
  }
  if (p.endsWith('/responses')) {
    const input = b?.input;
    const items: unknown[] = typeof input === 'string' ? [{ role: 'user', content: input }] : arr(input);
    const instructions = str(b?.instructions);
    const messages = instructions ? [{ role: 'system', content: instructions }, ...items] : items;
    return { operation: 'chat', model, stream, user, prompt: messagesText(messages as AttrValue), json: responsesAnswer, events: responsesEvents };
  }
  if (p.endsWith('/embeddings')) {
    const input = b?.input;
    const texts = (typeof input === 'string' ? [input] : arr(input)).filter((x): x is string => typeof x === 'string');
    return { operation: 'embeddings', model, stream: false, user, prompt: texts.length > 0 ? texts.join('\n') : null, json: chatAnswer, events: chatEvents };
  }
  if (p.endsWith('/completions')) {
    const prompt = b?.prompt;
    const texts = (typeof prompt === 'string' ? [prompt] : arr(prompt)).filter((x): x is string => typeof x === 'string');
    return { operation: 'text_completion', model, stream, user, prompt: texts.length > 0 ? texts.join('\n') : null, json: chatAnswer, events: chatEvents };
  }
  return null;
};

/** `usage` of Chat Completions, Completions and Embeddings: prompt_tokens holds the cached ones, completion_tokens the reasoning. */
function chatUsage(a: Answer, usage: unknown): void {
  const u = obj(usage);
  if (!u) return;
  a.inputTokens = num(u.prompt_tokens) ?? a.inputTokens;
  a.outputTokens = num(u.completion_tokens) ?? a.outputTokens;
  a.cacheReadTokens = num(obj(u.prompt_tokens_details)?.cached_tokens) ?? a.cacheReadTokens;
  a.reasoningTokens = num(obj(u.completion_tokens_details)?.reasoning_tokens) ?? a.reasoningTokens;
}

function chatAnswer(body: unknown): Answer {
  const a = emptyAnswer();
  const b = obj(body);
  a.error = errorOf(body);
  if (!b) return a;
  a.model = str(b.model);
  chatUsage(a, b.usage);
  const text = new TextSink();
  for (const c of arr(b.choices)) {
    const choice = obj(c);
    a.finishReason ??= str(choice?.finish_reason);
    const message = obj(choice?.message);
    text.add(str(message?.content) ?? str(message?.refusal) ?? str(choice?.text) ?? '');
    for (const t of arr(message?.tool_calls)) text.add(toolCall(obj(obj(t)?.function)?.name));
  }
  a.text = text.text();
  return a;
}

function chatEvents(): EventReader {
  const a = emptyAnswer();
  const text = new TextSink();
  return {
    event(data) {
      if (data === '[DONE]') return false;
      const b = obj(parseJson(data));
      if (!b) return false;
      if (b.error !== undefined) a.error = errorOf(b);
      a.model ??= str(b.model);
      if (b.usage) chatUsage(a, b.usage);
      let output = false;
      for (const c of arr(b.choices)) {
        const choice = obj(c);
        a.finishReason ??= str(choice?.finish_reason);
        const delta = obj(choice?.delta);
        const content = str(delta?.content) ?? str(delta?.refusal) ?? str(choice?.text);
        if (content) {
          text.add(content);
          output = true;
        }
        for (const t of arr(delta?.tool_calls)) {
          const name = obj(obj(t)?.function)?.name;
          if (name !== undefined) text.add(toolCall(name));
          output = true;
        }
        // DeepSeek and other compatible APIs stream the model's thinking apart from its answer.
        if (str(delta?.reasoning_content) ?? str(delta?.reasoning)) output = true;
      }
      return output;
    },
    answer: () => ({ ...a, text: text.text() }),
  };
}

/** `usage` of the Responses API: input_tokens holds the cached ones, output_tokens the reasoning. */
function responsesUsage(a: Answer, usage: unknown): void {
  const u = obj(usage);
  if (!u) return;
  a.inputTokens = num(u.input_tokens);
  a.outputTokens = num(u.output_tokens);
  a.cacheReadTokens = num(obj(u.input_tokens_details)?.cached_tokens);
  a.reasoningTokens = num(obj(u.output_tokens_details)?.reasoning_tokens);
}

/** A whole `response` object: the body of a plain call, and of the stream's last event. */
function readResponse(a: Answer, r: Json, text: TextSink | null): void {
  a.model = str(r.model) ?? a.model;
  responsesUsage(a, r.usage);
  const status = str(r.status);
  a.finishReason = str(obj(r.incomplete_details)?.reason) ?? (status === 'completed' ? 'stop' : a.finishReason);
  const err = obj(r.error);
  if (err) a.error = { message: str(err.message) ?? 'error', type: str(err.code) ?? str(err.type) };
  else if (status === 'failed') a.error = { message: 'response failed', type: null };
  if (!text) return;
  for (const item of arr(r.output)) {
    const o = obj(item);
    if (o?.type === 'message') for (const part of arr(o.content)) text.add(str(obj(part)?.text) ?? str(obj(part)?.refusal) ?? '');
    else if (o?.type === 'function_call') text.add(toolCall(o.name));
  }
}

function responsesAnswer(body: unknown): Answer {
  const a = emptyAnswer();
  const b = obj(body);
  a.error = errorOf(body);
  if (!b || a.error) return a;
  const text = new TextSink();
  readResponse(a, b, text);
  a.text = text.text();
  return a;
}

function responsesEvents(): EventReader {
  const a = emptyAnswer();
  const text = new TextSink();
  let streamedText = false;
  let final: Json | null = null;
  let done: Answer | null = null;
  return {
    event(data) {
      const b = obj(parseJson(data));
      const type = str(b?.type) ?? '';
      if (!b) return false;
      if (type === 'error') {
        a.error = { message: str(b.message) ?? 'error', type: str(b.code) ?? null };
        return false;
      }
      const response = obj(b.response);
      if (response) {
        a.model = str(response.model) ?? a.model;
        if (type === 'response.completed' || type === 'response.incomplete' || type === 'response.failed') final = response;
      }
      if (type === 'response.output_text.delta' || type === 'response.refusal.delta') {
        text.add(str(b.delta) ?? '');
        streamedText = true;
        return true;
      }
      if (type === 'response.output_item.added' && obj(b.item)?.type === 'function_call') {
        text.add(toolCall(obj(b.item)!.name));
        streamedText = true;
        return true;
      }
      return type.endsWith('.delta');
    },
    answer() {
      if (done) return done;
      // The final response repeats the text: read it only when no delta carried any.
      if (final) readResponse(a, final, streamedText ? null : text);
      return (done = { ...a, text: text.text() });
    },
  };
}
