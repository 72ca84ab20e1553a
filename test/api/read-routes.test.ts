import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestLlmtop } from '../helpers/llmtop.js';
import { ESCAPED_RESPONSE, LONG_PROMPT, sendKnownCalls, type KnownCalls } from '../helpers/known-calls.js';

/*
 * The read-only routes the CLI verbs and `llmtop mcp` need, over HTTP on a real llmtop fed by the
 * OpenTelemetry SDK's exporter: a call by id, the errors view's rows, and prices.
 */

let app: Awaited<ReturnType<typeof startTestLlmtop>>;
let known: KnownCalls;

beforeAll(async () => {
  app = await startTestLlmtop();
  known = await sendKnownCalls(app.url);
});
afterAll(() => app.close());

async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${app.url}${path}`);
  return { status: res.status, body: await res.json() };
}

describe('GET /api/v1/calls/<id>', () => {
  it('answers one stored call with its whole text, the same as it is listed', async () => {
    const { body: list } = await get('/api/v1/calls?service=billing&model=gpt-4.1');
    expect(list.calls).toHaveLength(1);
    const id: string = list.calls[0].id;
    const { status, body } = await get(`/api/v1/calls/${encodeURIComponent(id)}`);
    expect(status).toBe(200);
    expect(body).toEqual(list.calls[0]);
    expect(body).toMatchObject({ service: 'billing', model: 'gpt-4.1', prompt: LONG_PROMPT, response: ESCAPED_RESPONSE, finishReason: 'length', costSource: 'estimated' });
  });

  it('404 with the reason for an id llmtop does not hold', async () => {
    expect(await get('/api/v1/calls/no-such-call')).toEqual({ status: 404, body: { error: 'no call with id no-such-call: unknown, or no longer stored' } });
  });

  it('400 for a name that is not URL-encoded', async () => {
    const { status, body } = await get('/api/v1/calls/%E0%A4%A');
    expect(status).toBe(400);
    expect(body.error).toMatch(/not a URL-encoded name/);
  });
});

describe('GET /api/v1/errors', () => {
  it("the errors view's rows: model, kind, count, message, and the newest call with its text", async () => {
    const { status, body } = await get('/api/v1/errors?window=15m');
    expect(status).toBe(200);
    expect(body.window).toBe('15m');
    expect(body.windowSeconds).toBe(900);
    const rows = body.errors.map((r: any) => [`${r.provider}/${r.model}`, r.kind, r.label, r.count, r.message]);
    expect(rows).toEqual([
      ['anthropic/claude-sonnet-4-5', 'rateLimit', 'rate limit', 1, '429: rate limit exceeded'],
      ['openai/gpt-4.1', 'truncated', 'truncated', 1, 'finish reason length'],
    ]);
    expect(body.errors[0].latest).toMatchObject({ status: 'error', error: 'rate limit exceeded', traceId: known.supportTrace, prompt: 'Summarize ticket 4411 for the refund team' });
    expect(body.errors[1].latest).toMatchObject({ prompt: LONG_PROMPT, response: ESCAPED_RESPONSE });
  });

  it('filters by model, and bounds by limit', async () => {
    expect((await get('/api/v1/errors?model=gpt-4.1')).body.errors.map((r: any) => r.kind)).toEqual(['truncated']);
    expect((await get('/api/v1/errors?limit=1')).body.errors).toHaveLength(1);
    expect((await get('/api/v1/errors?window=2d')).status).toBe(400);
  });
});

describe('GET /api/v1/prices', () => {
  it('without a model: the models stored, unpriced first, with their calls', async () => {
    const { status, body } = await get('/api/v1/prices');
    expect(status).toBe(200);
    expect(body.prices.map((p: any) => [`${p.provider}/${p.model}`, p.calls, p.price === null])).toEqual([
      ['acme/acme-llm-9', 1, true],
      ['anthropic/claude-sonnet-4-5', 1, false],
      ['openai/gpt-4.1', 1, false],
      ['openai/gpt-4o-mini', 1, false],
    ]);
  });

  it('the models named, as `llmtop prices` answers them', async () => {
    const { body } = await get('/api/v1/prices?model=claude-opus-4-6&model=acme/acme-llm-9');
    expect(body.prices[0]).toMatchObject({
      provider: 'anthropic',
      model: 'claude-opus-4-6',
      price: { perMillion: { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 }, contextWindow: 1_000_000 },
    });
    expect(body.prices[0].calls).toBeUndefined();
    expect(body.prices[1]).toEqual({ provider: 'acme', model: 'acme-llm-9', price: null });
    expect((await get('/api/v1/prices?model=')).status).toBe(400);
  });
});
