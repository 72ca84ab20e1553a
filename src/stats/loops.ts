import type { LlmCall } from '../domain/call.js';
import type { LoopAlert, LoopRule } from '../domain/loop.js';

/**
 * Of a prompt, what makes it the same prompt: its beginning and its end, 512 characters each. A
 * loop repeats a prompt whole; a conversation's calls share a long beginning (the system prompt)
 * and differ at the end, where the newest message is.
 */
const FINGERPRINT_HALF = 512;
/** Kinds of call remembered at most: names and prompts come from the wire. */
const MAX_KEYS = 10_000;
/** Flagged loops kept to list, newest first. */
const MAX_ALERTS = 100;
/**
 * Calls remembered of one kind, at least: enough to see the rule's count of them within its
 * window, and to tell a later layer of a recent call from a new call. Not every call of the window:
 * a runaway loop at thousands a second, or calls sent with the same old times again and again,
 * would keep them all (the soak's replayed spans grew llmtop by 300 MiB in 10 minutes).
 */
const MIN_CALLS_KEPT = 16;

const SPACE = 32;
const HASH = 35;
const isSpace = (c: number) => c === SPACE || (c >= 9 && c <= 13) || c === 0xa0;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isHexLetter = (c: number) => (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
/** Letters, digits and the joiners of ids, times and numbers: `_ - : . +`. */
const isWordChar = (c: number) => isDigit(c) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 45 || c === 58 || c === 46 || c === 43;

/**
 * A long prompt's beginning and end, each cut at a word boundary: where spacing earlier in the
 * prompt moves the end's window by a character, a partial word at its edge is left out.
 */
function ends(prompt: string): string[] {
  if (prompt.length <= 2 * FINGERPRINT_HALF) return [prompt];
  let head = prompt.slice(0, FINGERPRINT_HALF);
  let tail = prompt.slice(-FINGERPRINT_HALF);
  const headEnd = head.search(/\s\S*$/);
  if (headEnd > 0) head = head.slice(0, headEnd);
  const tailStart = tail.search(/\s/);
  if (tailStart >= 0) tail = tail.slice(tailStart);
  return [head, tail];
}

/**
 * A prompt with whitespace and ids made alike: two prompts with the same fingerprint are the same
 * prompt. A word with four digits or more (a long number, a time, a UUID), or a hex word of eight
 * characters or more with a digit (an id, a hash) is volatile, and volatile words in a row are one.
 * One pass over at most 1,024 characters, two 32-bit hashes (FNV-1a, djb2): a regular expression
 * per kind and a SHA-1 over 4,096 took 66 µs for a prompt of 1,600 characters (bench/sessions.ts).
 */
export function promptFingerprint(prompt: string): string {
  // The parts are hashed one after the other, not joined: a joined string is a tree that each charCodeAt walks.
  const parts = ends(prompt.trim());
  let a = 0x811c9dc5;
  let b = 5381;
  let space = false;
  let started = false;
  let volatile = false;
  for (let p = 0; p < parts.length; p++) {
    const text = parts[p]!;
    const n = text.length;
    if (p > 0) {
      a = Math.imul(a ^ 0, 0x01000193);
      b = Math.imul(b, 33) | 0;
      space = volatile = false;
    }
    for (let i = 0; i < n; ) {
      const c = text.charCodeAt(i);
      if (isSpace(c)) {
        space = started;
        i++;
        continue;
      }
      started = true;
      let j = i;
      let digits = 0;
      let hex = true;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (!isWordChar(d)) break;
        if (isDigit(d)) digits++;
        else if (!isHexLetter(d)) hex = false;
      }
      const isVolatile = j > i && (digits >= 4 || (hex && digits > 0 && j - i >= 8));
      if (space && !(isVolatile && volatile)) {
        a = Math.imul(a ^ SPACE, 0x01000193);
        b = (Math.imul(b, 33) ^ SPACE) | 0;
      }
      space = false;
      if (isVolatile) {
        if (!volatile) {
          a = Math.imul(a ^ HASH, 0x01000193);
          b = (Math.imul(b, 33) ^ HASH) | 0;
        }
        volatile = true;
        i = j;
        continue;
      }
      volatile = false;
      // A word as it is, or one other character.
      const end = j > i ? j : i + 1;
      for (let k = i; k < end; k++) {
        const d = text.charCodeAt(k);
        a = Math.imul(a ^ d, 0x01000193);
        b = (Math.imul(b, 33) ^ d) | 0;
      }
      i = end;
    }
  }
  return `${(a >>> 0).toString(36)}.${(b >>> 0).toString(36)}`;
}

interface Recent {
  /** Calls of this kind within the rule's window of the newest, by id (a later layer of a call is not another call). */
  calls: Map<string, { timeMs: number; costUsd: number | null }>;
  newestMs: number;
  alert: LoopAlert | null;
}

/** The first line with text, read only as far as it: a prompt can be megabytes. */
function firstLine(text: string): string {
  let from = 0;
  while (from < text.length) {
    const end = text.indexOf('\n', from);
    const line = text.slice(from, end < 0 ? text.length : end).trim();
    if (line !== '') return line;
    if (end < 0) break;
    from = end + 1;
  }
  return '';
}

/**
 * Watches the calls as they are stored for loops: `rule.count` calls of the same kind within
 * `rule.windowMs` of each other, by the calls' own times. A loop is announced once; the calls
 * that follow within the window add to it; one that comes after a quiet window is a new loop.
 */
export class LoopWatch {
  private readonly recent = new Map<string, Recent>();
  private readonly flagged: LoopAlert[] = [];
  private readonly listeners: ((a: LoopAlert) => void)[] = [];
  private flaggedTotal = 0;
  /** Calls remembered of each kind at most, the newest. */
  private readonly kept: number;

  constructor(
    readonly rule: LoopRule,
    private readonly now: () => number = Date.now,
  ) {
    this.kept = Math.max(2 * rule.count, MIN_CALLS_KEPT);
  }

  /** Calls remembered across all kinds: at most 10,000 kinds of twice the rule's count (16 at least). */
  get remembered(): number {
    let n = 0;
    for (const r of this.recent.values()) n += r.calls.size;
    return n;
  }

  /** Loops flagged since llmtop started. */
  get total(): number {
    return this.flaggedTotal;
  }

  onLoop(listener: (a: LoopAlert) => void): void {
    this.listeners.push(listener);
  }

  /** The loops flagged, newest first; with `sinceMs`, those with a call since then. */
  alerts(sinceMs = -Infinity): LoopAlert[] {
    return this.flagged.filter((a) => a.lastMs >= sinceMs);
  }

  observe(calls: readonly LlmCall[]): void {
    for (const c of calls) {
      const prompt = c.prompt;
      if (prompt !== null && /\S/.test(prompt)) this.add(`L${c.service}\u0000${c.model}\u0000${promptFingerprint(prompt)}`, c, 'loop', () => firstLine(prompt));
      if (c.status === 'error') this.add(`S${c.service}\u0000${c.model}\u0000${c.errorType ?? ''}`, c, 'retry-storm', () => c.errorType ?? 'error');
    }
  }

  /** `what`: asked only when a loop is flagged. */
  private add(key: string, c: LlmCall, kind: LoopAlert['kind'], what: () => string): void {
    let r = this.recent.get(key);
    if (!r) {
      if (this.recent.size >= MAX_KEYS) this.forget();
      this.recent.set(key, (r = { calls: new Map(), newestMs: c.timeMs, alert: null }));
    }
    const seen = r.calls.has(c.id);
    r.calls.set(c.id, { timeMs: c.timeMs, costUsd: c.costUsd });
    r.newestMs = Math.max(r.newestMs, c.timeMs);
    // Oldest first as they came: a storm of thousands is not walked whole for each call.
    for (const [id, x] of r.calls) {
      if (x.timeMs >= r.newestMs - this.rule.windowMs && r.calls.size <= this.kept) break;
      r.calls.delete(id);
    }
    const a = r.alert;
    if (a && c.timeMs - a.lastMs <= this.rule.windowMs) {
      // The loop goes on: this call adds to it (a later layer of a call already counted does not).
      if (!seen) {
        a.count++;
        if (c.costUsd === null) a.unpricedCalls++;
        else a.costUsd += c.costUsd;
      }
      a.lastMs = Math.max(a.lastMs, c.timeMs);
      return;
    }
    if (r.calls.size < this.rule.count) return;
    const inWindow = [...r.calls.values()];
    const alert: LoopAlert = {
      kind,
      id: `${kind}-${++this.flaggedTotal}`,
      service: c.service,
      model: c.model,
      what: what(),
      count: inWindow.length,
      costUsd: inWindow.reduce((n, x) => n + (x.costUsd ?? 0), 0),
      unpricedCalls: inWindow.filter((x) => x.costUsd === null).length,
      firstMs: Math.min(...inWindow.map((x) => x.timeMs)),
      lastMs: Math.max(...inWindow.map((x) => x.timeMs)),
      flaggedMs: this.now(),
      sessionId: c.sessionId,
    };
    r.alert = alert;
    this.flagged.unshift(alert);
    if (this.flagged.length > MAX_ALERTS) this.flagged.pop();
    for (const l of this.listeners) l(alert);
  }

  /** Forgets the kinds quiet for longest, to make room. */
  private forget(): void {
    const byAge = [...this.recent].sort((a, b) => a[1].newestMs - b[1].newestMs);
    for (const [key] of byAge.slice(0, Math.ceil(MAX_KEYS / 10))) this.recent.delete(key);
  }
}
