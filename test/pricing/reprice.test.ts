import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreTrends } from '../../src/app/trends.js';
import { getJson, startTestLlmtop } from '../helpers/llmtop.js';
import { tracerFor } from '../helpers/otel.js';

/*
 * Prices change after the fact: estimated costs follow the price source. Yesterday's calls of a
 * model nobody had a price for are unpriced; restarted with a --pricing file that prices it, the
 * same stored calls are worth what the file says, in the calls and in yesterday's trends; started
 * again without the file, they are unpriced again. Reported costs never change.
 */

const DAY = 24 * 3600_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-reprice-'));
const db = path.join(dir, 'llmtop.db');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const utcDay = (ms: number) => Math.floor(ms / DAY) * DAY;
const NOW = Date.now();
const YESTERDAY = utcDay(NOW) - DAY + 10 * 3600_000;

/** Yesterday's acme-llm-9 calls in the daily trends, by model. */
async function yesterday(pricingFile: string | null) {
  const app = await startTestLlmtop({ db, pricingFile });
  try {
    const trends = new StoreTrends({ query: (spec) => app.store.query(spec), now: () => NOW, startOfDay: utcDay });
    const rows = trends.daily(['model']).rows.filter((r) => r.startMs === utcDay(YESTERDAY));
    const { calls } = await getJson(`${app.url}/api/v1/calls?limit=10`);
    return { acme: rows.find((r) => r.key.model === 'acme-llm-9'), reported: rows.find((r) => r.key.model === 'gpt-4o'), calls };
  } finally {
    await app.close();
  }
}

describe('a --pricing file added to an existing store', () => {
  it("changes yesterday's trends and calls, and going back to the bundled prices changes them back", async () => {
    const first = await startTestLlmtop({ db });
    const t = tracerFor(first.url, 'proto', { 'service.name': 'nightly-eval' });
    for (let i = 0; i < 3; i++) {
      const attrs = { 'gen_ai.provider.name': 'acme', 'gen_ai.request.model': 'acme-llm-9', 'gen_ai.usage.input_tokens': 1_000_000, 'gen_ai.usage.output_tokens': 100_000 };
      t.end(t.start('chat', attrs, YESTERDAY + i * 60_000), YESTERDAY + i * 60_000 + 500);
    }
    t.end(t.start('chat', { 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.cost': 0.25 }, YESTERDAY), YESTERDAY + 500);
    await t.shutdown();
    await first.close();

    const before = await yesterday(null);
    expect(before.acme).toMatchObject({ requests: 3, costUsd: 0 });
    expect(before.calls.filter((c: { costSource: string }) => c.costSource === 'unknown')).toHaveLength(3);

    // $2 in and $10 out per million: each call $2 + $1.
    const pricing = path.join(dir, 'prices.json');
    fs.writeFileSync(pricing, JSON.stringify({ models: { 'acme-llm-9': { input: 2, output: 10 } } }));
    const after = await yesterday(pricing);
    expect(after.acme).toMatchObject({ requests: 3 });
    expect(after.acme!.costUsd).toBeCloseTo(9, 9);
    for (const c of after.calls.filter((x: { model: string }) => x.model === 'acme-llm-9')) expect(c).toMatchObject({ costUsd: 3, costSource: 'estimated' });
    // A cost the SDK reported is what it was.
    expect(after.reported!.costUsd).toBeCloseTo(0.25, 9);

    const without = await yesterday(null);
    expect(without.acme).toMatchObject({ requests: 3, costUsd: 0 });
    expect(without.reported!.costUsd).toBeCloseTo(0.25, 9);
  });
});
