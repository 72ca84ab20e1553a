import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CallChanges } from '../../src/domain/changes.js';
import { Ingest } from '../../src/ingest/ingest.js';
import { normalize, type Normalized } from '../../src/normalize/index.js';
import { decodeJson } from '../../src/receiver/encoding/json.js';
import { CallStore } from '../../src/store/call-store.js';
import { storeWriter } from '../../src/store/writer.js';
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

describe('group commit with the store writer thread', () => {
  function setUpThread(maxPerCommit: number, fail: (n: number) => boolean = () => false) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-ingest-'));
    const file = path.join(dir, 'llmtop.db');
    const ring = { maxCalls: 1000, retentionMs: 365 * 24 * 3600_000 };
    const store = new CallStore({ path: file, ...ring, now: Date.now });
    const writer = storeWriter(store);
    const events: string[] = [];
    let commits = 0;
    const ingest = new Ingest({
      assembler: newAssembler(),
      commit: (changes: CallChanges) => {
        events.push(`commit ${changes.upserted.length}`);
        return fail(commits++) ? Promise.reject(new Error('disk I/O error')) : writer.commit(changes);
      },
      onCommitted: (c) => events.push(`stored ${c.upserted.length}`),
      maxPending: 1_000_000,
      maxPerCommit,
    });
    const close = async () => {
      await writer.close();
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    };
    return { store, events, ingest, close };
  }

  it('sends the next batch when the commit under way is answered, and answers each request after its own', async () => {
    const requests = [1, 2, 3, 4, 5].map(request);
    const size = requests[0]!.fragments.length + requests[0]!.links.length;
    const { store, events, ingest, close } = setUpThread(2 * size);
    try {
      await Promise.all(requests.map((r, i) => ingest.submit(r).then(() => events.push(`answered ${i + 1}`))));
      expect(events).toEqual([
        'commit 2', 'commit 2', 'stored 2', 'answered 1', 'answered 2',
        'commit 1', 'stored 2', 'answered 3', 'answered 4',
        'stored 1', 'answered 5',
      ]);
      // Answered means stored: the main connection reads every call.
      expect(store.calls({ limit: 10 })).toHaveLength(5);
      expect(store.size).toBe(5);
    } finally {
      await close();
    }
  });

  it('a failed commit refuses its own requests only; sent again, they are stored', async () => {
    const requests = [1, 2, 3].map(request);
    const size = requests[0]!.fragments.length + requests[0]!.links.length;
    const { store, events, ingest, close } = setUpThread(size, (n) => n === 1);
    try {
      const settled = await Promise.allSettled(requests.map((r) => ingest.submit(r)));
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(events).toEqual(['commit 1', 'commit 1', 'stored 1', 'commit 1', 'stored 1']);
      expect(store.size).toBe(2);
      await ingest.submit(requests[1]!);
      expect(store.calls({ limit: 10 })).toHaveLength(3);
      expect(events.at(-1)).toBe('stored 1');
    } finally {
      await close();
    }
  });

  it('flush (at shutdown) waits for the commit under way, then commits the rest', async () => {
    const requests = [1, 2, 3].map(request);
    const size = requests[0]!.fragments.length + requests[0]!.links.length;
    const { store, ingest, close } = setUpThread(size);
    try {
      const done = requests.map((r) => ingest.submit(r));
      await ingest.flush();
      expect(ingest.pending).toBe(0);
      expect(store.calls({ limit: 10 })).toHaveLength(3);
      await Promise.all(done);
    } finally {
      await close();
    }
  });
});
