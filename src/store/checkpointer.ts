import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the worker (or a store's writer thread) copies what a write-ahead log holds into its database. */
export const CHECKPOINT_EVERY_MS = 250;
/**
 * Frames (pages) of log after which the worker starts the log over (RESTART) once a PASSIVE copy
 * has caught up: under commits that never pause, the log would otherwise only grow. The RESTART
 * takes the write lock without waiting, so it is tried again next time if a commit holds it, and
 * has only the frames since the copy to write.
 */
export const RESTART_FRAMES = 16_384;
/** How long closing a store waits for the worker to let go of the file. */
const RELEASE_WAIT_MS = 5_000;
/**
 * How long the worker stays with no store to checkpoint before it stops: its isolate and
 * connection are some 10 MiB, and a store whose writer thread checkpoints leaves it idle.
 */
const IDLE_STOP_MS = 1_000;

/*
 * The worker's code, CommonJS so that it runs the same from dist/ and under the tests. It opens
 * its own connection to each database; SQLite's WAL lets it copy pages while the main connection
 * keeps committing.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const dbs = new Map();
parentPort.on('message', (m) => {
  if (m.add !== undefined) {
    try {
      const db = new Database(m.file, { fileMustExist: true, timeout: 0 });
      dbs.set(m.add, db);
    } catch {
      parentPort.postMessage({ failed: m.add });
    }
  } else if (m.remove !== undefined) {
    dbs.get(m.remove)?.close();
    dbs.delete(m.remove);
    Atomics.store(m.done, 0, 1);
    Atomics.notify(m.done, 0);
  }
});
setInterval(() => {
  for (const db of dbs.values()) {
    try {
      const [r] = db.pragma('wal_checkpoint(PASSIVE)');
      // All copied and the log grown long: start it over, if no commit is under way (no waiting).
      if (r && r.log > workerData.restartFrames && r.checkpointed === r.log) db.pragma('wal_checkpoint(RESTART)');
    } catch {
      // Busy or closed under us: the next round tries again.
    }
  }
}, workerData.everyMs);
`;

type Fallback = () => void;

/**
 * Checkpoints the write-ahead logs of the stores open for writing, in a worker thread: a
 * checkpoint copies some thousand pages, which SQLite would otherwise do inside a commit every
 * thousand pages, holding the event loop for tens of milliseconds (every seventh commit of 100
 * spans) and some 40 µs of the main thread's CPU a span. One worker serves every store of the process.
 */
export class Checkpointer {
  private worker: Worker | null = null;
  private next = 0;
  private readonly fallbacks = new Map<number, Fallback>();
  private idle: NodeJS.Timeout | null = null;

  constructor(private readonly restartFrames = RESTART_FRAMES) {}

  /**
   * Starts checkpointing `file`; `fallback` switches the connection's own checkpoints back on if
   * the worker cannot. Returns the function that stops it, once the worker has closed its connection.
   */
  add(file: string, fallback: Fallback): () => void {
    const id = this.next++;
    this.fallbacks.set(id, fallback);
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    this.start().postMessage({ add: id, file });
    return () => {
      if (!this.fallbacks.delete(id) || !this.worker) return;
      // Waits for the worker to close its connection, so that the store's own close is the last
      // one: SQLite then copies the whole log in and deletes it, and the file alone has every call.
      const done = new Int32Array(new SharedArrayBuffer(4));
      this.worker.postMessage({ remove: id, done });
      Atomics.wait(done, 0, 0, RELEASE_WAIT_MS);
      if (this.fallbacks.size === 0) (this.idle ??= setTimeout(() => this.stop(), IDLE_STOP_MS)).unref();
    };
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER, { eval: true, name: 'llmtop-wal', workerData: { sqlite, everyMs: CHECKPOINT_EVERY_MS, restartFrames: this.restartFrames } });
    worker.on('message', (m: { failed: number }) => this.fail(m.failed));
    worker.on('error', () => this.failAll(worker));
    worker.on('exit', () => this.failAll(worker));
    // Never what keeps the process running. After the listeners: adding a 'message' listener refs
    // the worker again.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  /** No store has been left to checkpoint for a while. */
  private stop(): void {
    this.idle = null;
    const worker = this.worker;
    if (!worker || this.fallbacks.size > 0) return;
    this.worker = null;
    void worker.terminate();
  }

  private fail(id: number): void {
    const fallback = this.fallbacks.get(id);
    this.fallbacks.delete(id);
    fallback?.();
  }

  /** The worker ended while stores still counted on it: each checkpoints by itself again. */
  private failAll(worker: Worker): void {
    if (this.worker !== worker) return;
    this.worker = null;
    for (const id of [...this.fallbacks.keys()]) this.fail(id);
  }
}

export const walCheckpointer = new Checkpointer();
