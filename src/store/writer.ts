import { Worker } from 'node:worker_threads';
import type { CallChanges, CallRef, Committed } from '../domain/changes.js';
import type { CallStore, StoreOptions } from './call-store.js';

/** Where ingest's commits go: a thread of their own for a file, the store itself in memory. */
export interface StoreWriter {
  commit(changes: CallChanges): Committed | Promise<Committed>;
  /** Stops the thread once its commits are done (call after the last commit is answered). */
  close(): Promise<void>;
}

/** What the writer thread is started with: the main store's file, ring and index. */
export type WriterSetup = Pick<StoreOptions, 'path' | 'maxCalls' | 'retentionMs' | 'searchIndex'>;

export interface CommitRequest {
  changes: CallChanges;
  /** The main thread's clock, which --retention is counted by. */
  nowMs: number;
}

/** What one commit did, less the calls the main thread still holds: only the ids of those trimmed at once. */
export type WriterReply = { deleted: CallRef[]; replaced: CallRef[]; gone: string[]; size: number } | { error: string };

interface InFlight {
  upserted: CallChanges['upserted'];
  resolve: (c: Committed) => void;
  reject: (err: Error) => void;
}

/**
 * The store's writer. A file is written by a thread with its own connection: a commit of 100
 * spans is some milliseconds of SQLite and, now and then, a wait of 100 ms in the kernel's
 * write(), which the main thread no longer spends; its own connection reads, and WAL lets it read
 * while the writer writes. An in-memory store has one connection, so commits stay on it.
 */
export function storeWriter(store: CallStore): StoreWriter {
  const { path, maxCalls, retentionMs, searchIndex, now } = store.options;
  if (path === ':memory:') return { commit: store.commit, close: async () => {} };
  return new WriterThread(store, { path, maxCalls, retentionMs, searchIndex }, now);
}

class WriterThread implements StoreWriter {
  private worker: Worker | null;
  private readonly inFlight: InFlight[] = [];
  private closed: Promise<void> | null = null;

  constructor(
    /** The main thread's store: told the size after each commit, and committing itself if the thread dies. */
    private readonly store: CallStore,
    setup: WriterSetup,
    private readonly now: () => number,
  ) {
    // Under the tests and tsx the code is TypeScript, which the thread loads through tsx as well.
    const source = import.meta.url.endsWith('.ts');
    const worker = new Worker(new URL(source ? './writer-thread.ts' : './writer-thread.js', import.meta.url), {
      workerData: setup,
      // The thread's name in top -H and /proc (Node 24 and later).
      name: 'llmtop-writer',
      ...(source ? { execArgv: ['--import', 'tsx'] } : {}),
    });
    store.leaveCommitsToThread();
    worker.on('message', (reply: WriterReply) => this.answer(reply));
    worker.on('error', (err) => this.lost(worker, err));
    worker.on('exit', () => this.lost(worker, new Error('the store writer thread stopped')));
    // The server is what keeps llmtop running, not this thread (held again while it closes).
    worker.unref();
    this.worker = worker;
  }

  commit(changes: CallChanges): Promise<Committed> {
    return new Promise<Committed>((resolve, reject) => {
      if (!this.worker) return resolve(this.store.commit(changes));
      this.inFlight.push({ upserted: changes.upserted, resolve, reject });
      this.worker!.postMessage({ changes, nowMs: this.now() } satisfies CommitRequest);
    });
  }

  private answer(reply: WriterReply): void {
    const pending = this.inFlight.shift();
    if (!pending) return;
    if ('error' in reply) return pending.reject(new Error(reply.error));
    this.store.noteSize(reply.size);
    const gone = reply.gone.length > 0 ? new Set(reply.gone) : null;
    pending.resolve({
      upserted: gone ? pending.upserted.filter((c) => !gone.has(c.id)) : pending.upserted,
      deleted: reply.deleted,
      replaced: reply.replaced,
    });
  }

  /**
   * The thread ended unasked (it could not open the file, or crashed): what it had in hand is
   * refused, for the clients to send again, and the main connection commits from now on.
   */
  private lost(worker: Worker, err: Error): void {
    if (this.worker !== worker) return;
    this.worker = null;
    this.store.takeCommitsBack();
    for (const p of this.inFlight.splice(0)) p.reject(err);
  }

  close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return Promise.resolve();
    return (this.closed ??= new Promise<void>((resolve) => {
      this.worker = null;
      worker.ref();
      worker.once('exit', () => resolve());
      worker.postMessage('close');
    }));
  }
}
