import { describe, expect, it } from 'vitest';
import { normalize } from '../../src/normalize/index.js';
import type { Signal } from '../../src/otlp/request.js';
import { KNOWN_BUGS, SIGNALS, iterations, newAssembler, newStore, randomDecoded, seeded, storedCalls } from './kit.js';

/*
 * The normalizer and the assembler alone, fed random requests of the shape the decoders return:
 * GenAI attribute names with random values (messages as structures and as JSON text, parts of
 * every type, numbers as strings), log events of every name the normalizer knows, metric points
 * of every GenAI metric. Spans, events and metrics share a few trace and span ids, so wrappers,
 * late layers, prompts joined by id and cumulative series all meet. Nothing may throw, in
 * normalize, in Assembler.ingest, or in the store's commit; rollback after a failed commit is
 * not needed, so none is done.
 */

describe('random decoded requests through normalize → Assembler → store', () => {
  it.each(SIGNALS)('%s: 1,500 requests, one assembler and store for all', (signal: Signal) => {
    const r = seeded(0x0a11 + SIGNALS.indexOf(signal));
    const assembler = newAssembler();
    const store = newStore();
    const failures: string[] = [];
    let calls = 0;
    for (let i = 0; i < iterations(1500) && failures.length < 10; i++) {
      // Mostly the signal under test, sometimes another one in the same assembler (spans then their events).
      const req = randomDecoded(r, r.bool(0.8) ? signal : r.pick(SIGNALS));
      let stage = 'normalize';
      try {
        const n = normalize(req);
        stage = 'ingest';
        const changes = assembler.ingest([n]);
        stage = 'commit';
        store.commit(changes);
        calls += changes.upserted.length;
      } catch (err) {
        const known = KNOWN_BUGS.find((b) => b.stage === stage && b.match(err));
        if (known) continue;
        const e = err as Error;
        failures.push(`#${i} ${stage}: ${e.constructor.name} ${e.message}\n${String(e.stack).split('\n').slice(1, 4).join('\n')}\n${JSON.stringify(req, (_k, v) => (typeof v === 'bigint' ? String(v) : v)).slice(0, 1500)}`);
      }
    }
    console.info(`normalizer ${signal}: ${iterations(1500)} requests, ${calls} calls upserted`);
    expect(failures, failures.join('\n\n')).toEqual([]);
    expect(calls).toBeGreaterThan(100);
    // Every stored call reads back with the fields the API shows.
    for (const c of storedCalls(store)) {
      expect(typeof c.model).toBe('string');
      expect(Number.isFinite(c.timeMs)).toBe(true);
    }
    store.close();
  });
});
