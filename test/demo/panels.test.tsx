import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreTrends } from '../../src/app/trends.js';
import { demoRequests } from '../../src/demo/traffic.js';
import { renderApp } from '../helpers/render-app.js';
import { startTestLlmtop } from '../helpers/llmtop.js';

/** --demo fills every panel: its traffic, through the real receiver, drawn by the real App. */

let app: Awaited<ReturnType<typeof startTestLlmtop>>;
beforeAll(async () => {
  app = await startTestLlmtop();
  let seed = 11;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  // Two minutes of demo traffic, a batch every few seconds, as --demo sends it.
  const now = Date.now();
  for (let t = now - 120_000; t <= now; t += 3000) {
    for (const r of demoRequests(rand, t, 6)) {
      const res = await fetch(`${app.url}${r.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(r.body) });
      expect(res.status).toBe(200);
    }
  }
});
afterAll(() => app.close());

const tick = (ms = 150) => new Promise((r) => setTimeout(r, ms));

describe('--demo traffic on screen', () => {
  it('fills the header, the sparklines, the table and the log', async () => {
    const r = await renderApp(app.stats, { columns: 140, rows: 45 }, { source: app.stats });
    await tick();
    const frame = r.frame();
    expect(frame).toMatch(/\d+ req .* req\/s .* err .*tokens in .* cost ~\$\d/);
    expect(frame).toContain('req/s avg');
    expect(frame).toContain('tokens/s avg');
    expect(frame.match(/┼/g)!.length).toBeGreaterThanOrEqual(6); // three charts, two axes ticks each at least
    const tableRows = frame.split('\n').filter((l) => /^\s*[▸ ] (openai|anthropic|google|mistral)\//.test(l));
    expect(tableRows.length).toBeGreaterThanOrEqual(5);
    expect(frame.split('\n').filter((l) => l.includes(' → ')).length).toBeGreaterThanOrEqual(10);
    expect(frame).toMatch(/\b(ERR|✗)/);
    r.unmount();
  });

  it('fills the distribution (d) and the trends (t) views', async () => {
    const trends = new StoreTrends({ query: (spec) => app.store.query(spec) });
    const r = await renderApp(app.stats, { columns: 140, rows: 45 }, { source: app.stats, trends });
    await tick();
    await r.press('d');
    expect(r.frame()).toMatch(/P50 .* P95 .* P99/);
    await r.press('\u001B');
    await r.press('t');
    await tick();
    expect(r.frame()).toMatch(/per hour/);
    expect(r.frame()).toContain('$');
    r.unmount();
  });
});
