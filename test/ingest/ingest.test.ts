import { describe, expect, it } from 'vitest';
import type { CallChanges } from '../../src/domain/changes.js';
import { Ingest } from '../../src/ingest/ingest.js';
import { normalize, type Normalized } from '../../src/normalize/index.js';
import { decodeJson } from '../../src/receiver/encoding/json.js';
import { newAssembler, newStore, spanJson } from '../fuzz/kit.js';

/*
 * Group commit with a cap: requests waiting together are committed in slices of whole requests,
 * one slice a turn of the event loop, so that a read asked meanwhile (the TUI's, the API's) runs
 * between two slices instead of after all of them. Each request is answered after its own slice.
 */

/** A request of one GenAI span, its own span id: one fragment, one call. */
function request(n: number): Normalized {
  const body = Buffer.from(JSON.stringify(spanJson([], {}, n.toString(16).padStart(16, '0'))));
  return normalize(decodeJson('traces', body).request);
}

function setUp(maxPerCommit: number) {
  const store = newStore();
  const events: string[] = [];
  const ingest = new Ingest({
    assembler: newAssembler(),
    commit: (changes: CallChanges) => {
      events.push(`commit ${changes.upserted.length}`);
      return store.commit(changes);
    },
    onCommitted: () => {},
    maxPending: 1_000_000,
    maxPerCommit,
  });
  return { store, events, ingest };
}

describe('group commit', () => {
  it('commits whole requests up to the cap, one slice a turn, each request answered after its slice', async () => {
    const requests = [1, 2, 3, 4, 5].map(request);
    const size = requests[0]!.fragments.length + requests[0]!.links.length;
    const { store, events, ingest } = setUp(2 * size);
    const done = requests.map((r, i) => ingest.submit(r).then(() => events.push(`answered ${i + 1}`)));
    // A read asked after the five requests: it runs between the first slice and the second.
    setImmediate(() => events.push('read'));
    await Promise.all(done);
    expect(events).toEqual(['commit 2', 'answered 1', 'answered 2', 'read', 'commit 2', 'answered 3', 'answered 4', 'commit 1', 'answered 5']);
    expect(store.calls({ limit: 10 })).toHaveLength(5);
  });

  it('a request larger than the cap is committed whole, alone', async () => {
    const requests = [1, 2].map(request);
    const { events, ingest } = setUp(1);
    await Promise.all(requests.map((r) => ingest.submit(r)));
    expect(events).toEqual(['commit 1', 'commit 1']);
  });

  it('flush (at shutdown) commits everything waiting at once, still in slices', async () => {
    const requests = [1, 2, 3].map(request);
    const size = requests[0]!.fragments.length + requests[0]!.links.length;
    const { store, events, ingest } = setUp(2 * size);
    const done = requests.map((r) => ingest.submit(r));
    ingest.flush();
    expect(events).toEqual(['commit 2', 'commit 1']);
    expect(store.calls({ limit: 10 })).toHaveLength(3);
    await Promise.all(done);
    expect(ingest.pending).toBe(0);
  });
});
