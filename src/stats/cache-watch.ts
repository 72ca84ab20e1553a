import { CACHE_LIFETIME_MS, type CacheCold } from '../domain/cache.js';
import type { LlmCall } from '../domain/call.js';
import { evictOldest } from '../memory/lru.js';

/** A call reads its cache when it reads at least this many tokens from it: the smallest prefix providers cache. */
const MIN_READ_TOKENS = 1024;
/** Calls in a row that read the cache before a collapse counts: one warm call could be luck. */
const WARM_CALLS = 2;
/** Reads collapse when they fall under this share of the previous call's. */
const COLLAPSE_SHARE = 0.1;
/** A call this much smaller than the cached prefix is another kind of call (a title, a summary), not a cache miss. */
const SAME_SIZE_SHARE = 0.5;
/** Sessions and models followed at most, and marks kept (the log's calls need theirs). */
const MAX_KEYS = 2_000;
const MAX_MARKS = 2_000;

interface Warmth {
  /** The latest call's start and end, and its cache reads. */
  startMs: number;
  endMs: number;
  read: number;
  /** Calls in a row, up to the latest, that read the cache. */
  warm: number;
}

/**
 * Watches each session's calls, model by model (a cache is the model's), for a call whose cache
 * reads collapse after warm calls, and says why: the gap passed the cache lifetime, or the
 * prompt's prefix changed. Calls are taken as they are stored; one that arrives after a later
 * call of its session and model is too late to judge and is left out.
 */
export class CacheWatch {
  private readonly sessions = new Map<string, Warmth>();
  private readonly marks = new Map<string, CacheCold>();
  private changes = 0;

  constructor(private readonly lifetimeMs = CACHE_LIFETIME_MS) {}

  /** Bumped when a mark is made. */
  get version(): number {
    return this.changes;
  }

  observe(calls: readonly LlmCall[]): void {
    const inOrder = calls.filter((c) => c.sessionId !== null).sort((a, b) => a.timeMs - b.timeMs);
    for (const c of inOrder) this.see(c);
  }

  mark(callId: string): CacheCold | undefined {
    return this.marks.get(callId);
  }

  private see(c: LlmCall): void {
    const key = `${c.service}\u0000${c.sessionId}\u0000${c.provider}\u0000${c.model}`;
    const before = this.sessions.get(key);
    if (before && c.timeMs <= before.startMs) return;
    const read = c.cacheReadTokens;
    if (before && before.warm >= WARM_CALLS && read < before.read * COLLAPSE_SHARE && c.inputTokens >= before.read * SAME_SIZE_SHARE) {
      const gapMs = Math.max(0, c.timeMs - before.endMs);
      this.marks.set(c.id, {
        reason: gapMs > this.lifetimeMs ? 'expired' : 'prefix',
        gapMs,
        lifetimeMs: this.lifetimeMs,
        readBefore: before.read,
        readNow: read,
        warmCalls: before.warm,
      });
      evictOldest(this.marks, MAX_MARKS);
      this.changes++;
    }
    this.sessions.delete(key);
    this.sessions.set(key, { startMs: c.timeMs, endMs: c.timeMs + c.durationMs, read, warm: read >= MIN_READ_TOKENS ? (before?.warm ?? 0) + 1 : 0 });
    evictOldest(this.sessions, MAX_KEYS);
  }
}
