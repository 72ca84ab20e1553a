import { expect } from 'vitest';
import { getJson, startTestLlmtop } from '../helpers/llmtop.js';
import type { LlmCall } from '../../src/domain/call.js';
import type { Summary } from '../../src/domain/summary.js';
import type { Exchange } from './fake-openai.js';

/* Small helpers shared by the SDK end-to-end tests. */

export type Llmtop = Awaited<ReturnType<typeof startTestLlmtop>>;

/** A call as /api/v1/calls answers it: the domain's LlmCall with its time in ISO form. */
export type ApiCall = Omit<LlmCall, 'timeMs'> & { time: string };

/** All calls, oldest first (the API answers newest first). */
export async function callsOf(app: Llmtop): Promise<ApiCall[]> {
  const { calls } = await getJson<{ calls: ApiCall[] }>(`${app.url}/api/v1/calls?limit=1000`);
  return [...calls].reverse();
}

/** The fields every call read from a fake exchange must hold. */
export function fromExchange(x: Exchange) {
  return {
    provider: 'openai',
    model: x.responseModel,
    inputTokens: x.usage.promptTokens,
    outputTokens: x.usage.completionTokens,
    status: 'ok',
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** llmtop's own list prices ($ per 1M tokens) for the models the fake answers with. */
const LIST_PRICES: Record<string, { input: number; output: number }> = {
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'text-embedding-3-small': { input: 0.02, output: 0 },
};

/** The cost llmtop should estimate from its price table when the SDK reports none. */
export function estimatedCost(model: string, inputTokens: number, outputTokens: number): number {
  const base = Object.keys(LIST_PRICES).find((k) => model === k || model.startsWith(`${k}-`));
  if (!base) throw new Error(`no list price for ${model}`);
  const p = LIST_PRICES[base]!;
  return (inputTokens * p.input + outputTokens * p.output) / 1e6;
}

export type ApiSummary = Summary;

export async function summaryOf(app: Llmtop, query = 'window=5m'): Promise<ApiSummary> {
  return getJson<ApiSummary>(`${app.url}/api/v1/summary?${query}`);
}

/** A call's time is its request's start: between the test's start and now. */
export function expectTimeWithin(call: ApiCall, startMs: number): void {
  const t = Date.parse(call.time);
  expect(t).toBeGreaterThanOrEqual(startMs - 5);
  expect(t).toBeLessThanOrEqual(Date.now());
}
