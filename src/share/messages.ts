import type { LlmCall } from '../domain/call.js';

/** One message of a stored prompt, its role as the instrumentation named it. */
export interface ChatMessage {
  role: string;
  text: string;
}

/** The three roles every provider API knows, for a role as instrumentations name it. */
export type ApiRole = 'system' | 'user' | 'assistant';

export const API_ROLES: Record<string, ApiRole> = {
  system: 'system',
  developer: 'system',
  user: 'user',
  human: 'user',
  tool: 'user',
  assistant: 'assistant',
  model: 'assistant',
  ai: 'assistant',
};

const ROLE_LINE = new RegExp(`^(${Object.keys(API_ROLES).join('|')}): `);

/**
 * The messages of a stored prompt. The normalizer keeps a conversation as "role: text" lines
 * and a single message as its bare text; the lines are split back only when joining them again
 * gives the stored text exactly, so an ambiguous prompt stays one user message.
 */
export function promptMessages(prompt: string | null): ChatMessage[] {
  if (prompt === null || prompt === '') return [];
  const split: { role: string; lines: string[] }[] = [];
  for (const line of prompt.split('\n')) {
    const m = ROLE_LINE.exec(line);
    if (m) split.push({ role: m[1]!, lines: [line.slice(m[0].length)] });
    else if (split.length > 0) split[split.length - 1]!.lines.push(line);
    else return [{ role: 'user', text: prompt }];
  }
  const rejoined = split.map((m) => `${m.role}: ${m.lines.join('\n')}`).join('\n');
  if (split.length < 2 || rejoined !== prompt) return [{ role: 'user', text: prompt }];
  return split.map((m) => ({ role: m.role, text: m.lines.join('\n') }));
}

/** The prompt as the OTel GenAI conventions' gen_ai.input.messages (role and text parts). */
export function inputMessagesJson(call: LlmCall): string | null {
  const messages = promptMessages(call.prompt);
  if (messages.length === 0) return null;
  return JSON.stringify(messages.map((m) => ({ role: m.role, parts: [{ type: 'text', content: m.text }] })));
}

export function outputMessagesJson(call: LlmCall): string | null {
  if (call.response === null || call.response === '') return null;
  return JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: call.response }] }]);
}
