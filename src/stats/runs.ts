import type { LlmCall } from '../domain/call.js';
import type { RunCall, RunDetail, RunNode, RunQuery, RunSort, RunSummary, SpanSkeleton } from '../domain/run.js';
import type { CallChanges } from '../domain/changes.js';

export interface RunIndexOptions {
  /** Traces remembered; the least recently touched are forgotten first. */
  maxRuns: number;
  /** Spans, and calls, kept per trace: a runaway loop must not grow one run without bound. */
  maxSpansPerRun: number;
  /** Runs with no activity for this long are forgotten. */
  horizonMs: number;
  now: () => number;
}

interface RunState {
  traceId: string;
  spans: Map<string, SpanSkeleton>;
  calls: Map<string, RunCall>;
  /** Latest end of a span or call: where the run falls in a window. */
  endMs: number;
}

/**
 * Calls grouped by trace into runs, fed with every commit: the calls it made or deleted, and the
 * skeletons of all spans it carried. Spans come child-first and in separate requests, so a run
 * is kept from its first span or call on and put together again whenever it is read: a root that
 * arrives late names the run and adopts the spans that waited for it.
 */
export class RunIndex {
  private readonly traces = new Map<string, RunState>();
  private readonly traceOfCall = new Map<string, string>();
  /**
   * The runs from the least recently touched on, kept between evictions: a fresh `keys()` per
   * eviction walks over every run already deleted at the front (see memory/lru.ts), 1% of
   * llmtop's CPU under ingest with a new trace a span. A Map's iterator sees the runs touched
   * since at the end.
   */
  private oldestFirst: Iterator<string> = this.traces.keys();
  private changes = 0;

  constructor(private readonly opts: RunIndexOptions) {}

  get version(): number {
    return this.changes;
  }

  apply(changes: CallChanges, spans: readonly SpanSkeleton[]): void {
    let changed = false;
    for (const r of changes.deleted) changed = this.forgetCall(r.id) || changed;
    for (const call of changes.upserted) {
      // Calls without a trace (agent CLI events, metrics) belong to no run.
      if (!call.traceId) continue;
      this.forgetCall(call.id);
      const run = this.touch(call.traceId);
      if (run.calls.size >= this.opts.maxSpansPerRun) continue;
      run.calls.set(call.id, runCall(call));
      run.endMs = Math.max(run.endMs, call.timeMs + call.durationMs);
      this.traceOfCall.set(call.id, call.traceId);
      changed = true;
    }
    for (const s of spans) {
      if (!s.traceId || !s.spanId) continue;
      const run = this.touch(s.traceId);
      // Past the cap only the root still gets in: it names the run.
      if (run.spans.size >= this.opts.maxSpansPerRun && s.parentSpanId !== '' && !run.spans.has(s.spanId)) continue;
      run.spans.set(s.spanId, s);
      run.endMs = Math.max(run.endMs, s.endMs);
      changed = true;
    }
    this.forgetOld();
    if (changed) this.changes++;
  }

  /** The runs with at least one call and activity within the window, in the order asked. */
  runs(q: RunQuery): RunSummary[] {
    const since = this.opts.now() - q.windowMs;
    const out: RunSummary[] = [];
    for (const run of this.traces.values()) {
      if (run.calls.size === 0 || run.endMs < since) continue;
      out.push(summarize(run));
    }
    return out.sort(ORDER[q.sort]).slice(0, q.limit);
  }

  /** One run with its span tree, or undefined when the trace is unknown. */
  run(traceId: string): RunDetail | undefined {
    const run = this.traces.get(traceId);
    return run && { ...summarize(run), tree: tree(run) };
  }

  /** When a call of a run started: the store finds a call by its start and id. */
  callTime(id: string): number | undefined {
    const traceId = this.traceOfCall.get(id);
    return traceId === undefined ? undefined : this.traces.get(traceId)?.calls.get(id)?.timeMs;
  }

  /** The trace's run, created if new, moved to the back of the eviction order. */
  private touch(traceId: string): RunState {
    let run = this.traces.get(traceId);
    if (run) this.traces.delete(traceId);
    else run = { traceId, spans: new Map(), calls: new Map(), endMs: -Infinity };
    this.traces.set(traceId, run);
    if (this.traces.size > this.opts.maxRuns) this.dropOldest();
    return run;
  }

  /** Every run before the iterator has been dropped: the next it gives is the oldest. */
  private dropOldest(): void {
    const oldest = this.oldestFirst.next();
    if (!oldest.done) this.drop(oldest.value);
  }

  private forgetCall(id: string): boolean {
    const traceId = this.traceOfCall.get(id);
    if (traceId === undefined) return false;
    this.traceOfCall.delete(id);
    return this.traces.get(traceId)?.calls.delete(id) ?? false;
  }

  private drop(traceId: string): void {
    const run = this.traces.get(traceId);
    if (!run) return;
    for (const id of run.calls.keys()) this.traceOfCall.delete(id);
    this.traces.delete(traceId);
  }

  /** Runs idle past the horizon, oldest touched first; stops at the first one still recent. */
  private forgetOld(): void {
    const cutoff = this.opts.now() - this.opts.horizonMs;
    for (const run of this.traces.values()) {
      if (run.endMs >= cutoff) return;
      this.drop(run.traceId);
    }
  }
}

const newest = (a: RunSummary, b: RunSummary) => b.startMs - a.startMs;

const ORDER: Record<RunSort, (a: RunSummary, b: RunSummary) => number> = {
  cost: (a, b) => b.costUsd - a.costUsd || newest(a, b),
  calls: (a, b) => b.calls - a.calls || newest(a, b),
  duration: (a, b) => b.wallMs - a.wallMs || newest(a, b),
  time: newest,
};

function runCall(c: LlmCall): RunCall {
  return {
    id: c.id,
    spanId: c.spanId,
    timeMs: c.timeMs,
    durationMs: c.durationMs,
    service: c.service,
    provider: c.provider,
    model: c.model,
    operation: c.operation,
    inputTokens: c.inputTokens,
    outputTokens: c.outputTokens,
    costUsd: c.costUsd,
    status: c.status,
    contextPercent: c.contextPercent,
  };
}

/** The root span: the earliest span without a parent. */
function rootOf(run: RunState): SpanSkeleton | undefined {
  let root: SpanSkeleton | undefined;
  for (const s of run.spans.values()) if (s.parentSpanId === '' && (!root || s.startMs < root.startMs)) root = s;
  return root;
}

function summarize(run: RunState): RunSummary {
  const calls = [...run.calls.values()].sort((a, b) => a.timeMs - b.timeMs);
  const root = rootOf(run);
  const first = calls[0];
  const firstSpan = run.spans.values().next().value;
  let start = Infinity;
  let end = -Infinity;
  for (const s of run.spans.values()) {
    start = Math.min(start, s.startMs);
    end = Math.max(end, s.endMs);
  }
  const models: string[] = [];
  let inputTokens = 0;
  let outputTokens = 0;
  let costUsd = 0;
  let unpricedCalls = 0;
  let errors = 0;
  let peakContextPercent: number | null = null;
  for (const c of calls) {
    start = Math.min(start, c.timeMs);
    end = Math.max(end, c.timeMs + c.durationMs);
    if (!models.includes(c.model)) models.push(c.model);
    inputTokens += c.inputTokens;
    outputTokens += c.outputTokens;
    if (c.costUsd === null) unpricedCalls++;
    else costUsd += c.costUsd;
    if (c.status === 'error') errors++;
    if (c.contextPercent !== null && (peakContextPercent === null || c.contextPercent > peakContextPercent)) peakContextPercent = c.contextPercent;
  }
  const wallMs = Number.isFinite(start) ? Math.max(0, end - start) : 0;
  return {
    traceId: run.traceId,
    name: root ? root.name : first ? `${first.service} · ${first.operation} ${first.model}` : `${firstSpan?.service ?? ''} · ${firstSpan?.name ?? ''}`,
    service: root?.service ?? first?.service ?? firstSpan?.service ?? '',
    rooted: root !== undefined,
    startMs: Number.isFinite(start) ? start : 0,
    wallMs,
    calls: calls.length,
    errors,
    models,
    inputTokens,
    outputTokens,
    costUsd,
    unpricedCalls,
    modelShare: wallMs > 0 ? Math.min(1, busyMs(calls) / wallMs) : 0,
    peakContextPercent,
  };
}

/** Time with at least one call in flight: the union of the calls' intervals (calls sorted by start). */
export function busyMs(calls: readonly { timeMs: number; durationMs: number }[]): number {
  let total = 0;
  let from = 0;
  let to = -Infinity;
  for (const c of calls) {
    const end = c.timeMs + c.durationMs;
    if (c.timeMs > to) {
      if (Number.isFinite(to)) total += to - from;
      from = c.timeMs;
      to = end;
    } else {
      to = Math.max(to, end);
    }
  }
  return Number.isFinite(to) ? total + (to - from) : total;
}

/**
 * The run as a tree: every span under its parent, each call on its span (or on a span of its own
 * when its span never came), children by start time. Spans whose parent is missing, or whose
 * parent links loop, stand at the top after the root.
 */
function tree(run: RunState): RunNode[] {
  const nodes = new Map<string, RunNode>();
  for (const s of run.spans.values()) nodes.set(s.spanId, { span: s, call: null, children: [] });
  for (const c of run.calls.values()) {
    const node = nodes.get(c.spanId);
    if (node) node.call = c;
    else
      nodes.set(c.spanId || c.id, {
        span: { traceId: run.traceId, spanId: c.spanId, parentSpanId: '', name: `${c.operation} ${c.model}`, service: c.service, startMs: c.timeMs, endMs: c.timeMs + c.durationMs },
        call: c,
        children: [],
      });
  }
  const top: RunNode[] = [];
  for (const node of nodes.values()) {
    const parent = nodes.get(node.span.parentSpanId);
    if (parent && !loops(node.span.spanId, nodes)) parent.children.push(node);
    else top.push(node);
  }
  const byStart = (a: RunNode, b: RunNode) => a.span.startMs - b.span.startMs;
  for (const node of nodes.values()) node.children.sort(byStart);
  // The root first, then what hangs loose.
  const root = rootOf(run);
  return top.sort((a, b) => Number(b.span === root) - Number(a.span === root) || byStart(a, b));
}

/** Whether walking up from a span comes back to it. */
function loops(spanId: string, nodes: ReadonlyMap<string, RunNode>): boolean {
  let cur = nodes.get(spanId)?.span.parentSpanId ?? '';
  for (let steps = 0; cur && steps <= nodes.size; steps++) {
    if (cur === spanId) return true;
    cur = nodes.get(cur)?.span.parentSpanId ?? '';
  }
  return false;
}
