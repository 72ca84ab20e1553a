import type { IncomingHttpHeaders } from 'node:http';

/*
 * Credentials the app sends go upstream and nowhere else. The proxy keeps no header and no query
 * string; what it keeps is text read from bodies (prompts, responses, error messages), and these
 * are scrubbed of every credential the request carried, in case a body repeats one (a provider
 * quoting a wrong key back, an app pasting one into a prompt).
 */

/** Headers that carry credentials, as the SDKs and gateways send them. */
const KEY_HEADERS = ['authorization', 'proxy-authorization', 'x-api-key', 'api-key', 'x-goog-api-key', 'openai-api-key', 'cookie'];
/** Query parameters that carry credentials (`?key=` is the Gemini API's). */
const KEY_PARAMS = ['key', 'api-key', 'api_key', 'apikey', 'access_token', 'token'];

/** The shortest value taken for a credential: shorter ones would scrub ordinary words. */
const MIN_SECRET_CHARS = 8;

/** Every credential value in a request's headers and query string. */
export function secretsOf(headers: IncomingHttpHeaders, search: string): string[] {
  const out = new Set<string>();
  const add = (v: string) => {
    const t = v.trim();
    if (t.length >= MIN_SECRET_CHARS) out.add(t);
  };
  for (const name of KEY_HEADERS) {
    const v = headers[name];
    for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) {
      add(one);
      // `Bearer sk-...`, `Basic ...`: the credential without its scheme too.
      const m = /^\s*\S+\s+(\S+)\s*$/.exec(one);
      if (m) add(m[1]!);
      if (name === 'cookie') for (const part of one.split(';')) add(part.slice(part.indexOf('=') + 1));
    }
  }
  const params = new URLSearchParams(search);
  for (const [k, v] of params) if (KEY_PARAMS.includes(k.toLowerCase())) add(v);
  return [...out];
}

const REPLACEMENT = '[key removed]';
/** How much of a key's start marks a quoted, masked copy of it ("sk-proj-ab***...wxyz"). */
const MASKED_PREFIX_CHARS = 8;

/**
 * Text with every credential removed: the whole value wherever it appears, and the masked echoes
 * providers put in their errors ("Incorrect API key provided: sk-proj-ab*******wxyz"), found by
 * the key's first characters followed by a run of non-space characters.
 */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (out.includes(s)) out = out.split(s).join(REPLACEMENT);
    if (s.length >= MASKED_PREFIX_CHARS * 2) {
      const prefix = s.slice(0, MASKED_PREFIX_CHARS);
      // A sentence's full stop after the echo is not part of it.
      if (out.includes(prefix)) out = out.replace(new RegExp(`${escape(prefix)}[^\\s"',;]*?(?=\\.?(?:[\\s"',;]|$))`, 'g'), REPLACEMENT);
    }
  }
  return out;
}

export function scrubOptional(text: string | null, secrets: readonly string[]): string | null {
  return text === null ? null : scrub(text, secrets);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
