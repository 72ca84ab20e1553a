import type { SpanSkeleton } from '../domain/run.js';
import type { Assembler } from '../normalize/assemble.js';
import type { Normalized } from '../normalize/index.js';
import type { CallChanges, Committed } from '../domain/changes.js';

/** The write queue is full: the client should retry later (429/503 with Retry-After). */
export class BusyError extends Error {}

export interface IngestDeps {
  assembler: Assembler;
  /** Commits a batch in one transaction and says what it did. */
  commit: (changes: CallChanges) => Committed;
  /** Told of every committed batch (the live statistics), with the skeletons of the spans it carried (the runs). */
  onCommitted: (changes: Committed, spans: readonly SpanSkeleton[]) => void;
  /** Fragments and points waiting for a commit before new requests are refused. */
  maxPending: number;
  /**
   * Fragments and points a commit takes at most (whole requests; one at least): the rest waits for
   * the next turn of the event loop, so that a read (the TUI's, the API's) never waits behind more
   * than one such commit.
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
 * Group commit: requests that arrive while a commit is being prepared share one transaction.
 * A request's promise settles only after its data is committed, so 200 means stored.
 */
export class Ingest {
  private queue: Pending[] = [];
  private pendingSize = 0;
  private scheduled = false;

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

  /** Commits everything queued now, in commits of at most maxPerCommit (at shutdown). */
  flush(): void {
    while (this.queue.length > 0) this.commitNext();
  }

  /** Commits the oldest requests queued, up to maxPerCommit, and leaves the rest for the next turn. */
  private commitNext(): void {
    this.scheduled = false;
    let taken = 0;
    let size = 0;
    while (taken < this.queue.length && (taken === 0 || size + this.queue[taken]!.size <= this.deps.maxPerCommit)) size += this.queue[taken++]!.size;
    if (taken === 0) return;
    const batch = this.queue.splice(0, taken);
    this.pendingSize -= size;
    if (this.queue.length > 0) this.schedule();
    let committed: Committed;
    try {
      const changes = this.deps.assembler.ingest(batch.map((p) => p.item));
      committed = this.deps.commit(changes);
    } catch (err) {
      // What the assembler learnt from this batch was not stored: undo it, so the retries bring it again.
      this.deps.assembler.rollback();
      for (const p of batch) p.reject(err as Error);
      return;
    }
    this.deps.onCommitted(committed, batch.flatMap((p) => p.item.spans));
    for (const p of batch) p.resolve();
  }
}
