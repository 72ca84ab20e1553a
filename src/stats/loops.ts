import { createHash } from 'node:crypto';
import type { LlmCall } from '../domain/call.js';
import type { LoopAlert, LoopRule } from '../domain/loop.js';

/** Of a prompt, what makes it the same prompt: its beginning (a loop repeats from the start). */
const FINGERPRINT_CHARS = 4096;
/** Kinds of call remembered at most: names and prompts come from the wire. */
const MAX_KEYS = 10_000;
/** Flagged loops kept to list, newest first. */
const MAX_ALERTS = 100;

/** Ids, hashes, long numbers and times: what changes between two runs of the same prompt. */
const VOLATILE = [
  [/\b\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(z|[+-]\d{2}:?\d{2})?/gi, '<time>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>'],
  [/\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/gi, '<id>'],
  [/\d{4,}/g, '<n>'],
  [/\s+/g, ' '],
] as const;

/** A prompt with whitespace and ids made alike: two prompts with the same fingerprint are the same prompt. */
export function promptFingerprint(prompt: string): string {
  let s = prompt.slice(0, FINGERPRINT_CHARS);
  for (const [re, to] of VOLATILE) s = s.replace(re, to);
  return createHash('sha1').update(s.trim()).digest('base64');
}

interface Recent {
  /** Calls of this kind within the rule's window of the newest, by id (a later layer of a call is not another call). */
  calls: Map<string, { timeMs: number; costUsd: number | null }>;
  newestMs: number;
  alert: LoopAlert | null;
}

const firstLine = (text: string) => (text.split('\n').find((l) => l.trim() !== '') ?? '').trim();

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

  constructor(
    readonly rule: LoopRule,
    private readonly now: () => number = Date.now,
  ) {}

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
      if (c.prompt !== null && c.prompt.trim() !== '') {
        this.add(`L${c.service}\u0000${c.model}\u0000${promptFingerprint(c.prompt)}`, c, 'loop', firstLine(c.prompt));
      }
      if (c.status === 'error') this.add(`S${c.service}\u0000${c.model}\u0000${c.errorType ?? ''}`, c, 'retry-storm', c.errorType ?? 'error');
    }
  }

  private add(key: string, c: LlmCall, kind: LoopAlert['kind'], what: string): void {
    let r = this.recent.get(key);
    if (!r) {
      if (this.recent.size >= MAX_KEYS) this.forget();
      this.recent.set(key, (r = { calls: new Map(), newestMs: c.timeMs, alert: null }));
    }
    const seen = r.calls.has(c.id);
    r.calls.set(c.id, { timeMs: c.timeMs, costUsd: c.costUsd });
    r.newestMs = Math.max(r.newestMs, c.timeMs);
    for (const [id, x] of r.calls) if (x.timeMs < r.newestMs - this.rule.windowMs) r.calls.delete(id);
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
      what,
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
