import { logs } from '@opentelemetry/api-logs';
import { metrics, trace } from '@opentelemetry/api';
import { Openlit } from 'openlit';
import * as OpenAIModule from 'openai';
import { OpenAI } from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ROUTES } from '../../src/proxy/routes.js';
import { startTestLlmtop } from '../helpers/llmtop.js';
import { startCapture, type Capture } from '../sdk/capture.js';
import { startFakeOpenAI, type FakeOpenAI } from '../sdk/fake-openai.js';
import { callsOf, sleep, type ApiCall, type Llmtop } from '../sdk/shared.js';

/*
 * An app instrumented with openlit whose OpenAI client also goes through llmtop's provider proxy,
 * as under `llmtop -- CMD` (OPENAI_BASE_URL pointed at the proxy, the fake OpenAI as upstream):
 * every request is described twice, by openlit's span (and log record and metric points) and by
 * the proxy, and must be one call, whichever arrives first.
 */

const SERVICE = 'openlit-app';
const FIRST_CHUNK_MS = 300;
const PRICES = { promptPrice: 0.001, completionPrice: 0.002 };

let fake: FakeOpenAI;
let app: Llmtop;
let client: OpenAI;
// openlit's exporters are made once, with one endpoint: a relay that forwards to each test's llmtop.
let relay: Capture;

beforeAll(async () => {
  fake = await startFakeOpenAI({ firstChunkDelayMs: FIRST_CHUNK_MS });
  relay = await startCapture();
  Openlit.init({
    otlpEndpoint: relay.url,
    applicationName: SERVICE,
    disableBatch: true,
    instrumentations: { openai: OpenAIModule },
    pricingJson: { chat: { 'gpt-4o-mini': PRICES, 'gpt-4o-mini-2024-07-18': PRICES }, embeddings: { 'text-embedding-3-small': 0.00002 } },
  });
});

afterAll(async () => {
  await relay.close();
  await fake.close();
});

beforeEach(async () => {
  app = await startTestLlmtop({
    proxy: { port: 0, service: 'wrapped-command', problems: [], upstreams: ROUTES.map((route) => ({ route, url: route.id === 'openai' ? fake.baseURL : fake.url, custom: true })) },
  });
  relay.target = app.url;
  // What `llmtop -- CMD` gives the app: the SDK reads its base URL and key from the environment.
  process.env.OPENAI_BASE_URL = `${app.proxy!.origin}/openai`;
  process.env.OPENAI_API_KEY = 'sk-openlit-through-the-proxy';
  client = new OpenAI({ maxRetries: 0 });
  fake.exchanges.length = 0;
});

afterEach(async () => {
  await app.close();
});

/** Sends what openlit holds, then waits for the proxy's recording too. */
async function flush(): Promise<void> {
  const tp = trace.getTracerProvider() as unknown as { getDelegate?: () => { forceFlush?: () => Promise<void> } };
  for (let i = 0; i < 2; i++) {
    await tp.getDelegate?.().forceFlush?.();
    await (logs.getLoggerProvider() as unknown as { forceFlush?: () => Promise<void> }).forceFlush?.();
    await sleep(30);
  }
  await (metrics.getMeterProvider() as unknown as { forceFlush?: () => Promise<void> }).forceFlush?.();
  await sleep(50);
}

function expectOneEach(calls: ApiCall[]): void {
  expect(calls).toHaveLength(fake.exchanges.length);
  for (const c of calls) expect(c.source).toBe('openlit+proxy');
}

describe('openlit + the provider proxy: one call per request', () => {
  it('a plain chat completion: openlit\'s call, joined by the proxy', async () => {
    const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'What is the capital of France?' }] });
    expect(res.choices[0]!.message.content).toBe('Echo: What is the capital of France?');
    await flush();
    const calls = await callsOf(app);
    expectOneEach(calls);
    const x = fake.exchanges[0]!;
    expect(calls[0]).toMatchObject({ service: SERVICE, model: x.responseModel, inputTokens: x.usage.promptTokens, outputTokens: x.usage.completionTokens, costSource: 'reported', ttftMs: null, status: 'ok' });
  });

  it('streamed, with and without usage in the stream: one call each, with a TTFT', async () => {
    for (const includeUsage of [true, false]) {
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Stream, usage ${includeUsage}` }], stream: true, ...(includeUsage ? { stream_options: { include_usage: true } } : {}) });
      for await (const chunk of stream) void chunk;
    }
    await flush();
    const calls = await callsOf(app);
    expectOneEach(calls);
    for (const c of calls) {
      expect(c.ttftMs).not.toBeNull();
      expect(c.ttftMs!).toBeGreaterThan(FIRST_CHUNK_MS / 2);
    }
  });

  it('four concurrent streams of one model: four calls, each joined with its own request', async () => {
    const questions = ['One?', 'Two words?', 'Now three words?', 'And now four words?'];
    await Promise.all(
      questions.map(async (q) => {
        const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: q }], stream: true, stream_options: { include_usage: true } });
        for await (const chunk of stream) void chunk;
      }),
    );
    await flush();
    const calls = await callsOf(app);
    expectOneEach(calls);
    for (const q of questions) {
      const x = fake.exchanges.find((e) => e.content === `Echo: ${q}`)!;
      const c = calls.find((k) => k.response === `Echo: ${q}`)!;
      expect(c).toMatchObject({ inputTokens: x.usage.promptTokens, outputTokens: x.usage.completionTokens, prompt: q });
    }
  });

  it('an embedding and a failed request: one call each', async () => {
    await client.embeddings.create({ model: 'text-embedding-3-small', input: 'count me once' });
    await expect(client.chat.completions.create({ model: 'nonexistent-model', messages: [{ role: 'user', content: 'Hello?' }] })).rejects.toThrow(/does not exist/);
    await flush();
    const calls = await callsOf(app);
    expectOneEach(calls);
    expect(calls.map((c) => [c.operation, c.status]).sort()).toEqual([
      ['chat', 'error'],
      ['embeddings', 'ok'],
    ]);
  });
});
