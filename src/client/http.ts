import { apiReader, ReadError, type LlmtopReader } from './reader.js';

/** How long a question to a running llmtop may take: it answers from memory, or one SQLite read. */
const TIMEOUT_MS = 30_000;

/** A running llmtop, over its HTTP API: `--url` (and `--token` or LLMTOP_TOKEN when it asks for one). */
export function httpReader(url: string, token?: string | undefined): LlmtopReader {
  const base = url.replace(/\/+$/, '');
  return apiReader(base, async (path, params) => {
    const query = params.toString();
    const target = `${base}${path}${query ? `?${query}` : ''}`;
    let res: Response;
    let text: string;
    try {
      res = await fetch(target, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(TIMEOUT_MS) });
      text = await res.text();
    } catch (err) {
      throw new ReadError(null, `cannot read ${target}: ${reason(err)}; is llmtop running there?`);
    }
    const body = parse(text);
    if (res.ok && body !== undefined) return body;
    if (res.status === 401) throw new ReadError(401, `${base} wants a token: pass --token or set LLMTOP_TOKEN (${said(body, text)})`);
    if (res.ok) throw new ReadError(res.status, `${target} did not answer with JSON; is llmtop running there?`);
    throw new ReadError(res.status, said(body, text));
  });
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** What an error answer says: the API's `error`, OTLP's `message`, or the start of the text. */
function said(body: unknown, text: string): string {
  const b = body as { error?: unknown; message?: unknown } | undefined;
  if (typeof b?.error === 'string') return b.error;
  if (typeof b?.message === 'string') return b.message;
  return text.slice(0, 200);
}

/** fetch's own message is "fetch failed"; the cause says why (ECONNREFUSED, a bad host). */
function reason(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return `no answer in ${TIMEOUT_MS / 1000}s`;
  return (e.cause?.code ?? e.cause?.message ?? e.message).split('\n')[0]!;
}
