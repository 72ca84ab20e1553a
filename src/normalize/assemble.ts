import { createHash } from 'node:crypto';
import { totalInputTokens, type CostSource, type LlmCall } from '../domain/call.js';
import type { CallChanges, CallRef } from '../domain/changes.js';
import { AGENTS } from './agents.js';
import { looksLikeCall } from './conventions.js';
import { evictOldest } from '../memory/lru.js';
import type { Fragment, SpanLink } from './fragment.js';
import type { Normalized } from './index.js';
import type { MetricSample } from './metrics.js';
import { ProxyMatcher } from './proxy-match.js';
import { MAX_ERROR_CHARS, MAX_NAME_CHARS, MAX_TEXT_CHARS, amount, capOptional, capText, optionalAmount, time } from './limits.js';
import { providerFromModel } from './provider.js';
import { render } from './text.js';

export interface CostInput {
  provider: string;
  model: string;
  timeMs: number;
  reportedCostUsd: number | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
}

export interface AssemblerOptions {
  /** Null cost: no price known. */
  resolveCost: (c: CostInput) => { costUsd: number | null; costSource: CostSource };
  /** How full the model's context window was, in percent; null when the window is unknown (the default). */
  contextPercent?: (c: CostInput) => number | null;
  /** False with --no-content: prompt and response are never kept. */
  keepContent: boolean;
  /** Traces remembered for merging late layers until their root span arrives; the oldest are forgotten first. */
  maxTraces?: number;
  /** Traces remembered after their root span arrived, for the log records and stray spans that come later. */
  maxRootedTraces?: number;
  maxPrompts?: number;
  /** Requests told by records without trace context, remembered for their later records; also open requests of agent sessions. */
  maxKeyed?: number;
  /** Services already known to send per-call telemetry (from the store at start). */
  servicesWithCalls?: Iterable<string>;
  /** llmtop's provider proxy is on: its calls and OTLP's may describe the same requests (see proxy-match.ts). */
  matchProxy?: boolean;
}

interface SpanFragments {
  span: Fragment | null;
  logs: Fragment[];
  /** One-message events (gen_ai.user.message, ...), joined into one prompt. */
  messages: Fragment[];
}

interface TraceState {
  links: Map<string, string>;
  fragments: Map<string, SpanFragments>;
  emitted: Map<string, LlmCall>;
  /** Its root span has arrived: the spans that wrap its calls are all in. */
  rooted: boolean;
}

/** A request told by records without trace context, under the id they share. */
interface Keyed {
  fragments: Fragment[];
  emitted: LlmCall | null;
}

/** The request an agent session opened last: where its later records without trace context belong. */
interface OpenRequest {
  traceId: string;
  spanId: string;
  /** The opening record's id when it had no trace context. */
  key: string | null;
  startMs: number;
  model: string | null;
}

const MAX_LOGS_PER_SPAN = 8;
const MAX_MESSAGES_PER_SPAN = 64;
const MAX_DEPTH = 64;
const MAX_CALLS_PER_METRIC_POINT = 1_000;
/** Calls made from the metrics of one batch: a few bytes of histogram must not flood the ring. */
const MAX_CALLS_FROM_METRICS = 10_000;

/**
 * Merges fragments into one LlmCall per provider request. Spans arrive child-first, in
 * separate requests, and log events may come before or after their span, so each touched
 * trace is worked out again from everything it has received: the innermost LLM span of a
 * chain is the request; a wrapper above exactly one request lends it what it lacks; a wrapper
 * above several (an agent turn) is another layer, not another request. The result is the
 * difference against what was emitted before: calls to upsert and calls to delete.
 */
export class Assembler {
  /**
   * Traces by id, in two LRUs. A trace still waiting for its root may yet get the wrapper that
   * makes two calls one agent turn, so many are kept; once the root is in, only log records
   * trailing the spans can change it, and fewer are kept. Under a flood of one-span traces the
   * second bounds the memory: each trace holds its fragments and calls, text included.
   */
  private readonly traces = new Map<string, TraceState>();
  private readonly rootedTraces = new Map<string, TraceState>();
  private readonly prompts = new Map<string, string>();
  private readonly callsByPrompt = new Map<string, Map<string, LlmCall>>();
  private readonly keyed = new Map<string, Keyed>();
  /** By service and session id. */
  private readonly openRequests = new Map<string, OpenRequest>();
  private readonly servicesWithCalls: Set<string>;
  private readonly metricTotals = new Map<string, { startNs: bigint; count: number; sum: number; buckets: number[] }>();
  private readonly maxTraces: number;
  private readonly maxRootedTraces: number;
  private readonly maxPrompts: number;
  private readonly maxKeyed: number;
  /** How to put back what the current batch changed, should its commit fail (see rollback). */
  private undo: (() => void)[] = [];
  private readonly saved = new Set<string>();
  private metricBudget = MAX_CALLS_FROM_METRICS;
  private readonly matcher: ProxyMatcher | null;

  constructor(private readonly opts: AssemblerOptions) {
    this.maxTraces = opts.maxTraces ?? 20_000;
    this.maxRootedTraces = opts.maxRootedTraces ?? 2_000;
    this.maxPrompts = opts.maxPrompts ?? 2_000;
    this.maxKeyed = opts.maxKeyed ?? 2_000;
    this.servicesWithCalls = new Set(opts.servicesWithCalls ?? []);
    this.matcher = opts.matchProxy ? new ProxyMatcher((u) => this.undo.push(u)) : null;
  }

  ingest(batch: readonly Normalized[]): CallChanges {
    this.undo = [];
    this.saved.clear();
    this.metricBudget = MAX_CALLS_FROM_METRICS;
    const changes = new ChangeSet();
    const touched = new Set<TraceState>();
    for (const n of batch) {
      for (const l of n.links) {
        // A span arriving late can join a wrapper and its request already seen.
        const t = this.link(l);
        if (t && t.fragments.size > 0) touched.add(t);
      }
      for (const f of n.fragments) {
        if (f.request !== null) this.follow(f);
        if (f.role === 'prompt') this.joinPrompt(f, changes);
        else if (f.source === 'proxy' && this.matcher && f.syntheticId !== null) this.proxied(f, changes, touched);
        else if (f.syntheticId !== null) this.keyedFragment(f, changes);
        else if ((f.role === 'call' || f.role === 'part') && f.traceId && f.spanId) touched.add(this.addFragment(f));
      }
    }
    for (const t of touched) this.recompute(t, changes);
    for (const n of batch) if (n.metrics.length > 0) this.metrics(n.metrics, changes);
    return changes.result();
  }

  /**
   * Undoes the last batch, whose commit failed, so that the client's retry is merged again.
   * Forgetting more would let a layer arriving later be taken for another request.
   */
  rollback(): void {
    for (const u of this.undo.reverse()) u();
    this.undo = [];
  }

  /** Remembers a trace as it was before this batch (once per batch), for rollback. */
  private save(traceId: string, t: TraceState | undefined): void {
    if (this.saved.has(traceId)) return;
    this.saved.add(traceId);
    if (!t) {
      this.undo.push(() => this.forget(traceId));
      return;
    }
    const copy: TraceState = {
      links: new Map(t.links),
      fragments: new Map([...t.fragments].map(([id, sf]) => [id, { span: sf.span, logs: [...sf.logs], messages: [...sf.messages] }])),
      emitted: new Map(t.emitted),
      rooted: t.rooted,
    };
    this.undo.push(() => {
      Object.assign(t, copy);
      this.forget(traceId);
      (t.rooted ? this.rootedTraces : this.traces).set(traceId, t);
    });
  }

  private forget(traceId: string): void {
    this.traces.delete(traceId);
    this.rootedTraces.delete(traceId);
  }

  private savePrompt(promptId: string): void {
    const prompt = this.prompts.get(promptId);
    const calls = this.callsByPrompt.get(promptId);
    const copy = calls && new Map(calls);
    this.undo.push(() => {
      if (prompt === undefined) this.prompts.delete(promptId);
      else this.prompts.set(promptId, prompt);
      if (copy) this.callsByPrompt.set(promptId, copy);
      else this.callsByPrompt.delete(promptId);
    });
  }

  /** The trace, created if new, moved to the back of its LRU. */
  private trace(traceId: string): TraceState {
    let t = this.traces.get(traceId) ?? this.rootedTraces.get(traceId);
    this.save(traceId, t);
    if (t) this.forget(traceId);
    else t = { links: new Map(), fragments: new Map(), emitted: new Map(), rooted: false };
    this.keep(traceId, t);
    return t;
  }

  private keep(traceId: string, t: TraceState): void {
    if (t.rooted) {
      this.rootedTraces.set(traceId, t);
      evictOldest(this.rootedTraces, this.maxRootedTraces);
    } else {
      this.traces.set(traceId, t);
      evictOldest(this.traces, this.maxTraces);
    }
  }

  private rootArrived(traceId: string): void {
    const t = this.traces.get(traceId);
    if (!t) return;
    this.save(traceId, t);
    this.traces.delete(traceId);
    t.rooted = true;
    this.keep(traceId, t);
  }

  /** Records a span's parent; returns the trace when the link is new to it. */
  private link(l: SpanLink): TraceState | null {
    if (!l.parentSpanId) {
      // A root ends every walk up, as an unknown span does; it also says the trace is whole.
      this.rootArrived(l.traceId);
      return null;
    }
    const t = this.trace(l.traceId);
    if (t.links.get(l.spanId) === l.parentSpanId) return null;
    t.links.set(l.spanId, l.parentSpanId);
    return t;
  }

  private addFragment(f: Fragment): TraceState {
    const t = this.trace(f.traceId);
    let sf = t.fragments.get(f.spanId);
    if (!sf) t.fragments.set(f.spanId, (sf = { span: null, logs: [], messages: [] }));
    if (f.origin === 'span') {
      sf.span = f;
      if (f.parentSpanId) t.links.set(f.spanId, f.parentSpanId);
      else this.rootArrived(f.traceId);
    } else if (f.messageRole !== null) {
      // A long history keeps its first message (the system's) and its latest ones.
      if (sf.messages.length >= MAX_MESSAGES_PER_SPAN) sf.messages.splice(1, 1);
      sf.messages.push(f);
    } else if (sf.logs.length < MAX_LOGS_PER_SPAN) {
      sf.logs.push(f);
    }
    return t;
  }

  private recompute(t: TraceState, changes: ChangeSet): void {
    const merged = new Map<string, Fragment>();
    for (const [spanId, sf] of t.fragments) {
      const m = mergeFragments(spanLayers(sf));
      if (m && looksLikeCall(m)) merged.set(spanId, m);
    }
    const next = new Map<string, LlmCall>();
    for (const [spanId, layers] of this.requests(t, merged)) {
      let f = this.withUserPrompt(mergeFragments(layers)!);
      if (this.matcher) {
        if (t.fragments.get(spanId)!.logs.some((l) => l.source === 'proxy')) f = { ...f, source: `${f.source}+proxy` };
        else if (this.joinedProxy(f, changes)) return this.recompute(t, changes);
      }
      next.set(spanId, this.toCall(f, `${f.traceId}${f.spanId}`));
    }
    for (const [spanId, old] of t.emitted) {
      if (next.has(spanId)) continue;
      changes.delete(old);
      this.matcher?.forgetOtlp(old.id);
    }
    for (const [spanId, call] of next) {
      const old = t.emitted.get(spanId);
      if (!old || !sameCall(old, call)) changes.upsert(call, old);
    }
    t.emitted = next;
  }

  /**
   * The trace's requests, each with its layers: a call-like span that wraps no other, then each
   * wrapper above it that wraps no other request.
   */
  private requests(t: TraceState, merged: ReadonlyMap<string, Fragment>): [string, Fragment[]][] {
    // One call-like span, as most traces have: nothing above it is another, and it is the request.
    // The walk below took a third of the assembler's allocations for it.
    if (merged.size <= 1) return [...merged].map(([spanId, m]) => [spanId, [m]]);
    const ancestors = new Map<string, string[]>();
    const wrappers = new Set<string>();
    for (const spanId of merged.keys()) {
      const up = this.ancestorsOf(t, spanId).filter((a) => merged.has(a));
      ancestors.set(spanId, up);
      for (const a of up) wrappers.add(a);
    }
    const leavesBelow = new Map<string, number>();
    for (const [spanId, up] of ancestors) {
      if (wrappers.has(spanId)) continue;
      for (const a of up) leavesBelow.set(a, (leavesBelow.get(a) ?? 0) + 1);
    }
    const out: [string, Fragment[]][] = [];
    for (const [spanId, up] of ancestors) {
      if (wrappers.has(spanId)) continue;
      out.push([spanId, [merged.get(spanId)!, ...up.filter((a) => leavesBelow.get(a) === 1).map((a) => merged.get(a)!)]]);
    }
    return out;
  }

  private ancestorsOf(t: TraceState, spanId: string): string[] {
    const out: string[] = [];
    let cur = t.links.get(spanId) ?? '';
    const seen = new Set([spanId]);
    while (cur && !seen.has(cur) && out.length < MAX_DEPTH) {
      out.push(cur);
      seen.add(cur);
      cur = t.links.get(cur) ?? '';
    }
    return out;
  }

  /**
   * A record of an agent session's request ('opens' or 'joins', see Fragment.request): an
   * opening record becomes the session's open request; a joining one takes that request's
   * trace context, or its key, unless it has trace context of another trace or names another
   * model. A joining call that does not say how long it took lasted from the request's start.
   */
  private follow(f: Fragment): void {
    if (f.sessionId === null) return;
    const k = `${f.service}\u0000${f.sessionId}`;
    if (f.request === 'opens') {
      const prev = this.openRequests.get(k);
      this.undo.push(() => (prev ? this.openRequests.set(k, prev) : this.openRequests.delete(k)));
      this.openRequests.delete(k);
      const traced = f.traceId !== '' && f.spanId !== '';
      this.openRequests.set(k, { traceId: f.traceId, spanId: f.spanId, key: traced ? null : f.syntheticId, startMs: f.timeMs, model: f.model });
      evictOldest(this.openRequests, this.maxKeyed);
      return;
    }
    const open = this.openRequests.get(k);
    if (!open || (f.traceId !== '' && f.traceId !== open.traceId)) return;
    if (open.model !== null && f.model !== null && open.model !== f.model) return;
    f.traceId = open.traceId;
    f.spanId = open.spanId;
    f.syntheticId = open.key;
    if (f.role === 'call' && f.durationMs === null && f.timeMs >= open.startMs) {
      // To the microsecond, as times are read: a difference of two epoch times in ms carries float noise.
      f.durationMs = Math.round((f.timeMs - open.startMs) * 1000) / 1000;
      f.timeMs = open.startMs;
    }
  }

  /**
   * A record without trace context: a call of its own, or, from a coding agent, merged with
   * the others of its id (its request's span, reply, start) into one call once one is a call.
   * Only the agents' are kept for the records to come; another's call stands alone (a retried
   * request brings the same record, and id, again). `proxy`: the provider proxy's record of
   * the same request, matched already; else one waiting is looked for.
   */
  private keyedFragment(f: Fragment, changes: ChangeSet, proxy?: Fragment): void {
    const id = f.syntheticId!;
    if (!AGENTS.has(f.source)) {
      if (!looksLikeCall(f)) return;
      const twin = proxy ?? this.takeProxy(f, changes);
      const g = twin ? joinedWithProxy(f, twin) : f;
      if (!twin) this.matcher?.rememberOtlp({ callId: id, fragment: g });
      this.emitKeyed(this.toCall(this.withUserPrompt(g), id), g.promptId, changes);
      return;
    }
    const prev = this.keyed.get(id);
    const saved = prev && { fragments: [...prev.fragments], emitted: prev.emitted };
    this.undo.push(() => (prev && saved ? this.keyed.set(id, Object.assign(prev, saved)) : this.keyed.delete(id)));
    const k = prev ?? { fragments: [], emitted: null };
    this.keyed.delete(id);
    this.keyed.set(id, k);
    evictOldest(this.keyed, this.maxKeyed);
    // Called with a proxy record, f is these fragments merged: only a call forgotten meanwhile needs it again.
    if (!(proxy && prev) && k.fragments.length < MAX_LOGS_PER_SPAN && !k.fragments.some((g) => sameFragment(g, f))) k.fragments.push(f);
    if (proxy) k.fragments.push({ ...proxy, syntheticId: id });
    let m = mergeFragments(byRank([...k.fragments]));
    if (!m || !looksLikeCall(m)) return;
    let joined = k.fragments.some((g) => g.source === 'proxy');
    if (!joined) {
      const twin = this.takeProxy(m, changes);
      if (twin) {
        k.fragments.push({ ...twin, syntheticId: id });
        m = mergeFragments(byRank([...k.fragments]))!;
        joined = true;
      } else this.matcher?.rememberOtlp({ callId: id, fragment: { ...m, syntheticId: id } });
    }
    if (joined) m = { ...m, source: `${m.source}+proxy` };
    // A span among them says where the request sits in its trace (Claude Code's events point at the interaction above it).
    const span = k.fragments.find((g) => g.origin === 'span');
    if (span && (m.traceId !== span.traceId || m.spanId !== span.spanId)) m = { ...m, traceId: span.traceId, spanId: span.spanId };
    const call = this.toCall(this.withUserPrompt(m), id);
    if (!k.emitted || !sameCall(k.emitted, call)) this.emitKeyed(call, m.promptId, changes, k.emitted ?? undefined);
    k.emitted = call;
  }

  /** The provider proxy's record of the same request as an OTLP call without trace, when one waits: its own call goes. */
  private takeProxy(f: Fragment, changes: ChangeSet): Fragment | null {
    const twin = this.matcher?.takeProxy(f);
    if (!twin) return null;
    changes.delete(twin.call);
    return twin.fragment;
  }

  /** Upserts a call made of records without trace context, remembered by its prompt id for a prompt that comes later. */
  private emitKeyed(call: LlmCall, promptId: string | null, changes: ChangeSet, previous?: LlmCall): void {
    if (promptId) {
      this.savePrompt(promptId);
      let calls = this.callsByPrompt.get(promptId);
      if (!calls) {
        this.callsByPrompt.set(promptId, (calls = new Map()));
        evictOldest(this.callsByPrompt, this.maxPrompts);
      }
      calls.set(call.id, call);
    }
    changes.upsert(call, previous);
  }

  /**
   * The user's prompt, joined by prompt id, when the call has none; for a coding agent it wins
   * over the request's message list (Gemini CLI's holds its whole session context): it is what
   * the user typed.
   */
  private withUserPrompt(f: Fragment): Fragment {
    if (!f.promptId || (f.prompt !== null && !AGENTS.has(f.source))) return f;
    const prompt = this.prompts.get(f.promptId);
    return prompt === undefined || prompt === f.prompt ? f : { ...f, prompt };
  }

  /**
   * A call seen by llmtop's provider proxy: a layer of the OTLP call of the same request when one
   * is waiting, else a call of its own, waiting for one (see proxy-match.ts).
   */
  private proxied(f: Fragment, changes: ChangeSet, touched: Set<TraceState>): void {
    const twin = this.matcher!.takeOtlp(f);
    if (twin?.fragment.syntheticId) return this.keyedFragment(twin.fragment, changes, f);
    const t = twin && (this.traces.get(twin.fragment.traceId) ?? this.rootedTraces.get(twin.fragment.traceId));
    if (twin && t) {
      touched.add(this.addFragment(proxyLayer(f, twin.fragment)));
      return;
    }
    const call = this.toCall(f, f.syntheticId!);
    this.matcher!.rememberProxy({ fragment: f, call });
    changes.upsert(call);
  }

  /** Joins an OTLP call of a trace with a waiting proxy call of the same request: true when it did (recompute the trace). */
  private joinedProxy(f: Fragment, changes: ChangeSet): boolean {
    const twin = this.matcher!.takeProxy(f);
    if (twin) {
      changes.delete(twin.call);
      this.addFragment(proxyLayer(twin.fragment, f));
      return true;
    }
    this.matcher!.rememberOtlp({ callId: `${f.traceId}${f.spanId}`, fragment: f });
    return false;
  }

  /** A user prompt event: remembered for calls still to come, and given to those already stored. */
  private joinPrompt(f: Fragment, changes: ChangeSet): void {
    if (!f.promptId || f.prompt === null) return;
    this.savePrompt(f.promptId);
    this.prompts.set(f.promptId, f.prompt);
    evictOldest(this.prompts, this.maxPrompts);
    const calls = this.callsByPrompt.get(f.promptId);
    if (!calls || !this.opts.keepContent) return;
    for (const [id, call] of calls) {
      if (call.prompt !== null) continue;
      const updated = { ...call, prompt: f.prompt };
      calls.set(id, updated);
      changes.upsert(updated);
    }
  }

  private toCall(f: Fragment, id: string): LlmCall {
    const model = capText(f.model ?? 'unknown', MAX_NAME_CHARS);
    const provider = capText(f.provider ?? providerFromModel(model) ?? 'unknown', MAX_NAME_CHARS);
    // Each field written out, no spread: a spread in the literal builds the object property by property.
    const outputTokens = Math.round(amount(f.outputTokens));
    const cacheReadTokens = Math.round(amount(f.cacheReadTokens));
    const cacheWriteTokens = Math.round(amount(f.cacheWriteTokens));
    const inputTokens = totalInputTokens(Math.round(amount(f.inputTokens)), cacheReadTokens, cacheWriteTokens);
    const reasoningTokens = Math.round(amount(f.reasoningTokens));
    // A time the wire made nonsense of (NaN, infinite) is the time it arrived.
    const timeMs = time(f.timeMs) ?? Date.now();
    const usage: CostInput = {
      provider,
      model,
      timeMs,
      reportedCostUsd: optionalAmount(f.reportedCostUsd),
      inputTokens,
      outputTokens,
      cacheReadTokens,
      cacheWriteTokens,
      reasoningTokens,
    };
    const cost = this.opts.resolveCost(usage);
    if (f.source !== 'metrics' && !this.servicesWithCalls.has(f.service)) {
      this.servicesWithCalls.add(f.service);
      this.undo.push(() => this.servicesWithCalls.delete(f.service));
    }
    return {
      id: f.restored?.callId ?? id,
      timeMs,
      traceId: f.traceId,
      spanId: f.spanId,
      service: capText(f.service, MAX_NAME_CHARS),
      environment: capText(f.environment, MAX_NAME_CHARS),
      provider,
      model,
      operation: capText(f.operation ?? 'chat', MAX_NAME_CHARS),
      durationMs: amount(f.durationMs),
      ttftMs: optionalAmount(f.ttftMs),
      inputTokens,
      outputTokens,
      cacheReadTokens,
      cacheWriteTokens,
      reasoningTokens,
      costUsd: cost.costUsd === null ? null : amount(cost.costUsd),
      // A reloaded export carries the cost it had, reported or estimated: its source too.
      costSource: f.restored?.costSource && f.reportedCostUsd !== null ? f.restored.costSource : cost.costSource,
      status: f.isError ? 'error' : 'ok',
      error: f.isError ? capText(f.error ?? 'error', MAX_ERROR_CHARS) : null,
      // An error type on a call that succeeded is a retry's history, not this call's failure.
      errorType: f.isError ? capOptional(f.errorType, MAX_NAME_CHARS) : null,
      finishReason: capOptional(f.finishReason, MAX_NAME_CHARS),
      user: capOptional(f.user, MAX_NAME_CHARS),
      prompt: this.opts.keepContent ? capOptional(f.prompt, MAX_TEXT_CHARS) : null,
      response: this.opts.keepContent ? capOptional(f.response, MAX_TEXT_CHARS) : null,
      source: f.source,
      sessionId: capOptional(f.sessionId, MAX_NAME_CHARS),
      contextPercent: this.opts.contextPercent?.(usage) ?? null,
    };
  }

  /** Metric points become calls only for services that send no per-call telemetry. */
  private metrics(samples: MetricSample[], changes: ChangeSet): void {
    const groups = new Map<string, { timeNs: bigint; samples: MetricSample[] }>();
    for (const s of samples) {
      const delta = this.delta(s);
      if (!delta || this.servicesWithCalls.has(s.service)) continue;
      const key = [s.service, s.environment, s.provider, s.model, s.operation, s.timeNs].join('\u0000');
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { timeNs: s.timeNs, samples: [] }));
      g.samples.push(delta);
    }
    for (const [key, g] of groups) {
      for (const call of this.callsFromMetrics(key, g.samples)) {
        if (this.metricBudget <= 0) return;
        this.metricBudget--;
        changes.upsert(call);
      }
    }
  }

  /** The part of a point not seen before: cumulative series are differenced per series. */
  private delta(s: MetricSample): MetricSample | null {
    if (!s.cumulative) return s;
    const prev = this.metricTotals.get(s.seriesKey);
    this.undo.push(() => (prev ? this.metricTotals.set(s.seriesKey, prev) : this.metricTotals.delete(s.seriesKey)));
    this.metricTotals.set(s.seriesKey, { startNs: s.startNs, count: s.count ?? 0, sum: s.sum, buckets: s.bucketCounts });
    if (!prev || prev.startNs !== s.startNs || s.sum < prev.sum || (s.count ?? 0) < prev.count) return s;
    const d = {
      ...s,
      count: s.count === null ? null : s.count - prev.count,
      sum: s.sum - prev.sum,
      bucketCounts: s.bucketCounts.map((c, i) => c - (prev.buckets[i] ?? 0)),
    };
    return d.sum === 0 && !d.count ? null : d;
  }

  private callsFromMetrics(key: string, samples: MetricSample[]): LlmCall[] {
    const first = samples[0]!;
    const durations = samples.filter((s) => s.kind === 'duration');
    const perCall: { durationMs: number; isError: boolean }[] = [];
    for (const d of durations) for (const v of expand(d)) perCall.push({ durationMs: v * 1000, isError: d.isError });
    const ttfts = samples.filter((s) => s.kind === 'ttft').flatMap(expand);
    const total = (kind: MetricSample['kind'], type: MetricSample['tokenType'] = null) =>
      samples.filter((s) => s.kind === kind && (type === null || s.tokenType === type)).reduce((n, s) => n + s.sum, 0);
    const tokens = { input: total('tokens', 'input'), output: total('tokens', 'output'), cacheRead: total('tokens', 'cacheRead'), cacheWrite: total('tokens', 'cacheWrite') };
    const cost = total('cost');
    // Counters without a duration histogram (Claude Code's) give totals but no request count.
    if (perCall.length === 0 && (tokens.input || tokens.output || cost)) perCall.push({ durationMs: 0, isError: false });
    const n = perCall.length;
    const timeMs = Number(first.timeNs / 1_000_000n);
    return perCall.map((p, i) => {
      const share = (v: number) => Math.floor(v / n) + (i < v % n ? 1 : 0);
      const f: Fragment = {
        traceId: '',
        spanId: '',
        parentSpanId: '',
        role: 'call',
        origin: 'log',
        syntheticId: null,
        timeMs: timeMs - p.durationMs,
        durationMs: p.durationMs,
        service: first.service,
        environment: first.environment,
        provider: first.provider,
        model: first.model,
        operation: first.operation,
        ttftMs: ttfts[i] !== undefined ? ttfts[i]! * 1000 : null,
        streamed: null,
        inputTokens: share(tokens.input),
        outputTokens: share(tokens.output),
        cacheReadTokens: share(tokens.cacheRead),
        cacheWriteTokens: share(tokens.cacheWrite),
        reasoningTokens: null,
        reportedCostUsd: cost > 0 ? cost / n : null,
        isError: p.isError,
        error: p.isError ? 'error' : null,
        errorType: null,
        finishReason: null,
        user: null,
        prompt: null,
        response: null,
        promptId: null,
        sessionId: null,
        request: null,
        messageRole: null,
        restored: null,
        source: 'metrics',
      };
      return this.toCall(f, createHash('sha1').update(`${key}\u0000${i}`).digest('hex').slice(0, 32));
    });
  }
}

/** The proxy's fragment as a log layer of the OTLP call's span: the span's own fields come first. */
function proxyLayer(proxy: Fragment, call: Fragment): Fragment {
  return { ...proxy, traceId: call.traceId, spanId: call.spanId, parentSpanId: '', syntheticId: null, origin: 'log' };
}

/** An OTLP event without trace (Claude Code's api_request) with the proxy's fragment of the same request as its second layer. */
function joinedWithProxy(otlp: Fragment, proxy: Fragment): Fragment {
  return { ...mergeFragments([otlp, proxy])!, source: `${otlp.source}+proxy` };
}

/** A span's own fragments, best first (see byRank), then its messages as one prompt. */
function spanLayers(sf: SpanFragments): Fragment[] {
  const layers = sf.span ? [sf.span, ...sf.logs] : [...sf.logs];
  if (layers.length > 1) byRank(layers);
  const first = sf.messages[0];
  if (first) {
    const messages = sf.messages.map((m) => ({ role: m.messageRole ?? '', text: m.prompt ?? '' })).filter((m) => m.text !== '');
    layers.push({ ...first, prompt: render(messages) });
  }
  return layers;
}

/**
 * Sorts the layers of one request best first, in arrival order otherwise: a coding agent's own
 * usage event (Gemini CLI's counts the cache and the thoughts, which its span leaves out), the
 * span, other records that may be the call, then parts (a reply, a request's start).
 */
function byRank(layers: Fragment[]): Fragment[] {
  // Array.prototype.sort is stable: arrival order holds within a rank.
  return layers.sort((a, b) => rank(a) - rank(b));
}

function rank(f: Fragment): number {
  if (f.role === 'part') return 3;
  if (f.origin === 'span') return 1;
  return AGENTS.has(f.source) && (f.inputTokens !== null || f.outputTokens !== null) ? 0 : 2;
}

function sameFragment(a: Fragment, b: Fragment): boolean {
  for (const k of Object.keys(a) as (keyof Fragment)[]) if (a[k] !== b[k]) return false;
  return true;
}

/** Values of a histogram delta: each bucket's observations at the bucket's middle. */
function expand(s: MetricSample): number[] {
  const count = Math.min(s.count ?? 0, MAX_CALLS_PER_METRIC_POINT);
  if (count <= 0) return [];
  const mean = s.sum / (s.count ?? 1);
  if (s.bucketCounts.length === 0) return new Array<number>(count).fill(mean);
  const out: number[] = [];
  s.bucketCounts.forEach((c, i) => {
    const lo = i === 0 ? 0 : s.explicitBounds[i - 1]!;
    const hi = s.explicitBounds[i] ?? Math.max(lo, mean);
    for (let k = 0; k < c && out.length < count; k++) out.push((lo + hi) / 2);
  });
  return out;
}

/**
 * Fields of the first fragment that says them: the innermost layer wins, outer ones fill gaps.
 * A single layer is returned as it is, not copied (most calls have one): never change the result.
 */
export function mergeFragments(layers: readonly Fragment[]): Fragment | null {
  const first = layers[0];
  if (!first) return null;
  if (layers.length === 1) return first;
  const out: Fragment = { ...first };
  for (let i = 1; i < layers.length; i++) {
    const f = layers[i]!;
    for (const k of Object.keys(out) as (keyof Fragment)[]) {
      if (out[k] === null && f[k] !== null) (out as unknown as Record<string, unknown>)[k] = f[k];
    }
  }
  return out;
}

function sameCall(a: LlmCall, b: LlmCall): boolean {
  for (const k of Object.keys(a) as (keyof LlmCall)[]) if (a[k] !== b[k]) return false;
  return true;
}

/** A batch's changes, one per call id; a call is stored under its start and id (domain/changes.ts). */
class ChangeSet {
  private readonly upserts = new Map<string, LlmCall>();
  private readonly deletes = new Map<string, CallRef>();
  /** `previous`: the version stored before, which goes if it started at another time. */
  upsert(c: LlmCall, previous?: LlmCall): void {
    if (this.deletes.get(c.id)?.timeMs === c.timeMs) this.deletes.delete(c.id);
    if (previous && previous.timeMs !== c.timeMs) this.deletes.set(c.id, { id: c.id, timeMs: previous.timeMs });
    this.upserts.set(c.id, c);
  }
  delete(c: LlmCall): void {
    this.upserts.delete(c.id);
    this.deletes.set(c.id, { id: c.id, timeMs: c.timeMs });
  }
  result(): CallChanges {
    return { upserted: [...this.upserts.values()], deleted: [...this.deletes.values()] };
  }
}
