import type { LlmCall } from '../domain/call.js';

/**
 * The newest calls with their text, for the log: at most `capacity`, kept in time order in an
 * array (new calls almost always go at the end), with an index by id. Calls pushed out at the
 * front are cut off in one go once as many as the capacity have gathered, not one by one.
 */
export class RecentCalls {
  private list: LlmCall[] = [];
  /** Where the kept calls begin in `list`: those before it are gone. */
  private start = 0;
  private readonly byId = new Map<string, LlmCall>();

  constructor(private readonly capacity: number) {}

  put(call: LlmCall): void {
    if (this.byId.has(call.id)) this.remove(call.id);
    const list = this.list;
    if (list.length - this.start >= this.capacity && call.timeMs < list[this.start]!.timeMs) return; // older than all kept
    let i = list.length;
    while (i > this.start && list[i - 1]!.timeMs > call.timeMs) i--;
    if (i === list.length) list.push(call);
    else list.splice(i, 0, call);
    this.byId.set(call.id, call);
    if (list.length - this.start > this.capacity) this.byId.delete(list[this.start++]!.id);
    if (this.start >= this.capacity) {
      this.list = list.slice(this.start);
      this.start = 0;
    }
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
    for (let i = this.list.length - 1; i >= this.start && out.length < limit; i--) {
      const c = this.list[i]!;
      if (keep(c)) out.push(c);
    }
    return out;
  }

  private remove(id: string): void {
    const i = this.list.lastIndexOf(this.byId.get(id)!);
    if (i >= this.start) this.list.splice(i, 1);
    this.byId.delete(id);
  }
}
