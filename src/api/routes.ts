import type { IncomingMessage, ServerResponse } from 'node:http';
import { GROUP_KEYS, type GroupKey, type LlmCall } from '../domain/call.js';
import { RUN_SORTS, type RunCall, type RunDetail, type RunNode, type RunSort, type RunSummary } from '../domain/run.js';
import type { Summary } from '../domain/summary.js';
import { SESSION_SORTS, type SessionDetail, type SessionQuery, type SessionSort, type SessionSummary } from '../domain/session.js';
import type { SourcesReport } from '../domain/sources.js';
import type { LiveStats } from '../stats/live-stats.js';
import type { RunIndex } from '../stats/runs.js';
import { parseDuration } from '../stats/windows.js';
import type { QueryRow, QuerySpec } from '../domain/query.js';
import { BodyError, readRaw } from '../receiver/body.js';
import { SearchSyntaxError, type CallQuery } from '../store/call-store.js';
import { QueryError, parseQuery } from './query-spec.js';

export interface ApiDeps {
  stats: Pick<LiveStats, 'summary'>;
  runs: Pick<RunIndex, 'runs' | 'run'>;
  sessions: (q: SessionQuery) => SessionSummary[];
  session: (id: string) => SessionDetail | undefined;
  calls: (q: CallQuery) => LlmCall[];
  /** How many stored calls match a search. */
  matching: (q: CallQuery & { q: string }) => number;
  query: (spec: QuerySpec) => QueryRow[];
  defaultWindowMs: number;
  health: () => Record<string, unknown>;
  sources: () => SourcesReport;
}

/** A request the API cannot answer as asked: 400 with the reason. */
class BadRequest extends Error {}
/** What the request names does not exist (any more): 404. */
class NotFound extends Error {}

const DEFAULT_GROUP_BY: GroupKey[] = ['provider', 'model'];
const MAX_WINDOW_MS = 24 * 3600_000;
const MAX_LIMIT = 10_000;
const MAX_QUERY_BYTES = 1024 * 1024;

/** The JSON API on the receiver's port. Returns false when the path is not the API's. */
export function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, deps: ApiDeps): boolean {
  const route = ROUTES[url.pathname] ?? PREFIXED.find(([prefix]) => url.pathname.startsWith(prefix))?.[1];
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
      if (err instanceof BadRequest || err instanceof QueryError || err instanceof SearchSyntaxError) send(res, 400, { error: err.message });
      else if (err instanceof NotFound) send(res, 404, { error: err.message });
      else send(res, err instanceof BodyError ? err.status : 500, { error: err.message });
    });
  return true;
}

type Answer = (q: URLSearchParams, deps: ApiDeps, body: unknown, path: string) => unknown;

const ROUTES: Record<string, { method: string; answer: Answer }> = {
  '/healthz': { method: 'GET', answer: (_q, deps) => ({ status: 'ok', ...deps.health() }) },
  '/api/v1/summary': { method: 'GET', answer: summary },
  '/api/v1/calls': { method: 'GET', answer: calls },
  '/api/v1/sources': { method: 'GET', answer: (_q, deps) => deps.sources() },
  '/api/v1/query': { method: 'POST', answer: (_q, deps, body) => ({ data: deps.query(parseQuery(body)) }) },
  '/api/v1/runs': { method: 'GET', answer: runs },
  '/api/v1/sessions': { method: 'GET', answer: sessions },
};

/** GET /api/v1/runs/<traceId>: one run with its span tree. */
const RUN_PREFIX = '/api/v1/runs/';
const SESSION_PREFIX = '/api/v1/sessions/';
/** Routes that name a run or a session after their path. */
const PREFIXED: [string, { method: string; answer: Answer }][] = [
  [RUN_PREFIX, { method: 'GET', answer: run }],
  [SESSION_PREFIX, { method: 'GET', answer: session }],
];

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new BadRequest(`the body is not JSON: ${(err as Error).message}`);
  }
}

function windowOf(q: URLSearchParams, deps: ApiDeps): number {
  const windowText = q.get('window');
  const windowMs = windowText === null ? deps.defaultWindowMs : parseDuration(windowText);
  if (windowMs === null || windowMs > MAX_WINDOW_MS)
    throw new BadRequest(`window "${windowText}" is not a duration up to 24h such as 1m, 5m, 15m, 1h or 24h`);
  return windowMs;
}

function limitOf(q: URLSearchParams, fallback: number): number {
  const limitText = q.get('limit') ?? String(fallback);
  const limit = Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw new BadRequest(`limit "${limitText}" is not a whole number from 1 to ${MAX_LIMIT}`);
  return limit;
}

function summary(q: URLSearchParams, deps: ApiDeps): Summary {
  const windowMs = windowOf(q, deps);
  const groupBy = q.has('groupBy') ? q.get('groupBy')!.split(',').map((k) => groupKey(k.trim())) : DEFAULT_GROUP_BY;
  return deps.stats.summary({ windowMs, groupBy, filter: filters(q, ['service', 'environment', 'provider', 'model', 'operation', 'user']) });
}

/** Newest first; `q` searches prompt, response and error over the whole store, and says how many calls match. */
function calls(q: URLSearchParams, deps: ApiDeps): { calls: unknown[]; matched?: number } {
  const limit = limitOf(q, 100);
  const filter = filters(q, ['provider', 'model', 'service', 'environment', 'operation', 'user']);
  const errors = q.get('errors') === 'true' || q.get('errors') === '1';
  const search = q.get('q');
  if (search === null) return { calls: deps.calls({ limit, filter, errors }).map(callJson) };
  if (search.trim() === '') throw new BadRequest('q is empty: give words to search for, such as q=refund');
  const query = { limit, filter, errors, q: search };
  return { calls: deps.calls(query).map(callJson), matched: deps.matching(query) };
}

/** Newest first unless sorted by cost, calls or duration (most first). */
function runs(q: URLSearchParams, deps: ApiDeps): { runs: unknown[] } {
  const sortText = q.get('sort') ?? 'time';
  if (!(RUN_SORTS as readonly string[]).includes(sortText)) throw new BadRequest(`sort "${sortText}" is not one of ${RUN_SORTS.join(', ')}`);
  const found = deps.runs.runs({ windowMs: windowOf(q, deps), limit: limitOf(q, 50), sort: sortText as RunSort });
  return { runs: found.map(runJson) };
}

function run(_q: URLSearchParams, deps: ApiDeps, _body: unknown, path: string): RunJson & { spans: unknown[] } {
  const traceId = decodeURIComponent(path.slice(RUN_PREFIX.length)).toLowerCase();
  const found: RunDetail | undefined = deps.runs.run(traceId);
  if (!found) throw new NotFound(`no run with trace id ${traceId}: unknown, or forgotten`);
  return { ...runJson(found), spans: found.tree.map(nodeJson) };
}

/** The sessions with a call in the window, each over its whole history: newest activity first unless sorted by cost, calls or context (most first). */
function sessions(q: URLSearchParams, deps: ApiDeps): { sessions: unknown[] } {
  const sortText = q.get('sort') ?? 'time';
  if (!(SESSION_SORTS as readonly string[]).includes(sortText)) throw new BadRequest(`sort "${sortText}" is not one of ${SESSION_SORTS.join(', ')}`);
  return { sessions: deps.sessions({ windowMs: windowOf(q, deps), limit: limitOf(q, 50), sort: sortText as SessionSort }).map(sessionJson) };
}

function session(_q: URLSearchParams, deps: ApiDeps, _body: unknown, path: string): unknown {
  const id = decodeURIComponent(path.slice(SESSION_PREFIX.length));
  const found = deps.session(id);
  if (!found) throw new NotFound(`no session ${JSON.stringify(id)} in the store`);
  return { ...sessionJson(found), turns: found.turns.map(({ startMs, endMs, ...t }) => ({ ...t, time: new Date(startMs).toISOString(), durationMs: endMs - startMs })) };
}

/** A session as the API shows it: times in ISO form. */
function sessionJson(s: SessionSummary): Record<string, unknown> {
  return {
    id: s.id,
    service: s.service,
    status: s.status,
    start: new Date(s.startMs).toISOString(),
    lastActivity: new Date(s.lastMs).toISOString(),
    turnCount: s.turnCount,
    calls: s.calls,
    errors: s.errors,
    models: s.models,
    inputTokens: s.inputTokens,
    outputTokens: s.outputTokens,
    costUsd: s.costUsd,
    unpricedCalls: s.unpricedCalls,
    peakContextPercent: s.peakContextPercent,
  };
}

type RunJson = Omit<RunSummary, 'startMs' | 'wallMs'> & { time: string; durationMs: number };

/** A run as the API shows it: time in ISO form, wall time as durationMs. */
function runJson(r: RunSummary): RunJson {
  return {
    traceId: r.traceId,
    name: r.name,
    service: r.service,
    rooted: r.rooted,
    time: new Date(r.startMs).toISOString(),
    durationMs: r.wallMs,
    calls: r.calls,
    errors: r.errors,
    models: r.models,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    costUsd: r.costUsd,
    unpricedCalls: r.unpricedCalls,
    modelShare: r.modelShare,
  };
}

function nodeJson(n: RunNode): Record<string, unknown> {
  const { span, call } = n;
  return {
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: span.name,
    service: span.service,
    time: new Date(span.startMs).toISOString(),
    durationMs: span.endMs - span.startMs,
    call: call && callOfRunJson(call),
    children: n.children.map(nodeJson),
  };
}

function callOfRunJson(c: RunCall): Record<string, unknown> {
  const { timeMs, id, ...rest } = c;
  return { id, time: new Date(timeMs).toISOString(), ...rest };
}

function groupKey(k: string): GroupKey {
  if ((GROUP_KEYS as readonly string[]).includes(k)) return k as GroupKey;
  throw new BadRequest(`groupBy "${k}" is not one of ${GROUP_KEYS.join(', ')}`);
}

function filters(q: URLSearchParams, keys: GroupKey[]): Partial<Record<GroupKey, string>> {
  const out: Partial<Record<GroupKey, string>> = {};
  for (const k of keys) {
    const v = q.get(k);
    if (v !== null) out[k] = v;
  }
  return out;
}

/** A call as the API shows it: camelCase, time in ISO form. */
export function callJson(c: LlmCall): Record<string, unknown> {
  const { timeMs, id, ...rest } = c;
  return { id, time: new Date(timeMs).toISOString(), ...rest };
}

export function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
