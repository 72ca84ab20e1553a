import type { AttrValue, Attrs } from '../receiver/otlp.js';

/*
 * Prompt and response text, from every place the conventions put it. Messages become
 * "role: text" lines; a single message is just its text.
 */

interface Message {
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

/** Text of one message content: a string, or parts such as {type:"text", text|content}. */
function contentText(v: AttrValue | undefined): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(contentText).filter((s) => s !== '').join('\n');
  const type = typeof v.type === 'string' ? v.type : '';
  if (type === 'tool_call' || type === 'tool-call' || type === 'function_call') {
    const name = v.name ?? v.toolName ?? '';
    return `[tool call ${typeof name === 'string' ? name : ''}]`.replace(' ]', ']');
  }
  if (type === 'tool_call_response' || type === 'tool-result') return '[tool result]';
  for (const k of ['text', 'content', 'parts', 'message', 'value']) {
    if (v[k] !== undefined) return contentText(v[k]);
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

function render(messages: Message[]): string | null {
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

/** Messages flattened into numbered attributes: prefix.N.<roleKey> and prefix.N.<contentKey>. */
export function indexedMessages(attrs: Attrs, prefix: string, roleKey: string, contentKey: string): string | null {
  const messages: Message[] = [];
  for (let i = 0; i < 1000; i++) {
    const content = attrs[`${prefix}.${i}.${contentKey}`];
    const role = attrs[`${prefix}.${i}.${roleKey}`];
    if (content === undefined && role === undefined) break;
    const text = contentText(content);
    if (text !== '') messages.push({ role: typeof role === 'string' ? role : '', text });
  }
  return render(messages);
}

export interface TextPair {
  prompt: string | null;
  response: string | null;
}

/** Prompt and response from span or log attributes, in the order of the conventions table. */
export function textFromAttributes(a: Attrs): TextPair {
  return {
    prompt:
      messagesText(a['gen_ai.input.messages']) ??
      messagesText(a['gen_ai.prompt']) ??
      messagesText(a['gen_ai.content.prompt']) ??
      indexedMessages(a, 'gen_ai.prompt', 'role', 'content') ??
      indexedMessages(a, 'llm.input_messages', 'message.role', 'message.content') ??
      messagesText(a['ai.prompt.messages']) ??
      messagesText(a['ai.prompt']) ??
      messagesText(a['input.value']) ??
      messagesText(a['prompt']),
    response:
      messagesText(a['gen_ai.output.messages']) ??
      messagesText(a['gen_ai.completion']) ??
      messagesText(a['gen_ai.content.completion']) ??
      indexedMessages(a, 'gen_ai.completion', 'role', 'content') ??
      indexedMessages(a, 'llm.output_messages', 'message.role', 'message.content') ??
      messagesText(a['ai.response.text']) ??
      messagesText(a['output.value']) ??
      messagesText(a['response']),
  };
}
