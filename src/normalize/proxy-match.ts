import type { LlmCall } from '../domain/call.js';
import { evictOldest } from '../memory/lru.js';
import type { Fragment } from './fragment.js';

/*
 * One request seen twice: by llmtop's provider proxy (src/proxy/) on the wire, and by the app's
 * own instrumentation over OTLP. Nothing on the wire names the span, so the two are matched by
 * what both observed:
 *
 * - outcome: both failed, or both did not;
 * - time: the proxy's request lies within the instrumented call, give or take SLACK_MS at each
 *   end (an SDK's span starts before its request is sent and ends after the answer is read; a
 *   span around retries holds several requests, and the one that matches is the last);
 * - model: the same name, or the name asked for and the snapshot that answered (`gpt-4o-mini`,
 *   `gpt-4o-mini-2024-07-18`; `claude-sonnet-4-5`, `claude-sonnet-4-5-20250929`);
 * - tokens: where both sides know a count it must agree, allowing for the two ways of counting
 *   (input with or without the cached tokens, output with or without the thinking tokens).
 *
 * A match whose token counts were compared wins over one matched on time and model alone; among
 * equals, the closest in time. Each proxy call joins at most one instrumented call: it becomes a
 * layer of that call (whose own fields come first), the call's source gains `+proxy`, and the
 * proxy's call of its own is deleted.
 */

/** How far the two sides' boundaries may lie apart. */
export const SLACK_MS = 2_000;
const MAX_ENTRIES = 2_048;

/** A call the proxy recorded, waiting for an instrumented call of the same request. */
export interface ProxyEntry {
  fragment: Fragment;
  /** The proxy's own call, deleted when it joins another. */
  call: LlmCall;
}

/** An instrumented call that a proxy call arriving later may join. */
export interface OtlpEntry {
  /** The call's id (trace and span ids, or the synthetic id of an event without trace). */
  callId: string;
  /** The call as merged from its layers. */
  fragment: Fragment;
}

const modelName = (m: string | null) => (m === null ? null : m.toLowerCase().replace(/^models\//, ''));

/** What a provider adds to the name asked for, naming the snapshot that answered: a date, a version number. */
const SNAPSHOT = /^-(\d{4}-\d{2}-\d{2}|\d{8}|\d{2,4}|latest)$/;

function sameModel(a: string | null, b: string | null): boolean | null {
  const x = modelName(a);
  const y = modelName(b);
  if (x === null || y === null) return null;
  const [short, long] = x.length <= y.length ? [x, y] : [y, x];
  return long.startsWith(short) && (long.length === short.length || SNAPSHOT.test(long.slice(short.length)));
}

/** A count the side knows; 0 is taken for "not known", as instrumentations write it. */
const known = (n: number | null): n is number => n !== null && n > 0;

/** null: no count known on both sides; true: they agree; false: they differ. */
function sameTokens(p: Fragment, o: Fragment): boolean | null {
  let compared = false;
  if (known(p.inputTokens) && known(o.inputTokens)) {
    const cached = (p.cacheReadTokens ?? 0) + (p.cacheWriteTokens ?? 0);
    if (o.inputTokens !== p.inputTokens && o.inputTokens !== p.inputTokens - cached) return false;
    compared = true;
  }
  if (known(p.outputTokens) && known(o.outputTokens)) {
    if (o.outputTokens !== p.outputTokens && o.outputTokens !== p.outputTokens - (p.reasoningTokens ?? 0)) return false;
    compared = true;
  }
  return compared ? true : null;
}

/**
 * How well a proxy call and an instrumented call describe one request: null when they cannot,
 * else a score, lower is better.
 */
export function matchScore(proxy: Fragment, otlp: Fragment): number | null {
  if (Boolean(proxy.isError) !== Boolean(otlp.isError)) return null;
  const pStart = proxy.timeMs;
  const pEnd = pStart + (proxy.durationMs ?? 0);
  const oStart = otlp.timeMs;
  const oEnd = oStart + (otlp.durationMs ?? 0);
  if (otlp.durationMs === null) {
    // A moment, not a span (an event without a duration): it must fall within the request.
    if (oStart < pStart - SLACK_MS || oStart > pEnd + SLACK_MS) return null;
  } else if (pStart < oStart - SLACK_MS || pEnd > oEnd + SLACK_MS) return null;
  const model = sameModel(proxy.model, otlp.model);
  if (model === false) return null;
  const tokens = sameTokens(proxy, otlp);
  if (tokens === false) return null;
  // On time alone two calls of one model could be taken for each other: the model must be named.
  if (model === null && tokens === null) return null;
  const distance = Math.abs(pEnd - oEnd) + Math.abs(pStart - oStart);
  return (tokens ? 0 : 1e12) + distance;
}

function best<E>(entries: Iterable<[string, E]>, score: (e: E) => number | null): [string, E] | null {
  let found: [string, E] | null = null;
  let low = Infinity;
  for (const entry of entries) {
    const s = score(entry[1]);
    if (s !== null && s < low) {
      low = s;
      found = entry;
    }
  }
  return found;
}

/**
 * The two sides' recent unmatched calls, each in a bounded LRU. Every change is reported to
 * `onChange` with how to undo it, for the assembler's rollback of a batch whose commit failed.
 */
export class ProxyMatcher {
  private readonly proxied = new Map<string, ProxyEntry>();
  private readonly instrumented = new Map<string, OtlpEntry>();

  constructor(private readonly onChange: (undo: () => void) => void) {}

  /** A proxy call arrived: the instrumented call it joins, taken from the unmatched ones. */
  takeOtlp(proxy: Fragment): OtlpEntry | null {
    const found = best(this.instrumented, (e) => matchScore(proxy, e.fragment));
    if (!found) return null;
    this.remove(this.instrumented, found[0]);
    return found[1];
  }

  /** An instrumented call was made or changed: the proxy call that joins it, taken from the unmatched ones. */
  takeProxy(otlp: Fragment): ProxyEntry | null {
    if (this.proxied.size === 0) return null;
    const found = best(this.proxied, (e) => matchScore(e.fragment, otlp));
    if (!found) return null;
    this.remove(this.proxied, found[0]);
    return found[1];
  }

  rememberProxy(entry: ProxyEntry): void {
    this.put(this.proxied, entry.call.id, entry);
  }

  rememberOtlp(entry: OtlpEntry): void {
    this.put(this.instrumented, entry.callId, entry);
  }

  /** An instrumented call that is no more (it turned out to be a wrapper), or that a proxy call joined. */
  forgetOtlp(callId: string): void {
    if (this.instrumented.has(callId)) this.remove(this.instrumented, callId);
  }

  /** Evictions are not undone: they only forget the oldest candidates a little sooner. */
  private put<E>(map: Map<string, E>, key: string, value: E): void {
    const before = map.get(key);
    map.delete(key);
    map.set(key, value);
    evictOldest(map, MAX_ENTRIES);
    this.onChange(() => {
      map.delete(key);
      if (before !== undefined) map.set(key, before);
    });
  }

  private remove<E>(map: Map<string, E>, key: string): void {
    const before = map.get(key);
    map.delete(key);
    if (before !== undefined) this.onChange(() => map.set(key, before));
  }
}
