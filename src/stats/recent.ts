import type { LlmCall } from '../domain/call.js';

/**
 * The newest calls with their text, for the log: at most `capacity`, kept in time order in an
 * array (new calls almost always go at the end), with an index by id.
 */
export class RecentCalls {
  private readonly list: LlmCall[] = [];
  private readonly byId = new Map<string, LlmCall>();

  constructor(private readonly capacity: number) {}

  put(call: LlmCall): void {
    if (this.byId.has(call.id)) this.remove(call.id);
    if (this.list.length >= this.capacity && call.timeMs < this.list[0]!.timeMs) return; // older than all kept
    let i = this.list.length;
    while (i > 0 && this.list[i - 1]!.timeMs > call.timeMs) i--;
    this.list.splice(i, 0, call);
    this.byId.set(call.id, call);
    if (this.list.length > this.capacity) this.byId.delete(this.list.shift()!.id);
  }

  delete(id: string): void {
    if (this.byId.has(id)) this.remove(id);
  }

  get(id: string): LlmCall | undefined {
    return this.byId.get(id);
  }

  /** Newest first, those that pass `keep`, at most `limit`. */
  newest(limit: number, keep: (c: LlmCall) => boolean): LlmCall[] {
    const out: LlmCall[] = [];
    for (let i = this.list.length - 1; i >= 0 && out.length < limit; i--) {
      const c = this.list[i]!;
      if (keep(c)) out.push(c);
    }
    return out;
  }

  private remove(id: string): void {
    const i = this.list.findIndex((c) => c.id === id);
    if (i >= 0) this.list.splice(i, 1);
    this.byId.delete(id);
  }
}
