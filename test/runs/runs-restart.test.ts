import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { LIMITS } from '../../src/app/config.js';
import { startLlmtop, type Running } from '../../src/app/llmtop.js';
import { getJson, testConfig } from '../helpers/llmtop.js';
import { tracerFor } from '../helpers/otel.js';

/*
 * After a restart the runs come back from the calls in the file: the newest runs, with their calls
 * and cost, named after their first call (the store keeps calls, not spans), however many older
 * calls the day holds.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-runs-restart-'));
const db = path.join(dir, 'llmtop.db');
let running: Running | null = null;
afterEach(async () => {
  await running?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A run index small enough that the older runs of the file do not all come back. */
const limits = { ...LIMITS, maxRuns: 4 };

async function start(): Promise<{ running: Running; url: string }> {
  running = await startLlmtop(testConfig({ db }), undefined, limits);
  return { running, url: `http://${running.address}` };
}

it('rebuilds the newest runs from the stored calls', async () => {
  let { url } = await start();
  const t0 = Date.now() - 60_000;
  // 100 runs of one call (more than the start-up rebuild reads for 4 runs), then 2 of three calls
  // each: the newest. In chunks: the SDK's simple processor drops spans past ~30 in flight.
  for (let chunk = 0; chunk < 5; chunk++) {
    const old = tracerFor(url, 'proto', { 'service.name': 'agent-svc' });
    for (let i = chunk * 20; i < chunk * 20 + 20; i++) {
      const s = old.start('chat', { 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.cost': 0.001 }, t0 + i * 10);
      old.end(s, t0 + i * 10 + 5);
    }
    await old.shutdown();
  }
  const t = tracerFor(url, 'proto', { 'service.name': 'agent-svc' });
  for (let r = 0; r < 2; r++) {
    const root = t.start('invoke_agent planner', { 'gen_ai.operation.name': 'invoke_agent' }, t0 + 10_000 + r * 5000);
    for (let c = 0; c < 3; c++) {
      const s = t.start('chat', { 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4.1', 'gen_ai.usage.cost': 0.01 }, t0 + 10_000 + r * 5000 + c * 100, root);
      t.end(s, t0 + 10_000 + r * 5000 + c * 100 + 50);
    }
    t.end(root, t0 + 10_000 + r * 5000 + 1000);
  }
  await t.shutdown();
  expect((await getJson(`${url}/healthz`)).calls).toBe(106);
  await running!.close();
  running = null;

  ({ url } = await start());
  const { runs } = await getJson(`${url}/api/v1/runs?window=1h&limit=50&sort=time`);
  expect(runs).toHaveLength(4);
  const big = runs.filter((r: { calls: number }) => r.calls === 3);
  expect(big).toHaveLength(2);
  for (const r of big) {
    expect(r.costUsd).toBeCloseTo(0.03, 10);
    expect(r.name).toBe('agent-svc · chat gpt-4.1');
  }
});
