import type { IncomingMessage, ServerResponse } from 'node:http';
import { GROUP_KEYS, type GroupKey, type LlmCall } from '../domain/call.js';
import { RUN_SORTS, type RunDetail, type RunSort } from '../domain/run.js';
import type { Summary } from '../domain/summary.js';
import { SESSION_SORTS, type SessionDetail, type SessionQuery, type SessionSort, type SessionSummary } from '../domain/session.js';
import type { SourcesReport } from '../domain/sources.js';
import { parseModelArg, priceAnswer, storedPrices, type Pricer } from '../pricing/index.js';
import type { ErrorRow } from '../stats/errors.js';
import type { CallFilter, LiveStats } from '../stats/live-stats.js';
import type { RunIndex } from '../stats/runs.js';
import { formatWindow, parseDuration } from '../stats/windows.js';
import type { QueryRow, QuerySpec } from '../domain/query.js';
import { BodyError, readRaw } from '../receiver/body.js';
import { SearchSyntaxError, type CallQuery } from '../store/call-store.js';
import { QueryError, parseQuery } from './query-spec.js';
import {
  callJson,
  errorRowJson,
  runJson,
  runTreeJson,
  sessionDetailJson,
  sessionJson,
  type CallJson,
  type CallsJson,
  type ErrorsJson,
  type PricesJson,
  type RunTreeJson,
  type RunsJson,
  type SessionDetailJson,
  type SessionsJson,
} from './json.js';

export interface ApiDeps {
  stats: Pick<LiveStats, 'summary'>;
  runs: Pick<RunIndex, 'runs' | 'run'>;
  sessions: (q: SessionQuery) => SessionSummary[];
  session: (id: string) => SessionDetail | undefined;
  calls: (q: CallQuery) => LlmCall[];
  /** How many stored calls match a search. */
  matching: (q: CallQuery & { q: string }) => number;
  /** One stored call with its text; its start, when known, finds it at once. */
  call: (id: string, timeMs?: number) => LlmCall | undefined;
  /** The errors view's rows: per model and kind of problem, over a window. */
  errors: (windowMs: number, filter: CallFilter) => ErrorRow[];
  /** The prices in force, and the models stored (for /api/v1/prices without a model). */
  pricer: Pricer;
  models: () => { provider: string; model: string; calls: number }[];
  now: () => number;
  query: (spec: QuerySpec) => QueryRow[];
  defaultWindowMs: number;
  health: () => Record<string, unknown>;
  sources: () => SourcesReport;
}

/** A request the API cannot answer as asked (400), or what it names does not exist (404): the status and the reason. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const badRequest = (message: string) => new ApiError(400, message);

const DEFAULT_GROUP_BY: GroupKey[] = ['provider', 'model'];
const MAX_WINDOW_MS = 24 * 3600_000;
const MAX_LIMIT = 10_000;
const MAX_QUERY_BYTES = 1024 * 1024;
/** Models named in one /api/v1/prices request. */
const MAX_MODELS = 100;

/** The JSON API on the receiver's port. Returns false when the path is not the API's. */
export function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, deps: ApiDeps): boolean {
  const route = routeOf(url.pathname);
  if (!route) return false;
  if (req.method !== route.method) {
    res.setHeader('Allow', route.method);
    send(res, 405, { error: `${req.method} is not allowed on ${url.pathname}; use ${route.method}` });
    return true;
  }
  const body = req.method === 'POST' ? readRaw(req, MAX_QUERY_BYTES).then(parseJson) : Promise.resolve(undefined);
  void body
    .then((b) => send(res, 200, route.answer(url.searchParams, deps, b, url.pathname)))
    .catch((err: Error) => {
      const e = asApiError(err);
      send(res, e.status, { error: e.message });
    });
  return true;
}

/**
 * A GET of the API answered in this process, as the HTTP API would answer it: its JSON, or an
 * ApiError with the status it would send. A reader of the db file answers through it.
 */
export function getApi(pathname: string, params: URLSearchParams, deps: ApiDeps): unknown {
  const route = routeOf(pathname);
  if (!route || route.method !== 'GET') throw new ApiError(404, `no such path: ${pathname}`);
  try {
    return route.answer(params, deps, undefined, pathname);
  } catch (err) {
    throw asApiError(err as Error);
  }
}

function asApiError(err: Error): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof QueryError || err instanceof SearchSyntaxError) return new ApiError(400, err.message);
  return new ApiError(err instanceof BodyError ? err.status : 500, err.message);
}

type Answer = (q: URLSearchParams, deps: ApiDeps, body: unknown, path: string) => unknown;

interface Route {
  method: string;
  answer: Answer;
}

const ROUTES: Record<string, Route> = {
  '/healthz': { method: 'GET', answer: (_q, deps) => ({ status: 'ok', ...deps.health() }) },
  '/api/v1/summary': { method: 'GET', answer: summary },
  '/api/v1/calls': { method: 'GET', answer: calls },
  '/api/v1/errors': { method: 'GET', answer: errors },
  '/api/v1/prices': { method: 'GET', answer: prices },
  '/api/v1/sources': { method: 'GET', answer: (_q, deps) => deps.sources() },
  '/api/v1/query': { method: 'POST', answer: (_q, deps, body) => ({ data: deps.query(parseQuery(body)) }) },
  '/api/v1/runs': { method: 'GET', answer: runs },
  '/api/v1/sessions': { method: 'GET', answer: sessions },
};

/** Routes under a path, the rest of it naming one thing: GET /api/v1/runs/<traceId>, /api/v1/calls/<id>, /api/v1/sessions/<id>. */
const PREFIX_ROUTES: Record<string, Route> = {
  '/api/v1/runs/': { method: 'GET', answer: run },
  '/api/v1/calls/': { method: 'GET', answer: call },
  '/api/v1/sessions/': { method: 'GET', answer: session },
};

function routeOf(pathname: string): Route | undefined {
  const exact = ROUTES[pathname];
  if (exact) return exact;
  const prefix = Object.keys(PREFIX_ROUTES).find((p) => pathname.startsWith(p) && pathname.length > p.length);
  return prefix === undefined ? undefined : PREFIX_ROUTES[prefix];
}

/** What the path names after its prefix, decoded; a bad escape is the client's mistake. */
function nameIn(path: string, prefix: string): string {
  try {
    return decodeURIComponent(path.slice(prefix.length));
  } catch {
    throw badRequest(`${path.slice(prefix.length)} is not a URL-encoded name`);
  }
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw badRequest(`the body is not JSON: ${(err as Error).message}`);
  }
}

function windowOf(q: URLSearchParams, deps: ApiDeps): number {
  const windowText = q.get('window');
  const windowMs = windowText === null ? deps.defaultWindowMs : parseDuration(windowText);
  if (windowMs === null || windowMs > MAX_WINDOW_MS)
    throw badRequest(`window "${windowText}" is not a duration up to 24h such as 1m, 5m, 15m, 1h or 24h`);
  return windowMs;
}

function limitOf(q: URLSearchParams, fallback: number): number {
  const limitText = q.get('limit') ?? String(fallback);
  const limit = Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw badRequest(`limit "${limitText}" is not a whole number from 1 to ${MAX_LIMIT}`);
  return limit;
}

function summary(q: URLSearchParams, deps: ApiDeps): Summary {
  const windowMs = windowOf(q, deps);
  const groupBy = q.has('groupBy') ? q.get('groupBy')!.split(',').map((k) => groupKey(k.trim())) : DEFAULT_GROUP_BY;
  return deps.stats.summary({ windowMs, groupBy, filter: filters(q, ['service', 'environment', 'provider', 'model', 'operation', 'user']) });
}

/** Newest first; `q` searches prompt, response and error over the whole store, and says how many calls match. */
function calls(q: URLSearchParams, deps: ApiDeps): CallsJson {
  const limit = limitOf(q, 100);
  const filter = filters(q, ['provider', 'model', 'service', 'environment', 'operation', 'user']);
  const errors = q.get('errors') === 'true' || q.get('errors') === '1';
  const search = q.get('q');
  if (search === null) return { calls: deps.calls({ limit, filter, errors }).map(callJson) };
  if (search.trim() === '') throw badRequest('q is empty: give words to search for, such as q=refund');
  const query = { limit, filter, errors, q: search };
  return { calls: deps.calls(query).map(callJson), matched: deps.matching(query) };
}

const CALL_PREFIX = '/api/v1/calls/';

/** GET /api/v1/calls/<id>: one stored call with its text. */
function call(_q: URLSearchParams, deps: ApiDeps, _body: unknown, path: string): CallJson {
  const id = nameIn(path, CALL_PREFIX);
  const found = deps.call(id);
  if (!found) throw new ApiError(404, `no call with id ${id}: unknown, or no longer stored`);
  return callJson(found);
}

/** The errors view's rows over a window, most frequent first, each with its newest call and that call's text. */
function errors(q: URLSearchParams, deps: ApiDeps): ErrorsJson {
  const windowMs = windowOf(q, deps);
  const limit = limitOf(q, 100);
  const rows = deps.errors(windowMs, { keys: filters(q, ['provider', 'model', 'service', 'environment', 'operation', 'user']) }).slice(0, limit);
  return {
    window: formatWindow(windowMs),
    windowSeconds: windowMs / 1000,
    // The rows' calls are put together from the statistics, without their text: the store has it.
    errors: rows.map((r) => errorRowJson(r, deps.call(r.latest.id, r.latest.timeMs) ?? r.latest)),
  };
}

/** The prices of the models named (`model`, repeated: `gpt-4o` or `openai/gpt-4o`), else of the models stored, unpriced first. */
function prices(q: URLSearchParams, deps: ApiDeps): PricesJson {
  const named = q.getAll('model');
  if (named.length > MAX_MODELS) throw badRequest(`${named.length} models named; ask for at most ${MAX_MODELS} at once`);
  if (named.some((m) => m.trim() === '')) throw badRequest('model is empty: name a model such as gpt-4o or openai/gpt-4o');
  const now = deps.now();
  if (named.length === 0) return { prices: storedPrices(deps.models(), deps.pricer, now) };
  return {
    prices: named.map((arg) => {
      const { provider, model } = parseModelArg(arg);
      return priceAnswer(deps.pricer, provider, model, now);
    }),
  };
}

/** Newest first unless sorted by cost, calls or duration (most first). */
function runs(q: URLSearchParams, deps: ApiDeps): RunsJson {
  const sortText = q.get('sort') ?? 'time';
  if (!(RUN_SORTS as readonly string[]).includes(sortText)) throw badRequest(`sort "${sortText}" is not one of ${RUN_SORTS.join(', ')}`);
  const found = deps.runs.runs({ windowMs: windowOf(q, deps), limit: limitOf(q, 50), sort: sortText as RunSort });
  return { runs: found.map(runJson) };
}

const RUN_PREFIX = '/api/v1/runs/';

function run(_q: URLSearchParams, deps: ApiDeps, _body: unknown, path: string): RunTreeJson {
  const traceId = nameIn(path, RUN_PREFIX).toLowerCase();
  const found: RunDetail | undefined = deps.runs.run(traceId);
  if (!found) throw new ApiError(404, `no run with trace id ${traceId}: unknown, or forgotten`);
  return runTreeJson(found);
}

/** The sessions with a call in the window, each over its whole history: newest activity first unless sorted by cost, calls or context (most first). */
function sessions(q: URLSearchParams, deps: ApiDeps): SessionsJson {
  const sortText = q.get('sort') ?? 'time';
  if (!(SESSION_SORTS as readonly string[]).includes(sortText)) throw badRequest(`sort "${sortText}" is not one of ${SESSION_SORTS.join(', ')}`);
  return { sessions: deps.sessions({ windowMs: windowOf(q, deps), limit: limitOf(q, 50), sort: sortText as SessionSort }).map(sessionJson) };
}

const SESSION_PREFIX = '/api/v1/sessions/';

function session(_q: URLSearchParams, deps: ApiDeps, _body: unknown, path: string): SessionDetailJson {
  const id = nameIn(path, SESSION_PREFIX);
  const found = deps.session(id);
  if (!found) throw new ApiError(404, `no session ${JSON.stringify(id)} in the store`);
  return sessionDetailJson(found);
}

function groupKey(k: string): GroupKey {
  if ((GROUP_KEYS as readonly string[]).includes(k)) return k as GroupKey;
  throw badRequest(`groupBy "${k}" is not one of ${GROUP_KEYS.join(', ')}`);
}

function filters(q: URLSearchParams, keys: GroupKey[]): Partial<Record<GroupKey, string>> {
  const out: Partial<Record<GroupKey, string>> = {};
  for (const k of keys) {
    const v = q.get(k);
    if (v !== null) out[k] = v;
  }
  return out;
}

export function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
