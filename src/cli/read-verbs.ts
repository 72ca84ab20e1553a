import { RUN_SORTS, type RunSort } from '../domain/run.js';
import { SESSION_SORTS, type SessionSort } from '../domain/session.js';
import { fileReader } from '../client/file.js';
import { httpReader } from '../client/http.js';
import { ReadError, type KeyFilter, type LlmtopReader } from '../client/reader.js';
import { Prices } from '../pricing/index.js';
import { parseDuration } from '../stats/windows.js';
import { formatSummaryTable } from '../views/snapshot-text.js';
import { sanitizeLine } from '../views/sanitize.js';
import { callsText, callText } from './calls-text.js';
import { errorsText } from './errors-text.js';
import { UsageError } from './flags.js';
import { runsText, runText } from './runs-text.js';
import { sessionsText, sessionText } from './sessions-text.js';
import type { VerbInput } from './verbs.js';

/*
 * The verbs that read llmtop's answers: summary (snapshot), calls, call, runs, run, sessions,
 * session, errors. Each reads a running llmtop (--url) or a db file (--db), and prints the API's
 * JSON (--json) or text.
 */

const MAX_LAST = 10_000;
const MAX_WINDOW_MS = 24 * 3600_000;

/** Where to read: --db FILE, else --url (by default the local llmtop). */
export function readerOf(v: VerbInput): LlmtopReader {
  if (v.given('--db') && v.given('--url')) throw new UsageError('--url and --db are two places to read from; give one');
  if (v.flags.db !== undefined) {
    const windowMs = parseDuration(v.flags.window);
    if (windowMs === null || windowMs > MAX_WINDOW_MS) throw new UsageError(windowMessage(v.flags.window));
    return fileReader({ path: v.flags.db, pricer: Prices.load(v.flags.pricing ?? null), windowMs });
  }
  let url: URL;
  try {
    url = new URL(v.flags.url);
  } catch {
    throw new UsageError(`--url "${v.flags.url}" is not a URL such as http://127.0.0.1:4318`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url "${v.flags.url}" must be an http:// or https:// URL`);
  return httpReader(v.flags.url, v.flags.token ?? process.env.LLMTOP_TOKEN);
}

const windowMessage = (text: string) => `--window "${text}" is not a duration up to 24h such as 5m, 1h or 24h`;

/** --window when typed (checked here, for a one-line message); else the reader's own. */
function windowOf(v: VerbInput): string | undefined {
  if (!v.given('--window')) return undefined;
  const ms = parseDuration(v.flags.window);
  if (ms === null || ms > MAX_WINDOW_MS) throw new UsageError(windowMessage(v.flags.window));
  return v.flags.window;
}

function lastOf(v: VerbInput, fallback: number): number {
  const text = v.flags.last;
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_LAST) throw new UsageError(`--last "${text}" is not a whole number from 1 to ${MAX_LAST}`);
  return Number(text);
}

function filterOf(v: VerbInput): KeyFilter {
  const f: KeyFilter = {};
  if (v.flags.model !== undefined) f.model = v.flags.model;
  if (v.flags.service !== undefined) f.service = v.flags.service;
  return f;
}

function noArgs(v: VerbInput, verb: string): void {
  if (v.args.length > 0) throw new UsageError(`llmtop ${verb} takes no arguments, got "${v.args[0]}"; see llmtop --help`);
}

function oneArg(v: VerbInput, verb: string, what: string, example: string): string {
  const [arg, extra] = v.args;
  if (arg === undefined || arg.trim() === '' || extra !== undefined) throw new UsageError(`llmtop ${verb} needs one ${what}, such as: ${example}`);
  return arg;
}

/**
 * Reads, then prints the answer as JSON or text. A question llmtop refuses, a thing it does not
 * hold, or llmtop out of reach: one line on stderr, exit 2 for a wrong question (400), else 1.
 */
async function reading<T>(v: VerbInput, read: (r: LlmtopReader) => Promise<T>, text: (answer: T) => string): Promise<number> {
  const reader = readerOf(v);
  try {
    const answer = await read(reader);
    v.out(v.flags.json ? `${JSON.stringify(answer, null, 2)}\n` : text(answer));
    return 0;
  } catch (err) {
    if (!(err instanceof ReadError)) throw err;
    v.err(`llmtop: ${sanitizeLine(err.message)}`);
    return err.status === 400 ? 2 : 1;
  } finally {
    reader.close();
  }
}

/** `llmtop summary`, and `llmtop snapshot` as before: the summary once, as a table or JSON. */
export function summaryVerb(verb: string): (v: VerbInput) => Promise<number> {
  return (v) => {
    noArgs(v, verb);
    const window = windowOf(v);
    return reading(v, (r) => r.summary({ ...(window ? { window } : {}), filter: filterOf(v) }), formatSummaryTable);
  };
}

export function callsVerb(v: VerbInput): Promise<number> {
  noArgs(v, 'calls');
  const limit = lastOf(v, 20);
  const q = v.flags.q;
  if (q !== undefined && q.trim() === '') throw new UsageError('--q needs words to search for, such as --q refund or --q "rate limit"');
  const filter = filterOf(v);
  const filtered = Object.keys(filter).length > 0 || v.flags.errors;
  return reading(v, (r) => r.calls({ limit, filter, errors: v.flags.errors, ...(q !== undefined ? { q } : {}) }), (a) => callsText(a, { limit, q, filtered }));
}

export function callVerb(v: VerbInput): Promise<number> {
  const id = oneArg(v, 'call', 'call id', 'llmtop call 4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7 (llmtop calls lists them)');
  return reading(v, (r) => r.call(id), callText);
}

export function runsVerb(v: VerbInput): Promise<number> {
  noArgs(v, 'runs');
  const window = windowOf(v);
  const sort = v.flags.sort;
  if (!(RUN_SORTS as readonly string[]).includes(sort)) throw new UsageError(`--sort "${sort}" is not one of ${RUN_SORTS.join(', ')}`);
  const limit = lastOf(v, 20);
  return reading(v, (r) => r.runs({ ...(window ? { window } : {}), sort: sort as RunSort, limit }), (a) => runsText(a, { window: window ?? null, sort }));
}

export function runVerb(v: VerbInput): Promise<number> {
  const traceId = oneArg(v, 'run', 'trace id', 'llmtop run 4bf92f3577b34da6a3ce929d0e0e4736 (llmtop runs lists them)');
  return reading(v, (r) => r.run(traceId), runText);
}

export function sessionsVerb(v: VerbInput): Promise<number> {
  noArgs(v, 'sessions');
  const window = windowOf(v);
  const sort = v.flags.sort;
  if (!(SESSION_SORTS as readonly string[]).includes(sort)) throw new UsageError(`--sort "${sort}" is not one of ${SESSION_SORTS.join(', ')}`);
  const limit = lastOf(v, 20);
  return reading(v, (r) => r.sessions({ ...(window ? { window } : {}), sort: sort as SessionSort, limit }), (a) => sessionsText(a, { window: window ?? null, sort }));
}

export function sessionVerb(v: VerbInput): Promise<number> {
  const id = oneArg(v, 'session', 'session id', 'llmtop session 0f8e2c1a-5b7d-4e3f-9a21-6c4d8b0e7f15 (llmtop sessions lists them)');
  return reading(v, (r) => r.session(id), sessionText);
}

export function errorsVerb(v: VerbInput): Promise<number> {
  noArgs(v, 'errors');
  const window = windowOf(v);
  const limit = lastOf(v, 100);
  return reading(v, (r) => r.errors({ ...(window ? { window } : {}), limit, filter: filterOf(v) }), errorsText);
}
