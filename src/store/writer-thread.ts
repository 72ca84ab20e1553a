import { parentPort, workerData } from 'node:worker_threads';
import type { LlmCall } from '../domain/call.js';
import { CallStore } from './call-store.js';
import { CHECKPOINT_EVERY_MS } from './checkpointer.js';
import type { CommitRequest, WriterReply, WriterSetup } from './writer.js';

/*
 * The writer thread: its own connection to the file, which takes every commit of ingest, so that
 * the main thread decodes, answers and draws while SQLite writes (and waits in the kernel).
 */
const port = parentPort!;
const setup = workerData as WriterSetup;
let nowMs = 0;
const store = new CallStore({ ...setup, now: () => nowMs, checkpointedElsewhere: true });
// The log is copied into the database here, between commits, rather than by the checkpoint worker.
const checkpoints = setInterval(() => store.checkpoint(), CHECKPOINT_EVERY_MS);

port.on('message', (m: CommitRequest | 'close') => {
  if (m === 'close') {
    clearInterval(checkpoints);
    store.close();
    port.close();
    return;
  }
  nowMs = m.nowMs;
  let reply: WriterReply;
  try {
    const done = store.commit(m.changes);
    reply = { deleted: done.deleted, replaced: done.replaced, gone: trimmedAtOnce(m.changes.upserted, done.upserted), size: store.size };
  } catch (err) {
    reply = { error: (err as Error).message };
  }
  port.postMessage(reply);
});

/** Calls of the batch the ring trimmed at once: the main thread still holds the batch, and needs only their ids. */
function trimmedAtOnce(sent: readonly LlmCall[], kept: readonly LlmCall[]): string[] {
  if (kept.length === sent.length) return [];
  const ids = new Set(kept.map((c) => c.id));
  return sent.filter((c) => !ids.has(c.id)).map((c) => c.id);
}
