import { SESSION_IDLE_MS, TURN_PROMPT_CHARS, type SessionCall, type SessionDetail, type SessionQuery, type SessionSummary, type SessionTurn } from '../domain/session.js';
import type { CallStore } from '../store/call-store.js';

/** Which turn a call belongs to (TURN_PROMPT_CHARS says how, as the store's count of turns reads it). */
function turnKey(c: SessionCall): string {
  return c.traceId !== '' ? `t${c.traceId}` : `p${(c.prompt ?? '').slice(0, TURN_PROMPT_CHARS)}`;
}

const firstLine = (text: string | null) => (text === null ? null : (text.split('\n').find((l) => l.trim() !== '') ?? '').trim() || null);

/** Active while a call came within SESSION_IDLE_MS of now. */
export function sessionStatus(lastMs: number, nowMs: number): SessionSummary['status'] {
  return nowMs - lastMs < SESSION_IDLE_MS ? 'active' : 'idle';
}

/**
 * A session from its calls (oldest first): its turns in order, each with its cost and the
 * session's cost up to it, and the session's totals. Undefined for a session without calls.
 */
export function sessionDetail(id: string, calls: readonly SessionCall[], nowMs: number): SessionDetail | undefined {
  if (calls.length === 0) return undefined;
  const byKey = new Map<string, SessionCall[]>();
  for (const c of calls) {
    const k = turnKey(c);
    const list = byKey.get(k);
    if (list) list.push(c);
    else byKey.set(k, [c]);
  }
  const turns: SessionTurn[] = [...byKey.values()].map((cs) => ({
    traceId: cs[0]!.traceId === '' ? null : cs[0]!.traceId,
    startMs: cs[0]!.timeMs,
    endMs: Math.max(...cs.map((c) => c.timeMs + c.durationMs)),
    prompt: firstLine(cs.find((c) => c.prompt !== null)?.prompt ?? null),
    calls: cs.length,
    errors: cs.filter((c) => c.status === 'error').length,
    inputTokens: sum(cs, (c) => c.inputTokens),
    outputTokens: sum(cs, (c) => c.outputTokens),
    costUsd: sum(cs, (c) => c.costUsd ?? 0),
    unpricedCalls: cs.filter((c) => c.costUsd === null).length,
    cumulativeCostUsd: 0,
    contextPercent: peak(cs),
  }));
  turns.sort((a, b) => a.startMs - b.startMs);
  let running = 0;
  for (const t of turns) t.cumulativeCostUsd = running += t.costUsd;
  const uses = new Map<string, number>();
  for (const c of calls) uses.set(c.model, (uses.get(c.model) ?? 0) + 1);
  const lastMs = Math.max(...calls.map((c) => c.timeMs + c.durationMs));
  return {
    id,
    service: calls[0]!.service,
    startMs: calls[0]!.timeMs,
    lastMs,
    turnCount: turns.length,
    calls: calls.length,
    errors: sum(turns, (t) => t.errors),
    models: [...uses].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([m]) => m),
    inputTokens: sum(turns, (t) => t.inputTokens),
    outputTokens: sum(turns, (t) => t.outputTokens),
    costUsd: running,
    unpricedCalls: sum(turns, (t) => t.unpricedCalls),
    peakContextPercent: peak(calls),
    status: sessionStatus(lastMs, nowMs),
    turns,
  };
}

function sum<T>(xs: readonly T[], f: (x: T) => number): number {
  let n = 0;
  for (const x of xs) n += f(x);
  return n;
}

function peak(calls: readonly SessionCall[]): number | null {
  let max: number | null = null;
  for (const c of calls) if (c.contextPercent !== null && (max === null || c.contextPercent > max)) max = c.contextPercent;
  return max;
}

/**
 * The sessions as the API answers them, read from the store when asked: they survive a restart,
 * and ingest keeps nothing for them. For llmtop, and for a reader of its db file.
 */
export function sessionsFromStore(store: Pick<CallStore, 'sessions' | 'sessionCalls'>, now: () => number) {
  return {
    sessions: (q: SessionQuery): SessionSummary[] =>
      store.sessions({ sinceMs: now() - q.windowMs, limit: q.limit, sort: q.sort }).map((r) => ({ ...r, status: sessionStatus(r.lastMs, now()) })),
    session: (id: string): SessionDetail | undefined => sessionDetail(id, store.sessionCalls(id), now()),
  };
}
