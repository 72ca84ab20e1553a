import { parentPort, workerData } from 'node:worker_threads';
import { CallStore } from './call-store.js';
import type { CommitRequest, WriterReply, WriterSetup } from './writer.js';

/*
 * The writer thread: its own connection to the file, which takes every commit of ingest, so that
 * the main thread decodes, answers and draws while SQLite writes (and waits in the kernel).
 */
const port = parentPort!;
const setup = workerData as WriterSetup;
let nowMs = 0;
const store = new CallStore({ path: setup.path, maxCalls: setup.maxCalls, retentionMs: setup.retentionMs, now: () => nowMs, checkpointedElsewhere: true });

port.on('message', (m: CommitRequest | 'close') => {
  if (m === 'close') {
    store.close();
    port.close();
    return;
  }
  nowMs = m.nowMs;
  let reply: WriterReply;
  try {
    const done = store.commit(m.changes);
    // Calls of the batch the ring trimmed at once: the main thread still holds the batch, and needs only their ids.
    const kept = new Set(done.upserted.map((c) => c.id));
    const gone = done.upserted.length === m.changes.upserted.length ? [] : m.changes.upserted.filter((c) => !kept.has(c.id)).map((c) => c.id);
    reply = { deleted: done.deleted, replaced: done.replaced, gone, size: store.size };
  } catch (err) {
    reply = { error: (err as Error).message };
  }
  port.postMessage(reply);
});
