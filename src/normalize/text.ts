import type { AttrValue, Attrs } from '../otlp/request.js';

/*
 * Prompt and response text, from every place the conventions put it. Messages become
 * "role: text" lines; a single message is just its text.
 */

export interface Message {
  role: string;
  text: string;
}

function parseJson(s: string): AttrValue | undefined {
  const t = s.trim();
  if (!(t.startsWith('[') || t.startsWith('{'))) return undefined;
  try {
    return JSON.parse(t) as AttrValue;
  } catch {
    return undefined;
  }
}

/** Deeper structures than any SDK writes are not text but an attack on the stack. */
const MAX_DEPTH = 32;

/** Text of one message content: a string, or parts such as {type:"text", text|content}. */
function contentText(v: AttrValue | undefined, depth = 0): string {
  if (v === undefined || v === null || depth > MAX_DEPTH) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map((x) => contentText(x, depth + 1)).filter((s) => s !== '').join('\n');
  const type = typeof v.type === 'string' ? v.type : '';
  // The model's thinking is not its answer.
  if (type === 'reasoning' || type === 'thinking') return '';
  // AI SDK 4 ai.response.toolCalls entries have no type: {toolCallType, toolCallId, toolName, args}.
  if (type === 'tool_call' || type === 'tool-call' || type === 'function_call' || (type === '' && typeof v.toolName === 'string')) {
    const name = v.name ?? v.toolName ?? '';
    return `[tool call ${typeof name === 'string' ? name : ''}]`.replace(' ]', ']');
  }
  if (type === 'tool_call_response' || type === 'tool-result') return '[tool result]';
  // 'choices': a whole OpenAI response, as OpenInference records it in output.value.
  for (const k of ['text', 'content', 'parts', 'message', 'value', 'choices']) {
    if (v[k] !== undefined) return contentText(v[k], depth + 1);
  }
  return '';
}

function toMessages(v: AttrValue): Message[] {
  const list = Array.isArray(v) ? v : [v];
  const out: Message[] = [];
  for (const m of list) {
    if (m && typeof m === 'object' && !Array.isArray(m)) {
      const inner = m.message && typeof m.message === 'object' && !Array.isArray(m.message) ? m.message : m;
      const role = typeof inner.role === 'string' ? inner.role : '';
      const text = contentText(inner.parts ?? inner.content ?? inner.text ?? inner);
      if (text !== '') out.push({ role, text });
    } else {
      const text = contentText(m);
      if (text !== '') out.push({ role: '', text });
    }
  }
  return out;
}

export function render(messages: Message[]): string | null {
  if (messages.length === 0) return null;
  if (messages.length === 1) return messages[0]!.text;
  return messages.map((m) => (m.role ? `${m.role}: ${m.text}` : m.text)).join('\n');
}

/** Text of a value that may be plain text, JSON text of messages, or structured messages. */
export function messagesText(v: AttrValue | undefined): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') {
    const parsed = parseJson(v);
    if (parsed === undefined) return v === '' ? null : v;
    return messagesText(parsed) ?? v;
  }
  if (!Array.isArray(v) && typeof v === 'object') {
    // Vercel AI SDK's ai.prompt: {system?, prompt?, messages?}
    if ('messages' in v || 'prompt' in v || 'system' in v) {
      const messages: Message[] = [];
      if (typeof v.system === 'string') messages.push({ role: 'system', text: v.system });
      if (v.prompt !== undefined && v.prompt !== null) messages.push({ role: 'user', text: contentText(v.prompt) });
      if (v.messages !== undefined && v.messages !== null) messages.push(...toMessages(v.messages));
      return render(messages.filter((m) => m.text !== ''));
    }
  }
  return render(toMessages(v));
}

/** The text of one streamed chunk: a GenerateContentResponse's first candidate, or a message with parts. */
function chunkText(c: AttrValue): string {
  if (!c || typeof c !== 'object' || Array.isArray(c)) return contentText(c);
  const first = Array.isArray(c.candidates) ? c.candidates[0] : undefined;
  const message = first && typeof first === 'object' && !Array.isArray(first) ? first.content : c;
  const parts = message && typeof message === 'object' && !Array.isArray(message) ? message.parts : undefined;
  if (!Array.isArray(parts)) return contentText(message);
  // Gemini marks its thinking as parts with thought: true; it is not the answer.
  return parts
    .filter((p) => !(p && typeof p === 'object' && !Array.isArray(p) && p.thought === true))
    .map((p) => contentText(p))
    .join('');
}

/**
 * An answer told chunk by chunk, as Gemini CLI logs a streamed one: the JSON of a
 * GenerateContentResponse or of an array of them (`response_text`), or one message per chunk
 * (`gen_ai.output.messages`). The chunks' texts joined as they came, with no separator.
 */
export function chunkedText(v: AttrValue | undefined): string | null {
  const parsed = typeof v === 'string' ? (parseJson(v) ?? v) : v;
  if (parsed === undefined || parsed === null) return null;
  if (typeof parsed === 'string') return parsed === '' ? null : parsed;
  const text = (Array.isArray(parsed) ? parsed : [parsed]).map(chunkText).join('');
  return text === '' ? null : text;
}

/** A flattened content value: plain text, or JSON text of parts (OpenLLMetry's multimodal content). */
function flatContentText(v: AttrValue | undefined): string {
  const parsed = typeof v === 'string' ? parseJson(v) : undefined;
  return (parsed !== undefined ? contentText(parsed) : '') || contentText(v);
}

/** OpenInference's flattened parts: prefix.M.message_content.type and .text (images have no text). */
function indexedParts(attrs: Attrs, prefix: string): string {
  const texts: string[] = [];
  for (let j = 0; j < 100; j++) {
    const text = attrs[`${prefix}.${j}.message_content.text`];
    if (text === undefined && attrs[`${prefix}.${j}.message_content.type`] === undefined) break;
    if (typeof text === 'string' && text !== '') texts.push(text);
  }
  return texts.join('\n');
}

/** Flattened tool calls: OpenInference's message.tool_calls.K.tool_call.function.name, OpenLLMetry's tool_calls.K.name. */
function indexedToolCalls(attrs: Attrs, prefix: string): string {
  const calls: string[] = [];
  for (let k = 0; k < 100; k++) {
    const name = attrs[`${prefix}.message.tool_calls.${k}.tool_call.function.name`] ?? attrs[`${prefix}.tool_calls.${k}.name`];
    if (typeof name !== 'string') break;
    calls.push(`[tool call ${name}]`);
  }
  return calls.join('\n');
}

/**
 * Messages flattened into numbered attributes: prefix.N.<roleKey> and prefix.N.<contentKey>, or
 * OpenInference's parts prefix.N.message.contents.M.message_content.text when there is no content.
 */
export function indexedMessages(attrs: Attrs, prefix: string, roleKey: string, contentKey: string): string | null {
  const messages: Message[] = [];
  for (let i = 0; i < 1000; i++) {
    const content = attrs[`${prefix}.${i}.${contentKey}`];
    const role = attrs[`${prefix}.${i}.${roleKey}`];
    if (content === undefined && role === undefined) break;
    const text = flatContentText(content) || indexedParts(attrs, `${prefix}.${i}.message.contents`) || indexedToolCalls(attrs, `${prefix}.${i}`);
    if (text !== '') messages.push({ role: typeof role === 'string' ? role : '', text });
  }
  return render(messages);
}

/**
 * gen_ai.input.messages, after the gen_ai.system_instructions the latest conventions keep apart
 * (unless the messages hold the system message too, as openlit's do).
 */
function genAiInput(a: Attrs): string | null {
  const input = a['gen_ai.input.messages'];
  const system = messagesText(a['gen_ai.system_instructions']);
  if (system === null || input === undefined) return messagesText(input);
  const parsed = typeof input === 'string' ? parseJson(input) : input;
  const messages = parsed === undefined || parsed === null ? [] : toMessages(parsed);
  if (messages.some((m) => m.role === 'system')) return render(messages);
  return render([{ role: 'system', text: system }, ...messages]);
}

/** Embedded values: ai.value is one JSON-encoded value, ai.values a list of them. */
function jsonValuesText(v: AttrValue | undefined): string | null {
  const values = Array.isArray(v) ? v : v === undefined ? [] : [v];
  const texts = values.map((x) => {
    if (typeof x !== 'string') return contentText(x);
    try {
      return contentText(JSON.parse(x) as AttrValue);
    } catch {
      return x;
    }
  });
  return texts.filter((t) => t !== '').join('\n') || null;
}

export interface TextPair {
  prompt: string | null;
  response: string | null;
}

/** Prompt and response from span or log attributes, in the order of the conventions table. */
export function textFromAttributes(a: Attrs): TextPair {
  return {
    prompt:
      genAiInput(a) ??
      messagesText(a['gen_ai.prompt']) ??
      messagesText(a['gen_ai.content.prompt']) ??
      indexedMessages(a, 'gen_ai.prompt', 'role', 'content') ??
      indexedMessages(a, 'llm.input_messages', 'message.role', 'message.content') ??
      messagesText(a['ai.prompt.messages']) ??
      messagesText(a['ai.prompt']) ??
      jsonValuesText(a['ai.values']) ??
      jsonValuesText(a['ai.value']) ??
      messagesText(a['input.value']) ??
      messagesText(a['prompt']),
    response:
      messagesText(a['gen_ai.output.messages']) ??
      messagesText(a['gen_ai.completion']) ??
      messagesText(a['gen_ai.content.completion']) ??
      indexedMessages(a, 'gen_ai.completion', 'role', 'content') ??
      indexedMessages(a, 'llm.output_messages', 'message.role', 'message.content') ??
      messagesText(a['ai.response.text']) ??
      messagesText(a['ai.response.toolCalls']) ??
      messagesText(a['output.value']) ??
      messagesText(a['response']),
  };
}
