import type { SpanSkeleton } from '../domain/run.js';
import type { Assembler } from '../normalize/assemble.js';
import type { Normalized } from '../normalize/index.js';
import type { CallChanges, Committed } from '../domain/changes.js';

/** The write queue is full: the client should retry later (429/503 with Retry-After). */
export class BusyError extends Error {}

export interface IngestDeps {
  assembler: Assembler;
  /**
   * Commits a batch in one transaction and says what it did: at once (the store in memory), or
   * with a promise (the writer thread), the same way every time.
   */
  commit: (changes: CallChanges) => Committed | Promise<Committed>;
  /** Told of every committed batch (the live statistics), with the skeletons of the spans it carried (the runs). */
  onCommitted: (changes: Committed, spans: readonly SpanSkeleton[]) => void;
  /** Fragments and points waiting for a commit before new requests are refused. */
  maxPending: number;
  /**
   * Fragments and points a commit takes at most (whole requests; one at least): the rest waits for
   * the next turn of the event loop, so that a read (the TUI's, the API's) never waits behind more
   * than one such batch (its commit, when in place, and its statistics).
   */
  maxPerCommit: number;
}

interface Pending {
  item: Normalized;
  size: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Group commit: requests that arrive while a commit is being prepared (or is under way in the
 * writer thread) share one transaction. A request's promise settles only after its data is
 * committed, so 200 means stored. One commit is under way at a time: what the assembler learnt
 * from it is undone if it fails, before the next batch is assembled.
 */
export class Ingest {
  private queue: Pending[] = [];
  private pendingSize = 0;
  private scheduled = false;
  private underWay: Promise<void> | null = null;

  constructor(private readonly deps: IngestDeps) {}

  get pending(): number {
    return this.pendingSize;
  }

  submit(item: Normalized): Promise<void> {
    const size = item.fragments.length + item.links.length + item.metrics.length;
    if (size === 0) return Promise.resolve();
    if (this.pendingSize + size > this.deps.maxPending && this.queue.length > 0)
      return Promise.reject(new BusyError('llmtop is behind on writes'));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, size, resolve, reject });
      this.pendingSize += size;
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.commitNext());
  }

  /** Commits everything queued, in commits of at most maxPerCommit (at shutdown). */
  async flush(): Promise<void> {
    while (this.underWay || this.queue.length > 0) {
      if (this.underWay) await this.underWay;
      else this.commitNext();
    }
  }

  /** Commits the oldest requests queued, up to maxPerCommit, and leaves the rest for the next turn. */
  private commitNext(): void {
    this.scheduled = false;
    // The commit under way takes the next batch when it ends.
    if (this.underWay) return;
    let taken = 0;
    let size = 0;
    while (taken < this.queue.length && (taken === 0 || size + this.queue[taken]!.size <= this.deps.maxPerCommit)) size += this.queue[taken++]!.size;
    if (taken === 0) return;
    const batch = this.queue.splice(0, taken);
    this.pendingSize -= size;
    if (this.queue.length > 0) this.schedule();
    let committed: Committed | Promise<Committed>;
    try {
      committed = this.deps.commit(this.deps.assembler.ingest(batch.map((p) => p.item)));
    } catch (err) {
      this.failed(batch, err as Error);
      return;
    }
    if (!(committed instanceof Promise)) return this.done(batch, committed);
    this.underWay = committed.then(
      (c) => {
        this.underWay = null;
        // The next batch goes to the writer before this one's statistics are worked out here; its
        // answer, a promise too, comes in a later task, so the batches are still done in order.
        this.commitNext();
        this.done(batch, c);
      },
      (err: Error) => {
        this.underWay = null;
        this.failed(batch, err);
        this.commitNext();
      },
    );
  }

  private done(batch: Pending[], committed: Committed): void {
    this.deps.onCommitted(committed, batch.flatMap((p) => p.item.spans));
    for (const p of batch) p.resolve();
  }

  /** What the assembler learnt from this batch was not stored: undone, so that the retries bring it again. */
  private failed(batch: Pending[], err: Error): void {
    this.deps.assembler.rollback();
    for (const p of batch) p.reject(err);
  }
}
