import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExport } from '../../src/cli/export.js';
import { getJson, startTestLlmtop } from '../helpers/llmtop.js';
import { loggerFor, tracerFor } from '../helpers/otel.js';

/*
 * Costs as a user reads them back: spans of each convention, sent by the OpenTelemetry JS SDK's
 * OTLP exporter to a real llmtop, priced from the bundled prices at list price: a new model, two
 * long prompts past their tier, cache reads at the cache price with each convention's meaning of
 * input tokens, a reported cost kept, and a model with no price shown as unknown, not $0.
 */

let app: Awaited<ReturnType<typeof startTestLlmtop>>;
let calls: Record<string, any>[];
const T0 = Date.now() - 60_000;

/** What each service sends, and the cost (USD) llmtop must give its one call; null: unknown. */
const CASES: { service: string; attributes: Record<string, string | number | boolean>; name?: string; usd: number | null; inputTokens?: number }[] = [
  // GenAI semconv, a model newer than llmtop: Opus 4.6 at $5 / $25.
  { service: 'semconv-new-model', attributes: { 'gen_ai.provider.name': 'anthropic', 'gen_ai.request.model': 'claude-opus-4-6', 'gen_ai.usage.input_tokens': 10_000, 'gen_ai.usage.output_tokens': 1000 }, usd: 0.075 },
  // OpenInference, a prompt over 200k tokens: Sonnet 4.5's long-context tier, $6 / $22.50.
  {
    service: 'openinference-long',
    attributes: { 'openinference.span.kind': 'LLM', 'llm.provider': 'anthropic', 'llm.model_name': 'claude-sonnet-4-5', 'llm.token_count.prompt': 300_000, 'llm.token_count.completion': 1000 },
    usd: 1.8225,
  },
  // The Vercel AI SDK, Gemini 2.5 Pro over 200k: $2.50 / $15.
  {
    service: 'vercel-long',
    name: 'ai.generateText.doGenerate',
    attributes: { 'ai.operationId': 'ai.generateText.doGenerate', 'ai.model.provider': 'google.generative-ai', 'ai.model.id': 'gemini-2.5-pro', 'ai.usage.inputTokens': 300_000, 'ai.usage.outputTokens': 1000 },
    usd: 0.765,
  },
  // No price anywhere.
  { service: 'semconv-unpriced', attributes: { 'gen_ai.provider.name': 'acme', 'gen_ai.request.model': 'acme-llm-9', 'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.output_tokens': 100 }, usd: null },
  // Cache reads: semconv counts them inside the input (110k = 10k fresh + 100k read) at $0.30.
  {
    service: 'semconv-anthropic-cache',
    attributes: { 'gen_ai.provider.name': 'anthropic', 'gen_ai.request.model': 'claude-sonnet-4-5', 'gen_ai.usage.input_tokens': 110_000, 'gen_ai.usage.cache_read.input_tokens': 100_000, 'gen_ai.usage.output_tokens': 1000 },
    usd: 0.075,
    inputTokens: 110_000,
  },
  // ... and a span passing on Anthropic's own count (10k, beside the 100k read): the same call.
  {
    service: 'anthropic-own-count',
    attributes: { 'gen_ai.system': 'anthropic', 'gen_ai.request.model': 'claude-sonnet-4-5-20250929', 'gen_ai.usage.input_tokens': 10_000, 'gen_ai.usage.cache_read_input_tokens': 100_000, 'gen_ai.usage.output_tokens': 1000 },
    usd: 0.075,
    inputTokens: 110_000,
  },
  // OpenAI counts cached tokens inside prompt_tokens: 2k at $2.50, 8k at $1.25, 1k out at $10.
  {
    service: 'openllmetry-openai-cache',
    attributes: { 'traceloop.span.kind': 'llm', 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.prompt_tokens': 10_000, 'gen_ai.usage.cache_read_input_tokens': 8000, 'gen_ai.usage.completion_tokens': 1000 },
    usd: 0.025,
  },
  // Gemini's prompt count holds its cached content: 2k at $0.30, 8k at $0.03, 1k out at $2.50.
  {
    service: 'openinference-gemini-cache',
    attributes: { 'openinference.span.kind': 'LLM', 'llm.provider': 'google', 'llm.model_name': 'gemini-2.5-flash', 'llm.token_count.prompt': 10_000, 'llm.token_count.prompt_details.cache_read': 8000, 'llm.token_count.completion': 1000 },
    usd: 0.00334,
  },
  // A cost the SDK reported stays as reported.
  { service: 'semconv-reported', attributes: { 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.output_tokens': 100, 'gen_ai.usage.cost': 0.5 }, usd: 0.5 },
];

beforeAll(async () => {
  app = await startTestLlmtop();
  for (const [i, c] of CASES.entries()) {
    const t = tracerFor(app.url, 'proto', { 'service.name': c.service });
    t.end(t.start(c.name ?? 'chat', c.attributes, T0 + i * 1000), T0 + i * 1000 + 800);
    await t.shutdown();
  }
  // Claude Code's event: Anthropic's own input count, the cache beside it, and its own cost.
  const cc = loggerFor(app.url, 'proto', { 'service.name': 'claude-code' }, 'com.anthropic.claude_code.events');
  cc.logger.emit({
    eventName: 'claude_code.api_request',
    timestamp: new Date(T0 + 20_000),
    attributes: { 'event.name': 'api_request', model: 'claude-sonnet-4-5-20250929', input_tokens: 10_000, cache_read_tokens: 100_000, output_tokens: 1000, duration_ms: 900, cost_usd: 0.075, 'prompt.id': 'p1' },
  });
  await cc.shutdown();
  calls = (await getJson(`${app.url}/api/v1/calls?limit=100`)).calls;
});
afterAll(() => app?.close());

describe('costs at list price, from each convention', () => {
  it.each(CASES.map((c) => [c.service, c] as const))('%s', (service, c) => {
    const mine = calls.filter((x) => x.service === service);
    expect(mine).toHaveLength(1);
    if (c.usd === null) {
      expect(mine[0]).toMatchObject({ costUsd: null, costSource: 'unknown' });
    } else {
      expect(mine[0]!.costUsd).toBeCloseTo(c.usd, 6);
      expect(mine[0]!.costSource).toBe(service === 'semconv-reported' ? 'reported' : 'estimated');
    }
    if (c.inputTokens !== undefined) expect(mine[0]!.inputTokens).toBe(c.inputTokens);
  });

  it("Claude Code's events: the cache added to Anthropic's input count, the cost it reported", () => {
    const [c] = calls.filter((x) => x.service === 'claude-code');
    expect(c).toMatchObject({ inputTokens: 110_000, cacheReadTokens: 100_000, costUsd: 0.075, costSource: 'reported' });
  });

  it('the summary counts the unpriced call, and its cost is left out rather than $0', async () => {
    const summary = await getJson(`${app.url}/api/v1/summary?window=1h`);
    expect(summary.totals.unpricedCalls).toBe(1);
    const priced = CASES.reduce((n, c) => n + (c.usd ?? 0), 0) + 0.075;
    expect(summary.totals.costUsd).toBeCloseTo(priced, 6);
    const acme = summary.groups.find((g: { model: string }) => g.model === 'acme-llm-9');
    expect(acme).toMatchObject({ requests: 1, unpricedCalls: 1, costUsd: 0 });
    for (const g of summary.groups.filter((x: { model: string }) => x.model !== 'acme-llm-9')) expect(g.unpricedCalls).toBe(0);
  });

  it('the query API and the exports say null, not 0', async () => {
    const res = await fetch(`${app.url}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ startTs: T0 - 1000, endTs: Date.now(), type: 'aggregate', aggregations: [{ type: 'count' }, { type: 'sum', column: 'costUsd' }], groupBy: ['model'], filters: [{ fieldName: 'costUsd', operator: 'IS_NULL', value: true }] }),
    });
    expect(((await res.json()) as { data: unknown }).data).toEqual([{ model: 'acme-llm-9', count: 1, sum_costUsd: null }]);
    // llmtop export, from the db file while llmtop runs.
    const out = path.join(app.dir, 'calls.jsonl');
    expect(runExport({ db: path.join(app.dir, 'llmtop.db'), since: '1h', format: 'jsonl', out, now: Date.now() })).toBe(0);
    const exported = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(exported.find((c) => c.model === 'acme-llm-9')).toMatchObject({ costUsd: null, costSource: 'unknown' });
    expect(exported.filter((c) => c.costUsd === null)).toHaveLength(1);
  });
});
