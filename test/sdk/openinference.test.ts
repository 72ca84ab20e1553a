import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import * as OpenAIModule from 'openai';
import { OpenAI } from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestLlmtop } from '../helpers/llmtop.js';
import { startCapture, versions, type Capture } from './capture.js';
import { startFakeOpenAI, type Exchange, type FakeOpenAI } from './fake-openai.js';
import { callsOf, estimatedCost, expectTimeWithin, fromExchange, sleep, type Llmtop } from './shared.js';

/*
 * OpenInference (`@arizeai/openinference-instrumentation-openai` 4.2) driven for real: the
 * instrumentation patches the `openai` npm client (6.x; 7.x needs Node 22), which talks to a
 * fake OpenAI on loopback; spans go through the OpenTelemetry JS SDK (BasicTracerProvider,
 * AsyncLocalStorage context, the OTLP protobuf exporter, as Phoenix's set-up does) to a real
 * llmtop behind a capturing relay (captured/openinference.json holds what was really sent).
 *
 * `manuallyInstrument(module)`: OpenInference patches through require hooks, which never see
 * an ESM `import` (nor vitest's module loading); its API gives this method for that case.
 *
 * OpenInference writes one LLM (or EMBEDDING) span per request with `llm.*` attributes and
 * `input.value`/`output.value`; an application's AGENT or CHAIN span above several of them is
 * a layer, not a request.
 */

const SERVICE = 'openinference-app';
const FIRST_CHUNK_MS = 300;

let fake: FakeOpenAI;
let capture: Capture;
let provider: BasicTracerProvider;
let instrumentation: OpenAIInstrumentation;
let app: Llmtop;
let client: OpenAI;
const allExchanges: (Exchange & { test: string })[] = [];
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(async () => {
  context.setGlobalContextManager(contextManager.enable());
  fake = await startFakeOpenAI({ firstChunkDelayMs: FIRST_CHUNK_MS });
  capture = await startCapture();
  provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': SERVICE, 'deployment.environment': 'e2e' }),
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${capture.url}/v1/traces` }))],
  });
  instrumentation = new OpenAIInstrumentation({ tracerProvider: provider });
  instrumentation.manuallyInstrument(OpenAIModule as unknown as Parameters<OpenAIInstrumentation['manuallyInstrument']>[0]);
  client = new OpenAI({ baseURL: fake.baseURL, apiKey: 'sk-fake', maxRetries: 0 });
});

afterAll(async () => {
  instrumentation.disable();
  await provider.shutdown();
  capture.save('openinference', {
    versions: versions('@arizeai/openinference-instrumentation-openai', '@arizeai/openinference-semantic-conventions', 'openai', '@opentelemetry/exporter-trace-otlp-proto'),
    note: 'OpenAIInstrumentation.manuallyInstrument(openai) with BasicTracerProvider + SimpleSpanProcessor + OTLP/protobuf exporter; bodies decoded to OTLP/JSON',
    exchanges: allExchanges,
  });
  await capture.close();
  await fake.close();
  context.disable();
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

/** A streamed span ends when OpenInference's copy of the stream is drained, a moment after ours. */
async function flush(): Promise<void> {
  await sleep(50);
  await provider.forceFlush();
}

describe('OpenInference + openai → llmtop', () => {
  it('a plain chat completion: one call, no TTFT, text', async () => {
    const t0 = Date.now();
    const res = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'What is the capital of France?' },
      ],
    });
    expect(res.choices[0]!.message.content).toBe('Echo: What is the capital of France?');
    await flush();

    expect(fake.exchanges).toHaveLength(1);
    const calls = await callsOf(app);
    expect(calls).toHaveLength(1);
    const c = calls[0]!;
    expect(c).toMatchObject({
      ...fromExchange(fake.exchanges[0]!),
      service: SERVICE,
      environment: 'e2e',
      operation: 'chat',
      ttftMs: null,
      response: 'Echo: What is the capital of France?',
      source: 'openinference',
    });
    expect(c.prompt).toContain('What is the capital of France?');
    expect(c.durationMs).toBeGreaterThan(0);
    expectTimeWithin(c, t0);
    const x = fake.exchanges[0]!;
    expect(c.costSource).toBe('estimated');
    expect(c.costUsd).toBeCloseTo(estimatedCost(x.responseModel, x.usage.promptTokens, x.usage.completionTokens), 12);
  });

  it('a streamed chat completion: one call, streamed', async () => {
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
    // OpenInference 4.2 skips the usage-only chunk of a stream (it drops every chunk without
    // choices) and never updates the model from the chunks: its span says only the request's
    // model and no token counts, although the provider sent both (x.usageSent).
    expect(x.usageSent).toBe(true);
    expect(c).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', inputTokens: 0, outputTokens: 0, status: 'ok' });
    expect(c).toMatchObject({ service: SERVICE, operation: 'chat', response: 'Echo: Stream me a greeting' });
    expect(c.prompt).toContain('Stream me a greeting');
    expect(c.durationMs).toBeGreaterThanOrEqual(FIRST_CHUNK_MS);
    // Nor does it record a time to first token, nor `llm.is_streaming`: TTFT is unknown, never
    // guessed (the stream flag is only inside `llm.invocation_parameters` / `input.value` JSON).
    expect(c.ttftMs).toBeNull();
  });

  it("an agent span above two requests: two calls, the agent's own span is a layer", async () => {
    const tracer = provider.getTracer('my-agent');
    await tracer.startActiveSpan('support-agent', { attributes: { 'openinference.span.kind': 'AGENT', 'input.value': 'help the user' } }, async (span) => {
      for (const q of ['First question?', 'A second, longer question?']) {
        await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: q }] });
      }
      span.setAttribute('output.value', 'done');
      span.end();
    });
    await flush();

    expect(fake.exchanges).toHaveLength(2);
    const calls = await callsOf(app);
    expect(calls).toHaveLength(2);
    expect(new Set(calls.map((c) => c.traceId)).size).toBe(1);
    const sorted = [...calls].sort((a, b) => a.inputTokens - b.inputTokens);
    expect(sorted[0]).toMatchObject({ ...fromExchange(fake.exchanges[0]!), response: 'Echo: First question?' });
    expect(sorted[1]).toMatchObject({ ...fromExchange(fake.exchanges[1]!), response: 'Echo: A second, longer question?' });
    expect(trace.getActiveSpan()).toBeUndefined();
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
    expect(st).toMatchObject({ ...fromExchange(fake.exchanges[1]!), service: SERVICE, operation: 'chat', ttftMs: null });
    expect(p.prompt).toContain('Say hello');
    expect(st.prompt).toContain('Stream hello');
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
    // OpenInference flattens it: llm.output_messages.0.message.tool_calls.0.tool_call.function.name
    expect(calls[0]!.response).toContain('get_weather');
  });

  it('a failed request: OpenInference sends no span for it, so llmtop has no call', async () => {
    await expect(client.chat.completions.create({ model: 'nonexistent-model', messages: [{ role: 'user', content: 'Hello?' }] })).rejects.toThrow(
      /does not exist/,
    );
    await flush();

    // OpenInference 4.2 ends its span only on a synchronous throw or a resolved promise: an
    // HTTP error rejects the APIPromise, its span is never ended and never exported. Nothing
    // reaches llmtop, whose right answer is then no call (not a made-up one).
    expect(fake.exchanges).toHaveLength(1);
    expect(fake.exchanges[0]!.status).toBe(404);
    expect(capture.requests.filter((r) => r.test === capture.label)).toHaveLength(0);
    expect(await callsOf(app)).toHaveLength(0);
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
      // OpenInference 4.2 records no token count for embeddings (only the vectors), although
      // the provider's answer holds usage.prompt_tokens.
      inputTokens: 0,
      outputTokens: 0,
      ttftMs: null,
      service: SERVICE,
      source: 'openinference',
    });
    expect(calls[0]!.prompt).toContain('llmtop counts every request once');
  });
});
