import fs from 'node:fs';
import { ApiError, getApi, type ApiDeps } from '../api/routes.js';
import { LIMITS } from '../app/config.js';
import { liveFromStore } from '../app/live-from-store.js';
import type { Pricer } from '../pricing/index.js';
import type { LiveStats } from '../stats/live-stats.js';
import type { RunIndex } from '../stats/runs.js';
import { sessionsFromStore } from '../stats/sessions.js';
import { CallStore, StoreOpenError, StoreUpgradeNeeded } from '../store/call-store.js';
import { apiReader, ReadError, type LlmtopReader } from './reader.js';

export interface FileReaderOptions {
  /** The db file; it must exist. */
  path: string;
  /** The prices in force: the file keeps each call's cost, these answer prices and context windows. */
  pricer: Pricer;
  /** The window when a question names none (llmtop's --window). */
  windowMs: number;
  now?: () => number;
  limits?: typeof LIMITS;
}

/**
 * A db file, read as llmtop would answer over its API. The file is opened read-only and left as
 * it is, so that a running llmtop can go on writing it; one from an older llmtop is upgraded once
 * first, as llmtop itself would. Nothing is trimmed or re-priced: the calls are as stored.
 *
 * Summaries, errors and runs need the live statistics: built from the file the first time one is
 * asked for, and again when another process has written the file since.
 */
export function fileReader(o: FileReaderOptions): LlmtopReader {
  const now = o.now ?? Date.now;
  const limits = o.limits ?? LIMITS;
  const store = openStore(o.path, now);
  let live: { stats: LiveStats; runs: RunIndex; version: number } | null = null;
  const current = () => {
    const version = store.dataVersion();
    if (live?.version !== version) live = { ...liveFromStore(store, o.pricer, limits, now), version };
    return live;
  };
  const deps: ApiDeps = {
    stats: { summary: (q) => current().stats.summary(q) },
    runs: { runs: (q) => current().runs.runs(q), run: (traceId) => current().runs.run(traceId) },
    calls: (q) => store.calls(q),
    matching: (q) => store.matching(q),
    call: (id, timeMs) => store.call(id, timeMs),
    errors: (windowMs, filter) => current().stats.errors(windowMs, filter),
    pricer: o.pricer,
    models: () => store.models(),
    now,
    query: (spec) => store.query(spec),
    defaultWindowMs: o.windowMs,
    health: () => ({ calls: store.size }),
    sources: () => ({ sources: [], hints: [] }),
    ...sessionsFromStore(store, now),
  };
  return apiReader(
    o.path,
    async (path, params) => {
      try {
        return getApi(path, params, deps);
      } catch (err) {
        if (err instanceof ApiError) throw new ReadError(err.status, err.message);
        throw err;
      }
    },
    () => store.close(),
  );
}

function openStore(path: string, now: () => number): CallStore {
  // Never trimmed here: --max-calls and --retention are the running llmtop's to apply.
  const options = { path, maxCalls: Number.MAX_SAFE_INTEGER, retentionMs: Number.MAX_SAFE_INTEGER, now };
  if (!fs.existsSync(path)) throw new StoreOpenError(`no llmtop database at ${path}; pass --db`);
  try {
    return new CallStore({ ...options, readOnly: true });
  } catch (err) {
    if (!(err instanceof StoreUpgradeNeeded)) throw err;
  }
  const writable = new CallStore(options);
  try {
    writable.buildSearchIndex();
  } finally {
    writable.close();
  }
  return new CallStore({ ...options, readOnly: true });
}
