import { createOpenAI } from '@ai-sdk/openai';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter as OTLPTraceExporterJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { embed, generateText, stepCountIs, streamText, tool } from 'ai';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestLlmtop } from '../helpers/llmtop.js';
import { capturedSpans, startCapture, versions, type Capture } from './capture.js';
import { startFakeOpenAI, WEATHER, type Exchange, type FakeOpenAI } from './fake-openai.js';
import { callsOf, estimatedCost, expectTimeWithin, fromExchange, sleep, summaryOf, type Llmtop } from './shared.js';

/*
 * The Vercel AI SDK (`ai` 6 with `@ai-sdk/openai` 3) driven for real: `experimental_telemetry`
 * with a tracer from the OpenTelemetry JS SDK (BasicTracerProvider, AsyncLocalStorage context so
 * that the SDK's spans nest), the OpenAI provider pointed at a fake OpenAI on loopback, and a
 * real llmtop behind a capturing relay (captured/vercel-ai.json holds what the SDK really sent).
 * Every test runs twice: spans exported one by one as they end (simple processor, OTLP/protobuf:
 * children arrive before their parents, each in its own request) and in batches (batch
 * processor, OTLP/JSON: a whole trace in one request).
 *
 * Not covered: `ai` 7 (its `invoke_agent` / `chat` spans) and `@ai-sdk/openai` 4 declare
 * engines node >= 22 and cannot be installed for Node 20; 6.x is the newest line for Node 20.
 *
 * The SDK traces each provider request twice: an outer `ai.generateText` / `ai.streamText` /
 * `ai.embed` span and an inner `.doGenerate` / `.doStream` / `.doEmbed` span per request, both
 * with `ai.usage.*`; a tool loop has one outer span above several inner ones, and an
 * `ai.toolCall` span per executed tool. llmtop must count the inner spans, once each.
 */

const SERVICE = 'vercel-ai-app';
const FIRST_CHUNK_MS = 300;

let fake: FakeOpenAI;
let capture: Capture;
let app: Llmtop;
const allExchanges: (Exchange & { test: string })[] = [];
const contextManager = new AsyncLocalStorageContextManager();

const SETUPS = {
  'simple processor, OTLP/protobuf': (url: string): SpanProcessor => new SimpleSpanProcessor(new OTLPTraceExporter({ url })),
  'batch processor, OTLP/JSON': (url: string): SpanProcessor => new BatchSpanProcessor(new OTLPTraceExporterJson({ url }), { scheduledDelayMillis: 60_000 }),
} as const;
type Setup = keyof typeof SETUPS;
const providers = new Map<Setup, BasicTracerProvider>();

beforeAll(async () => {
  context.setGlobalContextManager(contextManager.enable());
  fake = await startFakeOpenAI({ firstChunkDelayMs: FIRST_CHUNK_MS });
  capture = await startCapture();
  for (const [name, processor] of Object.entries(SETUPS) as [Setup, (url: string) => SpanProcessor][]) {
    providers.set(
      name,
      new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': SERVICE, 'deployment.environment.name': 'e2e' }),
        spanProcessors: [processor(`${capture.url}/v1/traces`)],
      }),
    );
  }
});

afterAll(async () => {
  for (const p of providers.values()) await p.shutdown();
  capture.save('vercel-ai', {
    versions: versions('ai', '@ai-sdk/openai', '@opentelemetry/exporter-trace-otlp-proto', '@opentelemetry/exporter-trace-otlp-http'),
    note: 'BasicTracerProvider; each test twice: SimpleSpanProcessor + OTLP/protobuf (bodies decoded here to OTLP/JSON), then BatchSpanProcessor + OTLP/JSON. exchanges: what the fake provider was asked and answered',
    exchanges: allExchanges,
  });
  await capture.close();
  await fake.close();
  context.disable();
});

afterEach(async () => {
  allExchanges.push(...fake.exchanges.map((x) => ({ test: capture.label, ...x })));
  await app.close();
});

/** The OpenAI provider on the chat-completions API (plain `openai(id)` uses the Responses API). */
function model(id: string) {
  return createOpenAI({ baseURL: fake.baseURL, apiKey: 'sk-fake' }).chat(id);
}

describe.each(Object.keys(SETUPS) as Setup[])('Vercel AI SDK (%s) → llmtop', (setup) => {
  // streamText ends its outer span a moment after the text is complete: let it end, then send
  // everything, so that no span of one test reaches the next test's llmtop.
  const provider = { forceFlush: async () => (await sleep(50), providers.get(setup)!.forceFlush()) };
  const telemetry = (functionId: string) => ({ isEnabled: true, functionId, tracer: providers.get(setup)!.getTracer('ai') });

  beforeEach(async (ctx) => {
    app = await startTestLlmtop();
    capture.target = app.url;
    capture.label = `${setup} | ${ctx.task.name}`;
    fake.exchanges.length = 0;
  });
  it('generateText: one call for the outer span and its doGenerate', async () => {
    const t0 = Date.now();
    const result = await generateText({
      model: model('gpt-4o-mini'),
      prompt: 'What is the capital of France?',
      experimental_telemetry: telemetry('plain-chat'),
    });
    expect(result.text).toBe('Echo: What is the capital of France?');
    await provider.forceFlush();

    expect(fake.exchanges).toHaveLength(1);
    const calls = await callsOf(app);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      ...fromExchange(fake.exchanges[0]!),
      service: SERVICE,
      environment: 'e2e',
      operation: 'chat',
      ttftMs: null,
      response: 'Echo: What is the capital of France?',
      source: 'vercel-ai',
    });
    expect(calls[0]!.prompt).toContain('What is the capital of France?');
    expect(calls[0]!.durationMs).toBeGreaterThan(0);
    expectTimeWithin(calls[0]!, t0);
    // The AI SDK reports no cost: llmtop estimates it from its table, dated model name and all.
    const x = fake.exchanges[0]!;
    expect(calls[0]!.costSource).toBe('estimated');
    expect(calls[0]!.costUsd).toBeCloseTo(estimatedCost(x.responseModel, x.usage.promptTokens, x.usage.completionTokens), 12);
  });

  it('streamText: one call with TTFT about the first-chunk delay', async () => {
    const result = streamText({
      model: model('gpt-4o-mini'),
      prompt: 'Stream me a greeting',
      experimental_telemetry: telemetry('stream-chat'),
    });
    let text = '';
    for await (const part of result.textStream) text += part;
    expect(text).toBe('Echo: Stream me a greeting');
    await result.usage;
    await provider.forceFlush();

    expect(fake.exchanges).toHaveLength(1);
    expect(fake.exchanges[0]!.stream).toBe(true);
    expect(fake.exchanges[0]!.usageSent).toBe(true);
    const calls = await callsOf(app);
    expect(calls).toHaveLength(1);
    const c = calls[0]!;
    expect(c).toMatchObject({ ...fromExchange(fake.exchanges[0]!), service: SERVICE, operation: 'chat', response: 'Echo: Stream me a greeting' });
    expect(c.prompt).toContain('Stream me a greeting');
    // ai.response.msToFirstChunk of the doStream span, in ms, as it is.
    const doStream = capturedSpans(capture).find((sp) => sp.name === 'ai.streamText.doStream');
    expect(c.ttftMs).toBeCloseTo(doStream!.attributes['ai.response.msToFirstChunk'] as number, 6);
    expect(c.ttftMs).not.toBeNull();
    expect(c.ttftMs!).toBeGreaterThanOrEqual(FIRST_CHUNK_MS - 20);
    expect(c.ttftMs!).toBeLessThan(FIRST_CHUNK_MS + 500);
    expect(c.durationMs).toBeGreaterThanOrEqual(c.ttftMs!);

    const summary = await summaryOf(app);
    expect(summary.totals).toMatchObject({ requests: 1, errors: 0, inputTokens: c.inputTokens, outputTokens: c.outputTokens });
    expect(summary.groups).toEqual([expect.objectContaining({ provider: 'openai', model: c.model, requests: 1 })]);
    expect(summary.groups[0]!.p95TtftMs).toBeGreaterThanOrEqual(FIRST_CHUNK_MS - 20);
  });

  it('generateText with a tool loop: two calls under one outer span, none for the tool', async () => {
    const result = await generateText({
      model: model('gpt-4o-mini'),
      prompt: 'What is the weather in Paris?',
      tools: {
        get_weather: tool({
          description: 'The weather in a city',
          inputSchema: z.object({ city: z.string() }),
          execute: async () => WEATHER,
        }),
      },
      stopWhen: stepCountIs(3),
      experimental_telemetry: telemetry('tool-loop'),
    });
    expect(result.text).toBe(`The weather in Paris: ${WEATHER}.`);
    expect(result.steps).toHaveLength(2);
    await provider.forceFlush();

    expect(fake.exchanges).toHaveLength(2);
    const [first, second] = fake.exchanges;
    expect(first!.toolCalls).toHaveLength(1);
    const calls = await callsOf(app);
    expect(calls).toHaveLength(2);
    // Both provider requests belong to one trace (one outer ai.generateText span).
    expect(new Set(calls.map((c) => c.traceId)).size).toBe(1);
    const byInput = [...calls].sort((a, b) => a.inputTokens - b.inputTokens);
    expect(byInput[0]).toMatchObject({ ...fromExchange(first!), service: SERVICE, operation: 'chat', ttftMs: null });
    expect(byInput[1]).toMatchObject({ ...fromExchange(second!), service: SERVICE, operation: 'chat', ttftMs: null, response: `The weather in Paris: ${WEATHER}.` });
    expect(byInput[0]!.prompt).toContain('What is the weather in Paris?');
    // The first request answered with a tool call, not with the loop's final text: its
    // response names the tool (llmtop writes tool calls in messages as "[tool call NAME]"),
    // read from the doGenerate span's `ai.response.toolCalls`.
    expect(byInput[0]!.response ?? '').not.toContain('The weather in Paris:');
    expect(byInput[0]!.response).toContain('get_weather');
    expect(byInput[1]!.prompt).toContain('What is the weather in Paris?');
  });

  it('streamText with a tool loop: two streamed calls, each with its TTFT', async () => {
    const result = streamText({
      model: model('gpt-4o-mini'),
      prompt: 'What is the weather in Paris?',
      tools: {
        get_weather: tool({ description: 'The weather in a city', inputSchema: z.object({ city: z.string() }), execute: async () => WEATHER }),
      },
      stopWhen: stepCountIs(3),
      experimental_telemetry: telemetry('stream-tool-loop'),
    });
    expect(await result.text).toBe(`The weather in Paris: ${WEATHER}.`);
    await provider.forceFlush();

    expect(fake.exchanges).toHaveLength(2);
    const calls = await callsOf(app);
    expect(calls).toHaveLength(2);
    expect(new Set(calls.map((c) => c.traceId)).size).toBe(1);
    const byInput = [...calls].sort((a, b) => a.inputTokens - b.inputTokens);
    expect(byInput[0]).toMatchObject({ ...fromExchange(fake.exchanges[0]!), service: SERVICE, operation: 'chat' });
    expect(byInput[1]).toMatchObject({ ...fromExchange(fake.exchanges[1]!), service: SERVICE, operation: 'chat', response: `The weather in Paris: ${WEATHER}.` });
    // The first step's doStream has ai.response.text "" and ai.response.toolCalls (here with
    // `input` as an object and `type: "tool-call"`, unlike doGenerate's JSON-string `input`).
    expect(byInput[0]!.response ?? '').not.toContain('The weather in Paris:');
    expect(byInput[0]!.response).toContain('get_weather');
    for (const c of calls) {
      expect(c.ttftMs).not.toBeNull();
      expect(c.ttftMs!).toBeGreaterThanOrEqual(FIRST_CHUNK_MS - 20);
      expect(c.ttftMs!).toBeLessThan(FIRST_CHUNK_MS + 500);
    }
  });

  it('three concurrent streamText calls: three calls, each in its own trace with its TTFT', async () => {
    const prompts = ['Alpha?', 'Beta gamma?', 'Delta epsilon zeta?'];
    const texts = await Promise.all(
      prompts.map(async (prompt, i) => {
        const r = streamText({ model: model('gpt-4o-mini'), prompt, experimental_telemetry: telemetry(`concurrent-${i}`) });
        return r.text;
      }),
    );
    expect(texts).toEqual(prompts.map((p) => `Echo: ${p}`));
    await provider.forceFlush();

    expect(fake.exchanges).toHaveLength(3);
    const calls = await callsOf(app);
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.traceId)).size).toBe(3);
    for (const p of prompts) {
      const x = fake.exchanges.find((e) => e.content === `Echo: ${p}`)!;
      const c = calls.find((k) => k.response === `Echo: ${p}`)!;
      expect(c).toMatchObject({ ...fromExchange(x), prompt: p, service: SERVICE });
      expect(c.ttftMs!).toBeGreaterThanOrEqual(FIRST_CHUNK_MS - 20);
    }
  });

  it('the Responses API (plain `openai(id)`): generateText and streamText, one call each', async () => {
    const responsesModel = createOpenAI({ baseURL: fake.baseURL, apiKey: 'sk-fake' })('gpt-4o-mini');
    const plain = await generateText({ model: responsesModel, prompt: 'Say hello', experimental_telemetry: telemetry('responses-plain') });
    expect(plain.text).toBe('Echo: Say hello');
    const streamed = streamText({ model: responsesModel, prompt: 'Stream hello', experimental_telemetry: telemetry('responses-stream') });
    expect(await streamed.text).toBe('Echo: Stream hello');
    await provider.forceFlush();

    expect(fake.exchanges.map((x) => x.path)).toEqual(['/v1/responses', '/v1/responses']);
    const calls = await callsOf(app);
    expect(calls).toHaveLength(2);
    const p = calls.find((c) => c.response === 'Echo: Say hello')!;
    const st = calls.find((c) => c.response === 'Echo: Stream hello')!;
    expect(p).toMatchObject({ ...fromExchange(fake.exchanges[0]!), service: SERVICE, operation: 'chat', ttftMs: null });
    expect(st).toMatchObject({ ...fromExchange(fake.exchanges[1]!), service: SERVICE, operation: 'chat' });
    expect(p.prompt).toContain('Say hello');
    expect(st.prompt).toContain('Stream hello');
    expect(st.ttftMs).not.toBeNull();
    expect(st.ttftMs!).toBeGreaterThanOrEqual(FIRST_CHUNK_MS - 20);
    expect(st.ttftMs!).toBeLessThan(FIRST_CHUNK_MS + 500);
  });

  it('a failed provider request: one call with status error and the message', async () => {
    await expect(
      generateText({ model: model('nonexistent-model'), prompt: 'Hello?', maxRetries: 0, experimental_telemetry: telemetry('error') }),
    ).rejects.toThrow(/does not exist/);
    await provider.forceFlush();

    expect(fake.exchanges).toHaveLength(1);
    const calls = await callsOf(app);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ provider: 'openai', model: 'nonexistent-model', status: 'error', service: SERVICE, inputTokens: 0, outputTokens: 0, ttftMs: null });
    expect(calls[0]!.error).toMatch(/does not exist/);
    expect(calls[0]!.prompt).toContain('Hello?');
  });

  it('embed: one embeddings call for the outer span and its doEmbed', async () => {
    const result = await embed({
      model: createOpenAI({ baseURL: fake.baseURL, apiKey: 'sk-fake' }).embedding('text-embedding-3-small'),
      value: 'llmtop counts every request once',
      experimental_telemetry: telemetry('embed'),
    });
    expect(result.embedding).toHaveLength(4);
    await provider.forceFlush();

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
      source: 'vercel-ai',
    });
    // The embedded text is the prompt, as for openlit and OpenInference embeddings: the SDK sends
    // it as `ai.values` (doEmbed, a list of JSON strings) and `ai.value` (the outer ai.embed).
    expect(calls[0]!.prompt).toContain('llmtop counts every request once');
  });
});
