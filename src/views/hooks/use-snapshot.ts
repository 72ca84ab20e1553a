import { useEffect, useRef, useState } from 'react';
import { type DataQuery, idleRefreshMs, queryKey, readSnapshot, sameContent, type Snapshot } from '../data.js';
import type { DashboardSource } from '../source.js';

/**
 * The redraw ticker. Calls can arrive thousands a second; the view re-reads the source at most
 * `fps` times a second, and only when the source's version changed or, idle, when time has moved
 * the window on by a chart bucket; then only what time changes is read again (readSnapshot). A
 * read that shows nothing new renders nothing: one state update per tick at most, never one per
 * call, none at all when idle. Paused, the ticker stops and the data stays frozen; a new query
 * (window, group, filter, size) is still read at once, because the user asked for it.
 */
/** Time between reads, as a multiple of how long the last read took: under load, and idle. */
const READ_BUDGET = 9;
const IDLE_READ_BUDGET = 100;

export function useSnapshot(source: DashboardSource, query: DataQuery, paused: boolean, fps: number): Snapshot {
  const key = queryKey(query);
  const [shown, setShown] = useState(() => ({ key, snap: readSnapshot(source, query) }));
  let current = shown;
  if (shown.key !== key) {
    // React's pattern for state that follows a prop: re-read during render, no stale frame.
    current = { key, snap: readSnapshot(source, query) };
    setShown(current);
  }
  // What the interval reads, refreshed on every render: a tick that fires between the render
  // that paused and the effect cleanup that stops the interval still sees the pause. `read` is
  // the last read, shown or not: what an idle re-read keeps parts of.
  const latest = useRef({ current, query, paused, read: current, readAfter: 0, readMs: 0 });
  if (latest.current.current.snap !== current.snap) latest.current.read = current;
  latest.current.current = current;
  latest.current.query = query;
  latest.current.paused = paused;

  useEffect(() => {
    if (paused) return;
    const timer = setInterval(
      () => {
        const l = latest.current;
        if (l.paused || performance.now() < l.readAfter) return;
        const key = queryKey(l.query);
        const prev = l.read.key === key ? l.read.snap : undefined;
        const idle = prev !== undefined && source.version === prev.version;
        const idleWait = Math.max(idleRefreshMs(l.query.windowMs, l.query.points), l.readMs * IDLE_READ_BUDGET);
        if (idle && source.now - prev.readAt < idleWait) return;
        const started = performance.now();
        const snap = readSnapshot(source, l.query, prev);
        // A window of 100,000s of calls takes tens of ms to aggregate: slow the ticker so that
        // reading stays near 11% of a core under load and 1% when idle, whatever the fps.
        l.readMs = performance.now() - started;
        l.readAfter = started + l.readMs * READ_BUDGET;
        l.read = { key, snap };
        if (sameContent(snap, l.current.snap)) return;
        setShown(l.read);
      },
      Math.max(1, Math.round(1000 / fps)),
    );
    return () => clearInterval(timer);
  }, [source, paused, fps]);

  return current.snap;
}
