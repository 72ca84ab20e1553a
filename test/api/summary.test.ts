import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, startTestLlmtop } from '../helpers/llmtop.js';
import { genAiSpanJson, tracesJson } from '../helpers/otlp-payloads.js';

/** GET /api/v1/summary over HTTP: each groupBy, the filters of the seeds' template variables, bad parameters. */

let app: Awaited<ReturnType<typeof startTestLlmtop>>;
const SENT: [service: string, env: string, model: string][] = [
  ['web', 'prod', 'gpt-4o'],
  ['web', 'prod', 'gpt-4o'],
  ['web', 'staging', 'gpt-4o-mini'],
  ['batch', 'prod', 'claude-haiku-4-5'],
];

beforeAll(async () => {
  app = await startTestLlmtop();
  for (const [service, env, model] of SENT) {
    const span = genAiSpanJson({ model, provider: model.startsWith('claude') ? 'anthropic' : 'openai', inputTokens: 100, outputTokens: 10 });
    (span.attributes as unknown[]).push({ key: 'user.id', value: { stringValue: `${service}-user` } });
    const body = tracesJson([span], service);
    ((body.resourceSpans as Record<string, any>[])[0]!.resource.attributes as unknown[]).push({ key: 'deployment.environment.name', value: { stringValue: env } });
    const res = await fetch(`${app.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
  }
});
afterAll(() => app.close());

describe('GET /api/v1/summary', () => {
  it('gives output speed net of TTFT, P50 and P95, in totals and groups', async () => {
    const s = await getJson(`${app.url}/api/v1/summary?groupBy=model`);
    // 10 output tokens in 800 ms, not streamed: 12.5 tokens/s (1% sketch accuracy).
    for (const a of [s.totals, ...s.groups]) {
      expect(Math.abs(a.p50OutputTokensPerSecond - 12.5)).toBeLessThan(0.13);
      expect(Math.abs(a.p95OutputTokensPerSecond - 12.5)).toBeLessThan(0.13);
    }
  });

  it.each([
    ['provider', { openai: 3, anthropic: 1 }],
    ['model', { 'gpt-4o': 2, 'gpt-4o-mini': 1, 'claude-haiku-4-5': 1 }],
    ['service', { web: 3, batch: 1 }],
    ['environment', { prod: 3, staging: 1 }],
    ['operation', { chat: 4 }],
    ['user', { 'web-user': 3, 'batch-user': 1 }],
  ])('groups by %s', async (key, expected) => {
    const s = await getJson(`${app.url}/api/v1/summary?groupBy=${key}`);
    expect(Object.fromEntries(s.groups.map((g: Record<string, string | number>) => [g[key], g.requests]))).toEqual(expected);
    expect(s.totals.requests).toBe(4);
  });

  it('groups by provider and model by default, and by several keys', async () => {
    const s = await getJson(`${app.url}/api/v1/summary`);
    expect(s.groups[0]).toMatchObject({ provider: 'openai', model: 'gpt-4o', requests: 2 });
    const two = await getJson(`${app.url}/api/v1/summary?groupBy=service,environment`);
    expect(two.groups).toHaveLength(3);
  });

  it.each([
    ['service=web', 3],
    ['environment=prod', 3],
    ['service=web&environment=prod', 2],
    ['service=nope', 0],
  ])('filters with %s', async (q, requests) => {
    expect((await getJson(`${app.url}/api/v1/summary?${q}`)).totals.requests).toBe(requests);
  });

  it.each(['window=7m0', 'window=48h', 'groupBy=colour'])('refuses %s with 400 naming it', async (q) => {
    const res = await fetch(`${app.url}/api/v1/summary?${q}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain(q.split('=')[1]);
  });
});
