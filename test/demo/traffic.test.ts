import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoRequests } from '../../src/demo/traffic.js';
import { getJson, startTestLlmtop } from '../helpers/llmtop.js';

/** The demo's traffic, posted to a real llmtop as --demo does, gives every panel something to show. */

let app: Awaited<ReturnType<typeof startTestLlmtop>>;
let sentAt: number;
beforeAll(async () => {
  app = await startTestLlmtop();
  let seed = 7;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  sentAt = Date.now();
  for (const r of demoRequests(rand, sentAt, 300)) {
    const res = await fetch(`${app.url}${r.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(r.body) });
    expect(res.status).toBe(200);
  }
});
afterAll(() => app.close());

describe('--demo traffic', () => {
  it('covers several services, environments, providers and models, once per request', async () => {
    const { calls } = await getJson(`${app.url}/api/v1/calls?limit=1000`);
    // Agent turns make 2-4 calls each.
    expect(calls.length).toBeGreaterThan(300);
    const distinct = (k: string) => new Set(calls.map((c: Record<string, string>) => c[k])).size;
    expect(distinct('service')).toBeGreaterThanOrEqual(5);
    expect(distinct('environment')).toBeGreaterThanOrEqual(3);
    expect(distinct('provider')).toBeGreaterThanOrEqual(4);
    expect(distinct('model')).toBeGreaterThanOrEqual(6);
  });

  it('has streamed calls with TTFT, errors, cache hits, prompts and responses, and estimated cost', async () => {
    const { calls } = await getJson(`${app.url}/api/v1/calls?limit=1000`);
    expect(calls.some((c: { ttftMs: number | null }) => c.ttftMs !== null && c.ttftMs > 0)).toBe(true);
    expect(calls.some((c: { status: string }) => c.status === 'error')).toBe(true);
    expect(calls.some((c: { cacheReadTokens: number }) => c.cacheReadTokens > 0)).toBe(true);
    expect(calls.every((c: { prompt: string | null }) => c.prompt)).toBe(true);
    expect(calls.filter((c: { response: string | null }) => c.response).length).toBeGreaterThan(250);
    expect(calls.every((c: { costUsd: number }) => c.costUsd > 0)).toBe(true);
    const summary = await getJson(`${app.url}/api/v1/summary?groupBy=service`);
    expect(summary.groups.find((g: { service: string }) => g.service === 'claude-code').requests).toBeGreaterThan(0);
  });

  it('fills the errors view: failures of each class, truncations, filtered and near-context calls', async () => {
    const kinds = new Set(app.stats.errors(300_000).map((r) => r.kind));
    expect([...kinds].sort()).toEqual(['contentFilter', 'nearContext', 'rateLimit', 'server', 'timeout', 'truncated']);
    const { calls } = await getJson(`${app.url}/api/v1/calls?limit=1000`);
    expect(calls.some((c: { finishReason: string | null }) => c.finishReason === 'stop')).toBe(true);
  });

  it('starts no call after it was sent, so the header counts every call the log shows', async () => {
    const { calls } = await getJson(`${app.url}/api/v1/calls?limit=1000`);
    expect(calls.filter((c: { time: string }) => Date.parse(c.time) > sentAt).length).toBe(0);
    const summary = await getJson(`${app.url}/api/v1/summary?window=1h`);
    expect(summary.totals.requests).toBe(calls.length);
  });

  it('sends agent turns: runs named after their invoke_agent root, with tool spans and 2-4 calls', async () => {
    const { runs } = await getJson(`${app.url}/api/v1/runs?window=1h&limit=1000`);
    const turns = runs.filter((r: { name: string }) => r.name === 'invoke_agent support-agent');
    expect(turns.length).toBeGreaterThan(3);
    for (const t of turns) expect(t.calls).toBeGreaterThanOrEqual(2);
    const run = await getJson(`${app.url}/api/v1/runs/${turns[0].traceId}`);
    const names = run.spans[0].children.map((c: { name: string }) => c.name);
    expect(names.some((n: string) => n.startsWith('execute_tool '))).toBe(true);
  });
});
