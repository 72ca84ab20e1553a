import type { AttrValue } from '../otlp/request.js';
import { messagesText } from '../normalize/text.js';
import { TextSink, arr, emptyAnswer, errorOf, num, obj, parseJson, plus, str, toolCall, type Answer, type EventReader, type Protocol } from './protocol.js';

/*
 * The Gemini API: models/{model}:generateContent, :streamGenerateContent (server-sent events with
 * ?alt=sse, as the SDKs ask; a JSON array without), :embedContent and :batchEmbedContents.
 * Gemini counts thinking apart from the answer (thoughtsTokenCount): both are output, billed as
 * such, so the answer's output tokens hold both.
 */

const METHOD = /\/(?:models|tunedModels)\/([^/:?]+):(generateContent|streamGenerateContent|embedContent|batchEmbedContents)$/;

export const gemini: Protocol = (path, body) => {
  const m = METHOD.exec(path.split('?')[0]!);
  if (!m) return null;
  const model = decodeURIComponent(m[1]!);
  const method = m[2]!;
  const b = obj(body);
  if (method === 'embedContent' || method === 'batchEmbedContents') {
    const contents = method === 'embedContent' ? [b?.content] : arr(b?.requests).map((r) => obj(r)?.content);
    return { operation: 'embeddings', model, stream: false, user: null, prompt: messagesText(contents.filter(Boolean) as AttrValue), json: contentAnswer, events: contentEvents };
  }
  const system = obj(b?.systemInstruction);
  const messages = [...(system ? [{ ...system, role: 'system' }] : []), ...arr(b?.contents)];
  return {
    operation: 'chat',
    model,
    stream: method === 'streamGenerateContent',
    user: null,
    prompt: messagesText(messages as AttrValue),
    json: contentAnswer,
    events: contentEvents,
  };
};

/** One GenerateContentResponse, whole or a chunk of a stream: its usage is the latest so far. Returns whether it carried output. */
function readChunk(a: Answer, text: TextSink, chunk: unknown): boolean {
  const c = obj(chunk);
  if (!c) return false;
  const err = errorOf(c);
  if (err) a.error = err;
  a.model = str(c.modelVersion) ?? a.model;
  const u = obj(c.usageMetadata);
  if (u) {
    const thoughts = num(u.thoughtsTokenCount);
    a.inputTokens = plus(num(u.promptTokenCount), num(u.toolUsePromptTokenCount));
    a.outputTokens = plus(num(u.candidatesTokenCount), thoughts);
    a.reasoningTokens = thoughts;
    a.cacheReadTokens = num(u.cachedContentTokenCount);
  }
  let output = false;
  const first = obj(arr(c.candidates)[0]);
  if (first) {
    a.finishReason = str(first.finishReason) ?? a.finishReason;
    for (const part of arr(obj(first.content)?.parts)) {
      const p = obj(part);
      if (!p) continue;
      output = true;
      if (p.functionCall !== undefined) text.add(toolCall(obj(p.functionCall)?.name));
      else if (p.thought !== true) text.add(str(p.text) ?? '');
    }
  }
  return output;
}

function contentAnswer(body: unknown): Answer {
  const a = emptyAnswer();
  const text = new TextSink();
  // :streamGenerateContent without alt=sse answers a JSON array of chunks.
  for (const chunk of Array.isArray(body) ? body : [body]) readChunk(a, text, chunk);
  a.text = text.text();
  return a;
}

function contentEvents(): EventReader {
  const a = emptyAnswer();
  const text = new TextSink();
  return {
    event: (data) => readChunk(a, text, parseJson(data)),
    answer: () => ({ ...a, text: text.text() }),
  };
}
