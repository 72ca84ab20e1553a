import type { LlmCall } from './call.js';

/**
 * A stored call by its key: the store keeps each call under its start time and id, so that new
 * calls go to the end of its index (ids are random; times mostly rise).
 */
export interface CallRef {
  id: string;
  timeMs: number;
}

/** What one commit is asked to do to the calls. */
export interface CallChanges {
  upserted: LlmCall[];
  deleted: CallRef[];
}

/**
 * What one commit did: the calls it stored, the stored calls it deleted (those asked for that were
 * there, and those the ring trimmed), and the stored calls an upsert replaced, each where its row
 * had been, so that the live statistics find the row to remove without an index of their own.
 */
export interface Committed extends CallChanges {
  replaced: CallRef[];
}
