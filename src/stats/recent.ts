import type { LlmCall } from '../domain/call.js';

/**
 * The newest calls with their text, for the log: at most `capacity`, and no more text than
 * `maxTextChars` in all (an agent's prompts reach the 64K-character cap each: two thousand of
 * them held some 250 MB), the newest call always. Kept in time order in an array (new calls
 * almost always go at the end), with an index by id. Calls pushed out at the front are cut off
 * in one go once as many as the capacity have gathered, not one by one.
 */
export class RecentCalls {
  private list: LlmCall[] = [];
  /** Where the kept calls begin in `list`: those before it are gone. */
  private start = 0;
  private readonly byId = new Map<string, LlmCall>();
  /** Characters of prompt and response of the calls kept. */
  private textChars = 0;

  constructor(
    private readonly capacity: number,
    private readonly maxTextChars = Infinity,
  ) {}

  put(call: LlmCall): void {
    if (this.byId.has(call.id)) this.remove(call.id);
    const list = this.list;
    if (list.length - this.start >= this.capacity && call.timeMs < list[this.start]!.timeMs) return; // older than all kept
    let i = list.length;
    while (i > this.start && list[i - 1]!.timeMs > call.timeMs) i--;
    if (i === list.length) list.push(call);
    else list.splice(i, 0, call);
    this.byId.set(call.id, call);
    this.textChars += textOf(call);
    if (list.length - this.start > this.capacity) this.dropFirst();
    while (this.textChars > this.maxTextChars && list.length - this.start > 1) this.dropFirst();
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

  private dropFirst(): void {
    const gone = this.list[this.start++]!;
    this.byId.delete(gone.id);
    this.textChars -= textOf(gone);
  }

  private remove(id: string): void {
    const call = this.byId.get(id)!;
    const i = this.list.lastIndexOf(call);
    if (i >= this.start) this.list.splice(i, 1);
    this.byId.delete(id);
    this.textChars -= textOf(call);
  }
}

const textOf = (c: LlmCall): number => (c.prompt?.length ?? 0) + (c.response?.length ?? 0);
