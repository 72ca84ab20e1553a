import type { LlmCall } from '../domain/call.js';

/** What one commit is asked to do to the calls. */
export interface CallChanges {
  upserted: LlmCall[];
  deleted: string[];
}

/** A stored call as it was before a commit deleted or replaced it. */
export interface RemovedCall {
  id: string;
  timeMs: number;
}

/**
 * What one commit did: the calls it stored, the ids it deleted (those asked for, and those the
 * ring trimmed), and where each call it deleted or replaced had been, so that the live
 * statistics find the row to remove without an index of every id of their own.
 */
export interface Committed extends CallChanges {
  removed: RemovedCall[];
}
