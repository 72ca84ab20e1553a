import type { LlmCall } from '../domain/call.js';
import { API_ROLES, type ApiRole, promptMessages } from './messages.js';

interface ChatMessage {
  role: ApiRole;
  text: string;
}

/*
 * A call as a curl command that sends its request again to the provider's API: the stored
 * messages and model, the key as an environment variable (never a key), the base URL
 * overridable by the variable the provider's own SDK reads. Parameters such as temperature
 * are not stored, so the provider's defaults apply.
 */

interface Api {
  /** Environment variable holding the base URL, and its default. */
  baseEnv: string;
  base: string;
  path: (model: string) => string;
  headers: (keyEnv: string) => string[];
  body: (model: string, messages: ChatMessage[], call: LlmCall) => unknown;
  keyEnv: string;
}

const bearer = (keyEnv: string) => [`Authorization: Bearer $${keyEnv}`];

const openAiBody = (model: string, messages: ChatMessage[]) => ({ model, messages: messages.map((m) => ({ role: m.role, content: m.text })) });

function openAiCompatible(base: string, baseEnv: string, keyEnv: string): Api {
  return { base, baseEnv, keyEnv, path: () => '/chat/completions', headers: bearer, body: openAiBody };
}

/** Anthropic requires max_tokens: room for the answer the call got, at least 1024. */
const ANTHROPIC_MIN_MAX_TOKENS = 1024;

const APIS: Record<string, Api> = {
  openai: openAiCompatible('https://api.openai.com/v1', 'OPENAI_BASE_URL', 'OPENAI_API_KEY'),
  mistral: openAiCompatible('https://api.mistral.ai/v1', 'MISTRAL_BASE_URL', 'MISTRAL_API_KEY'),
  deepseek: openAiCompatible('https://api.deepseek.com/v1', 'DEEPSEEK_BASE_URL', 'DEEPSEEK_API_KEY'),
  xai: openAiCompatible('https://api.x.ai/v1', 'XAI_BASE_URL', 'XAI_API_KEY'),
  groq: openAiCompatible('https://api.groq.com/openai/v1', 'GROQ_BASE_URL', 'GROQ_API_KEY'),
  anthropic: {
    base: 'https://api.anthropic.com',
    baseEnv: 'ANTHROPIC_BASE_URL',
    keyEnv: 'ANTHROPIC_API_KEY',
    path: () => '/v1/messages',
    headers: (keyEnv) => [`x-api-key: $${keyEnv}`, 'anthropic-version: 2023-06-01'],
    body: (model, messages, call) => {
      const system = messages.filter((m) => m.role === 'system').map((m) => m.text);
      return {
        model,
        max_tokens: Math.max(ANTHROPIC_MIN_MAX_TOKENS, call.outputTokens),
        ...(system.length > 0 ? { system: system.join('\n') } : {}),
        messages: messages.filter((m) => m.role !== 'system').map((m) => ({ role: m.role, content: m.text })),
      };
    },
  },
  google: {
    base: 'https://generativelanguage.googleapis.com',
    baseEnv: 'GOOGLE_GEMINI_BASE_URL',
    keyEnv: 'GEMINI_API_KEY',
    path: (model) => `/v1beta/models/${urlSegment(model)}:generateContent`,
    headers: (keyEnv) => [`x-goog-api-key: $${keyEnv}`],
    body: (_model, messages) => {
      const system = messages.filter((m) => m.role === 'system').map((m) => ({ text: m.text }));
      return {
        ...(system.length > 0 ? { systemInstruction: { parts: system } } : {}),
        contents: messages.filter((m) => m.role !== 'system').map((m) => ({ role: m.role === 'assistant' ? 'model' : 'user', parts: [{ text: m.text }] })),
      };
    },
  },
};

/** POSIX shell single quotes: nothing inside is expanded; a quote is closed, escaped, reopened. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** A URL path segment with nothing a shell or a URL would read: letters, digits, . _ - only. */
function urlSegment(text: string): string {
  return Array.from(new TextEncoder().encode(text), (b) => (/[A-Za-z0-9._-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

/** A provider name as part of an environment variable name: GROQ_API_KEY, MY_PROXY_BASE_URL. */
function envName(provider: string): string {
  const name = provider.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[A-Z]/.test(name) ? name : `LLM_${name}`;
}

export function curlCommand(call: LlmCall): string {
  const known = APIS[call.provider];
  const name = envName(call.provider);
  const api = known ?? openAiCompatible('http://localhost:8000/v1', `${name}_BASE_URL`, `${name}_API_KEY`);
  const messages = promptMessages(call.prompt).map((m) => ({ role: API_ROLES[m.role] ?? 'user', text: m.text }));
  const lines: string[] = [`# llmtop: replay of ${oneLine(call.provider)}/${oneLine(call.model)} call ${oneLine(call.id)}; set $${api.keyEnv} first`];
  if (!known) lines.push(`# ${oneLine(call.provider)} has no built-in API here: assumed OpenAI-compatible at $${api.baseEnv}`);
  if (messages.length === 0) lines.push('# no prompt text was stored for this call (--no-content, or the SDK did not capture it)');
  const url = `"\${${api.baseEnv}:-${api.base}}${api.path(call.model)}"`;
  const args = [`curl -sS ${url}`, `-H 'content-type: application/json'`, ...api.headers(api.keyEnv).map((h) => `-H "${h}"`), `--data-raw ${shellQuote(JSON.stringify(api.body(call.model, messages, call)))}`];
  lines.push(args.join(' \\\n  '));
  return `${lines.join('\n')}\n`;
}

/** Text for a comment line: a newline in a name would end the comment and run the rest. */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
