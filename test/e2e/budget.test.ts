import { describe, expect, it } from 'vitest';
import { getJson, startTestLlmtop } from '../helpers/llmtop.js';
import { tracerFor } from '../helpers/otel.js';
import { llmtopInTmux } from '../helpers/llmtop-tmux.js';

/*
 * Burn rate and --budget from the outside: /healthz of a real llmtop fed by the OTel JS SDK, and
 * the built bin/llmtop.js in a real terminal (tmux) ringing the bell when the budget is spent.
 */

/** `n` calls of `usd` each, starting at `startMs`, 10 ms apart, through the SDK's protobuf exporter. */
async function spend(url: string, n: number, usd: number, startMs: number) {
  const t = tracerFor(url, 'proto', { 'service.name': 'eval-runner' });
  for (let i = 0; i < n; i++) {
    const span = t.start(
      'chat',
      { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 50, 'gen_ai.usage.cost': usd },
      startMs + i * 10,
    );
    t.end(span, startMs + i * 10 + 5);
  }
  await t.shutdown();
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await read();
  }
  return last;
}

describe('/healthz', () => {
  it('answers the burn rate over the window, its projections, and the budget with its last crossing', async () => {
    // 14:15 UTC: 45 minutes left in the hour, 585 in the day.
    const NOW = Date.UTC(2025, 2, 10, 14, 15);
    const app = await startTestLlmtop({ budget: { limitUsd: 1, period: 'day' } }, () => NOW);
    try {
      const before = await getJson(`${app.url}/healthz`);
      expect(before.burn).toEqual({ windowSeconds: 300, perMinuteUsd: 0, perHourUsd: 0, hourProjectionUsd: 0, dayProjectionUsd: 0 });
      expect(before.budget).toEqual({ limitUsd: 1, period: 'day', periodStart: '2025-03-10T00:00:00.000Z', spentUsd: 0, share: 0, lastCrossing: null });

      await spend(app.url, 3, 0.25, NOW - 60_000);
      const h = await until(() => getJson(`${app.url}/healthz`), (x) => x.budget.spentUsd >= 0.75, 'three calls');
      // $0.75 in 5 minutes: $0.15/min, then $0.75 + 45 and + 585 minutes of it.
      expect(h.burn.perMinuteUsd).toBeCloseTo(0.15, 9);
      expect(h.burn.perHourUsd).toBeCloseTo(9, 9);
      expect(h.burn.hourProjectionUsd).toBeCloseTo(0.75 + 0.15 * 45, 9);
      expect(h.burn.dayProjectionUsd).toBeCloseTo(0.75 + 0.15 * 585, 9);
      expect(h.budget.share).toBeCloseTo(0.75, 9);

      await spend(app.url, 1, 0.25, NOW - 30_000);
      // The monitor checks every second.
      const over = await until(() => getJson(`${app.url}/healthz`), (x) => x.budget.lastCrossing !== null, 'the 100% crossing');
      expect(over.budget.lastCrossing).toEqual({ level: 100, time: new Date(NOW).toISOString() });
      expect(over.budget.share).toBeCloseTo(1, 9);
    } finally {
      await app.close();
    }
  });

  it('answers budget null without --budget', async () => {
    const app = await startTestLlmtop();
    try {
      expect((await getJson(`${app.url}/healthz`)).budget).toBeNull();
    } finally {
      await app.close();
    }
  });
});

describe('in a real terminal', () => {
  const start = llmtopInTmux('budget');

  it('spending the whole --budget rings the bell and shows the notice at 80x24', async () => {
    const { s, port, screen: empty } = await start({ cols: 80, rows: 24, args: '--budget 0.5/session' });
    expect(empty).toContain('0% of $0.50/session');
    expect(s.rang()).toBe(false);

    // Both calls start after llmtop did: a session budget counts from there.
    await spend(`http://127.0.0.1:${port}`, 2, 0.25, Date.now());
    const screen = await s.waitFor((x) => x.includes('⚠ 100% reached'), 'the 100% notice');
    expect(screen).toContain('100% of $0.50/session');
    await s.waitFor(() => s.rang(), 'the bell');
    for (const line of screen.replace(/\n$/, '').split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    s.keys('q');
    await s.waitFor(() => s.dead(), 'llmtop to exit', 5000);
  });
});
