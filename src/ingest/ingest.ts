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
  /**
   * Commits that may be under way at once when they answer with a promise: with two, the writer
   * thread has the next batch in hand as it finishes one, instead of waiting for the event loop to
   * take the answer and send another.
   */
  commitsInFlight: number;
}

interface Pending {
  item: Normalized;
  size: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** A batch sent to a commit that answers with a promise. */
interface InFlight {
  batch: Pending[];
  /** Settles (never rejects) once the batch is answered or refused. */
  settled: Promise<void>;
}

/**
 * Group commit: requests that arrive while a commit is being prepared (or is under way in the
 * writer thread) share one transaction. A request's promise settles only after its data is
 * committed, so 200 means stored. Commits that answer with a promise may be under way
 * `commitsInFlight` at a time, answered in the order they were sent; one that fails refuses its
 * own requests and those of every batch sent after it, and the assembler undoes what it learnt
 * from all of them, so that the retries are merged again.
 */
export class Ingest {
  private queue: Pending[] = [];
  private pendingSize = 0;
  private scheduled = false;
  /** Oldest first. */
  private readonly inFlight: InFlight[] = [];

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
    while (this.inFlight.length > 0 || this.queue.length > 0) {
      if (this.inFlight.length > 0) await this.inFlight.at(-1)!.settled;
      else this.commitNext();
    }
  }

  /** Commits the oldest requests queued, up to maxPerCommit, and leaves the rest for the next turn. */
  private commitNext(): void {
    this.scheduled = false;
    // A commit under way takes the next batch when it ends.
    if (this.inFlight.length >= Math.max(1, this.deps.commitsInFlight)) return;
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
      this.deps.assembler.rollback(1);
      this.refuse(batch, err as Error);
      return;
    }
    if (!(committed instanceof Promise)) {
      this.deps.assembler.confirm();
      return this.done(batch, committed);
    }
    const sent: InFlight = { batch, settled: committed.then((c) => this.answered(sent, c), (err: Error) => this.failed(sent, err)) };
    this.inFlight.push(sent);
  }

  private answered(sent: InFlight, committed: Committed): void {
    // Refused already, with a batch before it that failed.
    if (this.inFlight[0] !== sent) return;
    this.inFlight.shift();
    this.deps.assembler.confirm();
    // The next batch goes to the writer before this one's statistics are worked out here; its
    // answer, a promise too, comes in a later task, so the batches are still done in order.
    this.commitNext();
    this.done(sent.batch, committed);
  }

  /**
   * The batch was not stored, so neither are those sent after it, which the assembler put
   * together on what it learnt from this one (the writer thread refuses them): all are undone and
   * refused, for the clients to send again.
   */
  private failed(sent: InFlight, err: Error): void {
    const at = this.inFlight.indexOf(sent);
    if (at < 0) return;
    const gone = this.inFlight.splice(at);
    this.deps.assembler.rollback(gone.length);
    for (const g of gone) this.refuse(g.batch, err);
    this.commitNext();
  }

  private done(batch: Pending[], committed: Committed): void {
    this.deps.onCommitted(committed, batch.flatMap((p) => p.item.spans));
    for (const p of batch) p.resolve();
  }

  private refuse(batch: Pending[], err: Error): void {
    for (const p of batch) p.reject(err);
  }
}
