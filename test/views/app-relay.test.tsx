import { describe, expect, it } from 'vitest';
import { LiveDashboard } from '../../src/app/dashboard-source.js';
import type { RelayStatus } from '../../src/forward/relay.js';
import { lineWith, renderApp } from '../helpers/render-app.js';
import { dashboardCalls, statsWith } from '../helpers/view-calls.js';

/** With --forward, the header says how the relay to the upstream collector is doing. */

const relay = (state: RelayStatus['state'], queued: number, dropped: number): RelayStatus => ({ state, url: 'http://collector:4318', queued, sent: 10, dropped, lastError: null });
const tick = () => new Promise((r) => setTimeout(r, 120));

describe('the relay in the header', () => {
  it.each([
    [relay('ok', 0, 0), 'upstream ok'],
    [relay('retrying', 12, 0), 'upstream retrying 12 queued'],
    [relay('dropping', 10000, 340), 'upstream dropping 10.0k queued, 340 dropped'],
  ])('%j', async (status, text) => {
    const stats = statsWith(dashboardCalls());
    const { frame, unmount } = await renderApp(stats, { columns: 140, rows: 40 }, { source: new LiveDashboard(stats, { relay: () => status }) });
    await tick();
    expect(lineWith(frame(), 'llmtop')).toContain(`→ ${text}`);
    unmount();
  });

  it('says nothing of a relay when there is none', async () => {
    const stats = statsWith(dashboardCalls());
    const { frame, unmount } = await renderApp(stats, { columns: 140, rows: 40 }, { source: new LiveDashboard(stats) });
    await tick();
    expect(frame()).not.toContain('upstream');
    unmount();
  });

  it('shows a change of relay state at the next tick, with no new call', async () => {
    const stats = statsWith(dashboardCalls());
    let status = relay('ok', 0, 0);
    const { frame, unmount } = await renderApp(stats, { columns: 140, rows: 40 }, { source: new LiveDashboard(stats, { relay: () => status }) });
    await tick();
    expect(frame()).toContain('upstream ok');
    status = relay('retrying', 3, 0);
    await tick();
    expect(frame()).toContain('upstream retrying 3 queued');
    unmount();
  });
});
