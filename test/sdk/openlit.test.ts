import { metrics, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { Openlit } from 'openlit';
import * as OpenAIModule from 'openai';
import { OpenAI } from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestLlmtop } from '../helpers/llmtop.js';
import { capturedSpans, startCapture, versions, type Capture } from './capture.js';
import { startFakeOpenAI, type Exchange, type FakeOpenAI } from './fake-openai.js';
import { callsOf, expectTimeWithin, fromExchange, sleep, summaryOf, type Llmtop } from './shared.js';

/*
 * openlit's TypeScript SDK (`openlit` 1.15) driven for real: `Openlit.init()` with its own OTLP
 * exporters (OTLP/JSON over HTTP for traces, logs and metrics), instrumenting the `openai` npm
 * client (6.x; 7.x needs Node 22), which talks to a fake OpenAI on loopback. A real llmtop
 * sits behind a capturing relay (captured/openlit.json holds what openlit really sent).
 *
 * How it is wired, and why:
 * - `instrumentations: { openai: <the openai module> }`: openlit patches modules through
 *   require hooks, which never see an ESM `import` (nor vitest's module loading); passing the
 *   module is openlit's documented manual path, and patches `OpenAI.Chat.Completions.prototype`.
 * - `disableBatch: true`: simple processors, so a flush sends everything at once.
 * - `pricingJson`: an inline table (openlit otherwise fetches its price list from the network,
 *   unreachable here), priced unlike llmtop's own table so a reported cost can be told apart.
 * - openlit registers global tracer, logger and meter providers: the flush below goes through
 *   them. Each vitest file runs in its own worker, so the globals do not leak into other tests.
 *
 * openlit describes each request three times: a `chat <model>` span with gen_ai.* attributes,
 * a `gen_ai.client.inference.operation.details` log record with the same trace and span ids,
 * and metric points (gen_ai.client.operation.duration, token usage, cost, TTFT). llmtop must
 * count one call per request.
 */

const SERVICE = 'openlit-app';
const ENVIRONMENT = 'e2e';
const FIRST_CHUNK_MS = 300;
/** $ per 1k tokens, as openlit's pricing JSON says it. */
const PRICES = { promptPrice: 0.001, completionPrice: 0.002 };

let fake: FakeOpenAI;
let capture: Capture;
let app: Llmtop;
let client: OpenAI;
const allExchanges: (Exchange & { test: string })[] = [];

beforeAll(async () => {
  fake = await startFakeOpenAI({ firstChunkDelayMs: FIRST_CHUNK_MS });
  capture = await startCapture();
  Openlit.init({
    otlpEndpoint: capture.url,
    applicationName: SERVICE,
    environment: ENVIRONMENT,
    disableBatch: true,
    instrumentations: { openai: OpenAIModule },
    pricingJson: {
      chat: { 'gpt-4o-mini': PRICES, 'gpt-4o-mini-2024-07-18': PRICES },
      embeddings: { 'text-embedding-3-small': 0.00002 },
    },
  });
  client = new OpenAI({ baseURL: fake.baseURL, apiKey: 'sk-fake', maxRetries: 0 });
});

afterAll(async () => {
  capture.save('openlit', {
    versions: versions('openlit', 'openai'),
    note: "Openlit.init({ otlpEndpoint, disableBatch: true, instrumentations: { openai } }); openlit's own OTLP/JSON exporters",
    exchanges: allExchanges,
  });
  await capture.close();
  await fake.close();
});

beforeEach(async (ctx) => {
  app = await startTestLlmtop();
  capture.target = app.url;
  capture.label = ctx.task.name;
  fake.exchanges.length = 0;
});

afterEach(async () => {
  allExchanges.push(...fake.exchanges.map((x) => ({ test: capture.label, ...x })));
  await app.close();
});

/** Sends everything openlit holds: spans, log events, and metric points. */
async function flush(): Promise<void> {
  const tp = trace.getTracerProvider() as unknown as { getDelegate?: () => { forceFlush?: () => Promise<void> } };
  await tp.getDelegate?.().forceFlush?.();
  await (logs.getLoggerProvider() as unknown as { forceFlush?: () => Promise<void> }).forceFlush?.();
  // Spans end inside the wrapper; their log events and metrics follow right after.
  await sleep(20);
  await tp.getDelegate?.().forceFlush?.();
  await (logs.getLoggerProvider() as unknown as { forceFlush?: () => Promise<void> }).forceFlush?.();
  await (metrics.getMeterProvider() as unknown as { forceFlush?: () => Promise<void> }).forceFlush?.();
}

const openlitCost = (input: number, output: number) => (input / 1000) * PRICES.promptPrice + (output / 1000) * PRICES.completionPrice;

describe('openlit + openai → llmtop', () => {
  it('a plain chat completion: one call, no TTFT, reported cost, text, user', async () => {
    const t0 = Date.now();
    const res = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      user: 'alice@example.com',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'What is the capital of France?' },
      ],
    });
    expect(res.choices[0]!.message.content).toBe('Echo: What is the capital of France?');
    await flush();

    expect(fake.exchanges).toHaveLength(1);
    const x = fake.exchanges[0]!;
    const calls = await callsOf(app);
    expect(calls).toHaveLength(1);
    const c = calls[0]!;
    expect(c).toMatchObject({
      ...fromExchange(x),
      service: SERVICE,
      environment: ENVIRONMENT,
      operation: 'chat',
      ttftMs: null,
      costSource: 'reported',
      response: 'Echo: What is the capital of France?',
      source: 'openlit',
      user: 'alice@example.com',
    });
    expectTimeWithin(c, t0);
    // openlit sends the system message both in gen_ai.input.messages and in
    // gen_ai.system_instructions: it belongs in the prompt once.
    expect(c.prompt!.split('You are terse.')).toHaveLength(2);
    expect(c.costUsd).toBeCloseTo(openlitCost(x.usage.promptTokens, x.usage.completionTokens), 9);
    expect(c.prompt).toContain('What is the capital of France?');
    expect(c.durationMs).toBeGreaterThan(0);
  });

  it('a streamed chat completion: one call with TTFT about the first-chunk delay', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Stream me a greeting' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('Echo: Stream me a greeting');
    await flush();

    expect(fake.exchanges).toHaveLength(1);
    const x = fake.exchanges[0]!;
    expect(x.stream).toBe(true);
    const calls = await callsOf(app);
    expect(calls).toHaveLength(1);
    const c = calls[0]!;
    expect(c).toMatchObject({ ...fromExchange(x), service: SERVICE, environment: ENVIRONMENT, operation: 'chat', response: 'Echo: Stream me a greeting' });
    expect(c.prompt).toContain('Stream me a greeting');
    // openlit's TTFT (gen_ai.server.time_to_first_token, seconds) runs from the first read of
    // the stream, after the response headers, not from the request: a little under the delay
    // the provider waited before its first chunk when the app is slow to start reading.
    const [span] = capturedSpans(capture);
    expect(c.ttftMs).toBeCloseTo((span!.attributes['gen_ai.server.time_to_first_token'] as number) * 1000, 6);
    expect(c.ttftMs!).toBeGreaterThan(FIRST_CHUNK_MS / 2);
    expect(c.ttftMs!).toBeLessThan(FIRST_CHUNK_MS + 500);
    expect(c.durationMs).toBeGreaterThanOrEqual(c.ttftMs!);

    const summary = await summaryOf(app);
    expect(summary.totals).toMatchObject({ requests: 1, errors: 0, inputTokens: c.inputTokens, outputTokens: c.outputTokens });
    expect(summary.groups).toEqual([expect.objectContaining({ provider: 'openai', model: c.model, requests: 1 })]);
    expect(summary.groups[0]!.p95TtftMs).toBeCloseTo(c.ttftMs!, -1);
  });

  it('two requests in a row: two calls, and the metric points add none', async () => {
    for (const q of ['First question?', 'Second question?']) {
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: q }] });
    }
    await flush();
    // Metric export again, now that llmtop has seen the spans (cumulative points).
    await (metrics.getMeterProvider() as unknown as { forceFlush?: () => Promise<void> }).forceFlush?.();

    expect(fake.exchanges).toHaveLength(2);
    const calls = await callsOf(app);
    expect(calls).toHaveLength(2);
    expect(calls.map((c) => c.response).sort()).toEqual(['Echo: First question?', 'Echo: Second question?']);
    for (const c of calls) expect(c).toMatchObject({ ...fromExchange(fake.exchanges[0]!), service: SERVICE });
  });

  it('four concurrent streamed requests: four calls, each with its own tokens, text and TTFT', async () => {
    const questions = ['One?', 'Two words?', 'Now three words?', 'And now four words?'];
    const answers = await Promise.all(
      questions.map(async (q) => {
        const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: q }], stream: true, stream_options: { include_usage: true } });
        let text = '';
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
        return text;
      }),
    );
    expect(answers).toEqual(questions.map((q) => `Echo: ${q}`));
    await flush();

    expect(fake.exchanges).toHaveLength(4);
    const calls = await callsOf(app);
    expect(calls).toHaveLength(4);
    expect(new Set(calls.map((c) => c.traceId)).size).toBe(4);
    for (const q of questions) {
      const x = fake.exchanges.find((e) => e.content === `Echo: ${q}`)!;
      const c = calls.find((k) => k.response === `Echo: ${q}`)!;
      expect(c).toMatchObject({ ...fromExchange(x), prompt: q, service: SERVICE });
      expect(c.ttftMs!).toBeGreaterThan(FIRST_CHUNK_MS / 2);
      expect(c.ttftMs!).toBeLessThan(FIRST_CHUNK_MS + 500);
    }
  });

  it('the Responses API, plain and streamed: one call each', async () => {
    const plain = await client.responses.create({ model: 'gpt-4o-mini', input: 'Say hello', instructions: 'Be brief.' });
    expect(plain.output_text).toBe('Echo: Say hello');
    const stream = await client.responses.create({ model: 'gpt-4o-mini', input: 'Stream hello', stream: true });
    let text = '';
    for await (const ev of stream) if (ev.type === 'response.output_text.delta') text += ev.delta;
    expect(text).toBe('Echo: Stream hello');
    await flush();

    expect(fake.exchanges.map((x) => x.path)).toEqual(['/v1/responses', '/v1/responses']);
    const calls = await callsOf(app);
    expect(calls).toHaveLength(2);
    const p = calls.find((c) => c.response === 'Echo: Say hello')!;
    const st = calls.find((c) => c.response === 'Echo: Stream hello')!;
    expect(p).toMatchObject({ ...fromExchange(fake.exchanges[0]!), service: SERVICE, operation: 'chat', ttftMs: null });
    expect(st).toMatchObject({ ...fromExchange(fake.exchanges[1]!), service: SERVICE, operation: 'chat' });
    expect(p.prompt).toContain('Say hello');
    // For the Responses API openlit sends `instructions` only as gen_ai.system_instructions
    // (not among gen_ai.input.messages): they are part of what the model was asked.
    expect(p.prompt).toContain('Be brief.');
    expect(st.prompt).toContain('Stream hello');
    expect(st.ttftMs).not.toBeNull();
    expect(st.ttftMs!).toBeGreaterThan(FIRST_CHUNK_MS / 2);
    expect(st.ttftMs!).toBeLessThan(FIRST_CHUNK_MS + 500);
  });

  it('a chat completion answered with a tool call: its response names the tool', async () => {
    const res = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
    });
    expect(res.choices[0]!.message.tool_calls?.[0]).toMatchObject({ function: { name: 'get_weather' } });
    await flush();

    const calls = await callsOf(app);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ ...fromExchange(fake.exchanges[0]!), service: SERVICE });
    expect(calls[0]!.prompt).toContain('What is the weather in Paris?');
    expect(calls[0]!.response).toContain('get_weather');
  });

  it('a failed request: one call with status error and the message', async () => {
    await expect(client.chat.completions.create({ model: 'nonexistent-model', messages: [{ role: 'user', content: 'Hello?' }] })).rejects.toThrow(
      /does not exist/,
    );
    await flush();

    expect(fake.exchanges).toHaveLength(1);
    const calls = await callsOf(app);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ provider: 'openai', model: 'nonexistent-model', status: 'error', service: SERVICE, inputTokens: 0, outputTokens: 0, ttftMs: null });
    expect(calls[0]!.error).toMatch(/does not exist/);
  });

  it('an embedding: one embeddings call with its input tokens', async () => {
    const res = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'llmtop counts every request once' });
    expect(res.data[0]!.embedding).toHaveLength(4);
    await flush();

    expect(fake.exchanges).toHaveLength(1);
    const calls = await callsOf(app);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      provider: 'openai',
      model: 'text-embedding-3-small',
      operation: 'embeddings',
      inputTokens: fake.exchanges[0]!.usage.promptTokens,
      outputTokens: 0,
      ttftMs: null,
      service: SERVICE,
      environment: ENVIRONMENT,
    });
  });
});
