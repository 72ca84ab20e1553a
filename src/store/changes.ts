import type { LlmCall } from '../domain/call.js';

/** What one commit did to the calls: the store applies it, then the live statistics. */
export interface CallChanges {
  upserted: LlmCall[];
  deleted: string[];
}
