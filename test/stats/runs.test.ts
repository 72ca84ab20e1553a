import { describe, expect, it } from 'vitest';
import type { SpanSkeleton } from '../../src/domain/run.js';
import { busyMs, RunIndex } from '../../src/stats/runs.js';
import { makeCall, NOW } from '../helpers/view-calls.js';

/** The RunIndex on a fake clock: windows, caps and forgetting. (Assembly from real spans: test/runs.) */

const span = (traceId: string, spanId: string, parentSpanId: string, name: string, startMs: number, endMs: number): SpanSkeleton => ({
  traceId,
  spanId,
  parentSpanId,
  name,
  service: 'svc',
  startMs,
  endMs,
});

const index = (over: Partial<ConstructorParameters<typeof RunIndex>[0]> = {}, now = () => NOW) =>
  new RunIndex({ maxRuns: 100, maxSpansPerRun: 100, horizonMs: 3600_000, now, ...over });

describe('busyMs: time with a call in flight', () => {
  it.each([
    { calls: [], busy: 0 },
    { calls: [[0, 100]], busy: 100 },
    { calls: [[0, 100], [50, 100]], busy: 150 },
    { calls: [[0, 100], [200, 50]], busy: 150 },
    { calls: [[0, 300], [50, 10], [100, 10]], busy: 300 },
  ])('$calls → $busy ms', ({ calls, busy }) => {
    expect(busyMs(calls.map(([timeMs, durationMs]) => ({ timeMs: timeMs!, durationMs: durationMs! })))).toBe(busy);
  });
});

describe('RunIndex', () => {
  it('lists only runs with calls, within the window of the clock', () => {
    const runs = index();
    runs.apply({ upserted: [makeCall({ traceId: 'old', timeMs: NOW - 600_000 }), makeCall({ traceId: 'new', timeMs: NOW - 10_000 })], deleted: [] }, [
      span('spans-only', 'a', '', 'GET /health', NOW - 1000, NOW),
    ]);
    expect(runs.runs({ windowMs: 300_000, limit: 10, sort: 'time' }).map((r) => r.traceId)).toEqual(['new']);
    expect(runs.runs({ windowMs: 900_000, limit: 10, sort: 'time' }).map((r) => r.traceId)).toEqual(['new', 'old']);
  });

  it('keeps the maxRuns most recently touched runs through thousands of evictions, touches and forgetting in between', () => {
    let now = NOW;
    const runs = index({ maxRuns: 5, horizonMs: 60_000 }, () => now);
    // The model: traces by last touch, oldest first.
    let kept: string[] = [];
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647);
    for (let step = 0; step < 3000; step++) {
      const r = next() % 100;
      if (r < 3) {
        // Everything idle past the horizon goes; the index is empty, and fills again.
        now += 120_000;
        runs.apply({ upserted: [], deleted: [] }, []);
        kept = [];
        continue;
      }
      // Old traces come back now and then (a touch moves them to the back), new ones mostly.
      const trace = r < 30 && kept.length > 0 ? kept[next() % kept.length]! : `t${step}`;
      runs.apply({ upserted: [makeCall({ id: `c${step}`, traceId: trace, timeMs: now })], deleted: [] }, []);
      kept = [...kept.filter((t) => t !== trace), trace].slice(-5);
      const listed = runs.runs({ windowMs: 3600_000, limit: 100, sort: 'time' }).map((x) => x.traceId);
      expect(listed.sort()).toEqual([...kept].sort());
    }
  });

  it('forgets the least recently touched run past maxRuns, and runs idle past the horizon', () => {
    let now = NOW;
    const runs = index({ maxRuns: 2 }, () => now);
    for (const t of ['a', 'b', 'c']) runs.apply({ upserted: [makeCall({ traceId: t })], deleted: [] }, []);
    expect(runs.run('a')).toBeUndefined();
    expect(runs.run('c')?.calls).toBe(1);
    now += 2 * 3600_000;
    runs.apply({ upserted: [], deleted: [] }, []);
    expect(runs.run('b')).toBeUndefined();
    expect(runs.run('c')).toBeUndefined();
  });

  it('caps spans per run but still takes the root that names it', () => {
    const runs = index({ maxSpansPerRun: 2 });
    runs.apply({ upserted: [], deleted: [] }, [1, 2, 3].map((i) => span('t', `s${i}`, 'root', `tool ${i}`, NOW - 1000, NOW)));
    runs.apply({ upserted: [], deleted: [] }, [span('t', 'root', '', 'invoke_agent', NOW - 2000, NOW)]);
    const run = runs.run('t')!;
    expect(run.name).toBe('invoke_agent');
    expect(run.tree).toHaveLength(1);
    expect(run.tree[0]!.children.map((c) => c.span.name)).toEqual(['tool 1', 'tool 2']);
  });

  it('drops a call the store deleted (a wrapper found to be a layer, or trimmed by the ring)', () => {
    const runs = index();
    const call = makeCall({ traceId: 't', costUsd: 1 });
    runs.apply({ upserted: [call, makeCall({ traceId: 't', costUsd: 2 })], deleted: [] }, []);
    expect(runs.callTime(call.id)).toBe(call.timeMs);
    runs.apply({ upserted: [], deleted: [{ id: call.id, timeMs: call.timeMs }] }, []);
    expect(runs.callTime(call.id)).toBeUndefined();
    expect(runs.run('t')).toMatchObject({ calls: 1, costUsd: 2 });
    const before = runs.version;
    runs.apply({ upserted: [], deleted: [{ id: 'unknown', timeMs: NOW }] }, []);
    expect(runs.version).toBe(before);
  });

  it('leaves calls without a trace (agent CLI events, metrics) out of runs', () => {
    const runs = index();
    runs.apply({ upserted: [makeCall({ traceId: '' })], deleted: [] }, []);
    expect(runs.runs({ windowMs: 300_000, limit: 10, sort: 'time' })).toEqual([]);
  });
});
