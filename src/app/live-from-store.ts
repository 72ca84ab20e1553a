import type { Pricer } from '../pricing/index.js';
import { LiveStats } from '../stats/live-stats.js';
import { RunIndex } from '../stats/runs.js';
import { savingsFrom } from '../stats/savings.js';
import type { CallStore } from '../store/call-store.js';
import type { LIMITS } from './config.js';

/** Calls per run assumed when rebuilding the runs index at start: the newest maxRuns × this calls. */
const CALLS_PER_RUN_AT_START = 16;

/**
 * The live statistics and the runs index, built from what the store holds: llmtop at start, and
 * a reader of the db file (`llmtop calls --db`, `llmtop mcp --db`), which must answer as llmtop does.
 */
export function liveFromStore(
  store: Pick<CallStore, 'eachSince' | 'forEachSince' | 'startOfNewest' | 'calls'>,
  prices: Pricer,
  limits: Pick<typeof LIMITS, 'horizonMs' | 'recentCalls' | 'recentTextChars' | 'maxRuns' | 'maxSpansPerRun'>,
  now: () => number,
): { stats: LiveStats; runs: RunIndex } {
  const stats = new LiveStats({
    horizonMs: limits.horizonMs,
    recentCapacity: limits.recentCalls,
    recentTextChars: limits.recentTextChars,
    now,
    savings: savingsFrom(prices, now),
    contextWindow: (provider, model) => prices.rule(provider, model, now())?.contextWindow ?? null,
  });
  const runs = new RunIndex({ maxRuns: limits.maxRuns, maxSpansPerRun: limits.maxSpansPerRun, horizonMs: limits.horizonMs, now });
  const since = now() - limits.horizonMs;
  stats.load((visit) => store.eachSince(since, visit));
  // The runs index keeps the most recently active traces only, so the newest calls of the day
  // rebuild it, read in a second pass: calls held over from the first would pile up as old
  // garbage and grow the heap. The store keeps calls, not spans: runs from before a restart are
  // named after their first call.
  const runsSince = Math.max(since, store.startOfNewest(limits.maxRuns * CALLS_PER_RUN_AT_START) ?? since);
  store.forEachSince(runsSince, 1000, (upserted) => runs.apply({ upserted, deleted: [] }, []));
  stats.remember(store.calls({ limit: limits.recentCalls }).reverse());
  return { stats, runs };
}
