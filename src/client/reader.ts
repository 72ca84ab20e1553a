import type { CallJson, CallsJson, ErrorsJson, PricesJson, RunTreeJson, RunsJson, SessionDetailJson, SessionsJson, SummaryJson } from '../api/json.js';
import type { GroupKey } from '../domain/call.js';
import type { RunSort } from '../domain/run.js';
import type { SessionSort } from '../domain/session.js';

/*
 * What the CLI verbs and `llmtop mcp` read: llmtop's answers, from a running llmtop over its HTTP
 * API (./http.ts) or from a db file (./file.ts), in the API's JSON either way. Both speak the
 * API's paths: the file's answers come from the API's own code (api/routes.ts getApi), so that
 * they are the ones the running llmtop would give.
 */

/** Filters on a call's keys, as the API takes them. */
export type KeyFilter = Partial<Record<GroupKey, string>>;

export interface CallsAsk {
  limit: number;
  filter?: KeyFilter;
  /** Failed calls only. */
  errors?: boolean;
  /** Full-text search over prompt, response and error (SQLite FTS5 syntax). */
  q?: string;
}

export interface SummaryAsk {
  /** A duration up to 24h; the reader's default window (llmtop's --window) when absent. */
  window?: string;
  groupBy?: readonly GroupKey[];
  filter?: KeyFilter;
}

export interface RunsAsk {
  window?: string;
  limit?: number;
  sort?: RunSort;
}

export interface SessionsAsk {
  window?: string;
  limit?: number;
  sort?: SessionSort;
}

export interface ErrorsAsk {
  window?: string;
  limit?: number;
  filter?: KeyFilter;
}

export interface LlmtopReader {
  /** What it reads: the URL or the db file, for messages. */
  readonly source: string;
  summary(ask?: SummaryAsk): Promise<SummaryJson>;
  calls(ask: CallsAsk): Promise<CallsJson>;
  /** A ReadError with status 404 when there is no such call. */
  call(id: string): Promise<CallJson>;
  runs(ask?: RunsAsk): Promise<RunsJson>;
  /** A ReadError with status 404 when llmtop holds no such run. */
  run(traceId: string): Promise<RunTreeJson>;
  /** Sessions (conversations) with a call in the window, each over its whole history. */
  sessions(ask?: SessionsAsk): Promise<SessionsJson>;
  /** A ReadError with status 404 when the store holds no call of that session. */
  session(id: string): Promise<SessionDetailJson>;
  errors(ask?: ErrorsAsk): Promise<ErrorsJson>;
  /** The prices of the models named (`gpt-4o`, `openai/gpt-4o`), or of the models stored. */
  prices(models?: readonly string[]): Promise<PricesJson>;
  close(): void;
}

/**
 * The reader could not answer. `status` is the API's (400: the question is wrong; 404: no such
 * thing; 401: the token), or null when llmtop could not be reached at all.
 */
export class ReadError extends Error {
  constructor(
    readonly status: number | null,
    message: string,
  ) {
    super(message);
  }
}

/** A GET of an API path with its query: the JSON answer, or a ReadError. */
export type ApiGet = (path: string, params: URLSearchParams) => Promise<unknown>;

/** A reader over any way of answering the API's GETs. */
export function apiReader(source: string, get: ApiGet, close: () => void = () => {}): LlmtopReader {
  const params = (entries: Record<string, string | number | boolean | readonly string[] | undefined>) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(entries)) {
      if (v === undefined || v === false) continue;
      if (Array.isArray(v)) for (const item of v as readonly string[]) p.append(k, item);
      else p.set(k, String(v));
    }
    return p;
  };
  return {
    source,
    summary: (a = {}) => get('/api/v1/summary', params({ window: a.window, groupBy: a.groupBy?.join(','), ...a.filter })) as Promise<SummaryJson>,
    calls: (a) => get('/api/v1/calls', params({ limit: a.limit, q: a.q, errors: a.errors ? 'true' : undefined, ...a.filter })) as Promise<CallsJson>,
    call: (id) => get(`/api/v1/calls/${encodeURIComponent(id)}`, params({})) as Promise<CallJson>,
    runs: (a = {}) => get('/api/v1/runs', params({ window: a.window, limit: a.limit, sort: a.sort })) as Promise<RunsJson>,
    run: (traceId) => get(`/api/v1/runs/${encodeURIComponent(traceId)}`, params({})) as Promise<RunTreeJson>,
    sessions: (a = {}) => get('/api/v1/sessions', params({ window: a.window, limit: a.limit, sort: a.sort })) as Promise<SessionsJson>,
    session: (id) => get(`/api/v1/sessions/${encodeURIComponent(id)}`, params({})) as Promise<SessionDetailJson>,
    errors: (a = {}) => get('/api/v1/errors', params({ window: a.window, limit: a.limit, ...a.filter })) as Promise<ErrorsJson>,
    prices: (models = []) => get('/api/v1/prices', params({ model: models })) as Promise<PricesJson>,
    close,
  };
}
