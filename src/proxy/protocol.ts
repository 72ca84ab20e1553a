import { MAX_TEXT_CHARS } from '../normalize/limits.js';

/*
 * What a provider protocol reader makes of one exchange: pure functions of the request's path and
 * JSON body, and of the answer's JSON body or server-sent events, fed one at a time.
 */

/** What the provider answered, as far as the answer said. Null: it did not say. */
export interface Answer {
  model: string | null;
  /** All input tokens, cached ones included (the OpenTelemetry GenAI convention's count). */
  inputTokens: number | null;
  /** All output tokens, reasoning included. */
  outputTokens: number | null;
  cacheReadTokens: number | null;
  cacheWriteTokens: number | null;
  reasoningTokens: number | null;
  finishReason: string | null;
  /** The generated text (tool calls as `[tool call NAME]`), capped. */
  text: string | null;
  /** A failure the body described: an error object, or a stream that ended in an error event. */
  error: { message: string; type: string | null } | null;
}

/** Reads an answer's server-sent events, one at a time, keeping only what the call needs. */
export interface EventReader {
  /** One event's data (and its `event:` name, when given); true when it carried output (text, tool call, thinking). */
  event(data: string, name: string | undefined): boolean;
  answer(): Answer;
}

/** A request the proxy records as a call, read from its path and body. */
export interface Endpoint {
  /** chat, embeddings, text_completion (as the GenAI conventions name them). */
  operation: string;
  model: string | null;
  /** Asked for a stream; the answer's content type decides in the end. */
  stream: boolean;
  prompt: string | null;
  user: string | null;
  /** Reads a JSON answer (also an error's body). */
  json(body: unknown): Answer;
  events(): EventReader;
}

/**
 * A provider's protocol. `endpoint` answers null for requests that are not calls (listing models,
 * counting tokens, uploading files): those are relayed and not recorded. `body` is undefined when
 * the request body could not be read as JSON (too large, compressed, or not JSON).
 */
export type Protocol = (path: string, body: unknown) => Endpoint | null;

export function emptyAnswer(): Answer {
  return { model: null, inputTokens: null, outputTokens: null, cacheReadTokens: null, cacheWriteTokens: null, reasoningTokens: null, finishReason: null, text: null, error: null };
}

/** Generated text gathered from many deltas, kept up to the call's cap: the rest is only counted. */
export class TextSink {
  private readonly parts: string[] = [];
  private kept = 0;
  private dropped = 0;

  add(s: string): void {
    if (s === '') return;
    const room = MAX_TEXT_CHARS - this.kept;
    if (room <= 0) {
      this.dropped += s.length;
      return;
    }
    const part = s.length <= room ? s : s.slice(0, room);
    this.parts.push(part);
    this.kept += part.length;
    this.dropped += s.length - part.length;
  }

  text(): string | null {
    if (this.kept === 0) return null;
    const text = this.parts.join('');
    return this.dropped > 0 ? `${text}… [${this.dropped} more characters not kept]` : text;
  }
}

/* Readers of loosely typed JSON: the wire owes us nothing. */

export type Json = Record<string, unknown>;

export function obj(v: unknown): Json | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

export function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null;
}

/** a + b where either may be unknown: unknown only when both are. */
export function plus(a: number | null, b: number | null): number | null {
  return a === null && b === null ? null : (a ?? 0) + (b ?? 0);
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The error object most APIs answer with: `{error: {message, type|status|code}}`, or `{type: "error", error: {...}}`. */
export function errorOf(body: unknown): Answer['error'] {
  const e = obj(obj(body)?.error);
  if (!e) {
    const text = typeof obj(body)?.error === 'string' ? (obj(body)!.error as string) : null;
    return text ? { message: text, type: null } : null;
  }
  const message = str(e.message) ?? 'error';
  const type = str(e.type) ?? str(e.status) ?? str(e.code) ?? (typeof e.code === 'number' ? String(e.code) : null);
  return { message, type };
}

/** `[tool call NAME]`, as the normalizer writes tool calls in text. */
export function toolCall(name: unknown): string {
  const n = str(name);
  return n ? `[tool call ${n}]` : '[tool call]';
}
