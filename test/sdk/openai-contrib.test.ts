import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { childEnv } from '../../src/cli/child-env.js';
import { startTestLlmtop } from '../helpers/llmtop.js';
import { startCapture, versions, type Capture } from './capture.js';
import { startFakeOpenAI, type Exchange, type FakeOpenAI } from './fake-openai.js';
import { callsOf, fromExchange, type Llmtop } from './shared.js';

/*
 * The OpenTelemetry contrib OpenAI instrumentation (`@opentelemetry/instrumentation-openai`
 * 0.22, GenAI conventions 1.36 for Chat Completions and 1.38 for the Responses API) driven for
 * real: an app process (fixtures/openai-contrib-app.cjs) starts NodeSDK with the
 * instrumentation, everything else from the OTEL_* variables `llmtop -- node app.cjs` gives it,
 * and calls the `openai` client (6.x) against the fake OpenAI on loopback; its spans, log events
 * and metrics go through the capturing relay to a real llmtop (captured/openai-contrib.json).
 *
 * Chat Completions: a span per request and the messages as gen_ai.system.message,
 * gen_ai.user.message and gen_ai.choice log events with the span's context. Responses: a span
 * and gen_ai.client.inference.operation.details log events.
 */

const SERVICE = 'contrib-app';
const APP = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'openai-contrib-app.cjs');

let fake: FakeOpenAI;
let capture: Capture;
let app: Llmtop;
const allExchanges: (Exchange & { test: string })[] = [];

beforeAll(async () => {
  fake = await startFakeOpenAI({ firstChunkDelayMs: 300 });
  capture = await startCapture();
});

afterAll(async () => {
  capture.save('openai-contrib', {
    versions: versions('@opentelemetry/instrumentation-openai', '@opentelemetry/sdk-node', 'openai'),
    note: 'NodeSDK({ instrumentations: [new OpenAIInstrumentation()] }) in a CommonJS app, configured by the OTEL_* variables of `llmtop -- node app.cjs` (OTLP/protobuf, content capture on)',
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

/** Runs the app with `llmtop -- node app.cjs`'s environment; resolves with its answers once it has shut its SDK down. */
async function runApp(requests: string): Promise<string[]> {
  const env = childEnv(
    { PATH: process.env.PATH, OTEL_SERVICE_NAME: SERVICE, FAKE_OPENAI_BASE_URL: fake.baseURL },
    { host: '127.0.0.1', port: Number(new URL(capture.url).port), token: null },
    true,
  );
  const { stdout } = await promisify(execFile)(process.execPath, [APP, requests], { env, timeout: 60_000 });
  return JSON.parse(stdout) as string[];
}

/**
 * Names of the log events one test's app sent (Chat Completions' in the `event.name` attribute,
 * as the 1.36 conventions had it; Responses' in the record's event_name), and whether they carried trace context.
 */
function logEvents(): string[] {
  const out: string[] = [];
  for (const r of capture.requests) {
    if (r.test !== capture.label || r.path !== '/v1/logs') continue;
    for (const rl of (r.body as any).resourceLogs ?? [])
      for (const sl of rl.scopeLogs ?? [])
        for (const l of sl.logRecords ?? []) {
          const attr = l.attributes?.find((a: any) => a.key === 'event.name')?.value?.stringValue;
          out.push(`${l.eventName ?? attr}${l.traceId ? '' : ' (no trace)'}`);
        }
  }
  return out;
}

describe('@opentelemetry/instrumentation-openai + NodeSDK from OTEL_* → llmtop', () => {
  it('a chat completion: one call, its messages from the gen_ai.*.message log events', async () => {
    expect(await runApp('chat')).toEqual(['Echo: What is the capital of France?']);

    expect(fake.exchanges).toHaveLength(1);
    expect(logEvents()).toEqual(['gen_ai.system.message', 'gen_ai.user.message', 'gen_ai.choice']);
    const calls = await callsOf(app);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      ...fromExchange(fake.exchanges[0]!),
      service: SERVICE,
      operation: 'chat',
      ttftMs: null,
      prompt: 'system: You are terse.\nuser: What is the capital of France?',
      response: 'Echo: What is the capital of France?',
      finishReason: 'stop',
      source: 'gen_ai',
    });
    expect(calls[0]!.durationMs).toBeGreaterThan(0);
  });

  it('a streamed chat completion: one call, with the usage of the last chunk', async () => {
    expect(await runApp('chat-stream')).toEqual(['Echo: Stream me a greeting']);

    expect(fake.exchanges).toHaveLength(1);
    const calls = await callsOf(app);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ ...fromExchange(fake.exchanges[0]!), service: SERVICE, prompt: 'Stream me a greeting', response: 'Echo: Stream me a greeting' });
    expect(calls[0]!.durationMs).toBeGreaterThanOrEqual(300);
  });

  it('the Responses API, plain and streamed: one call each, the text from the operation details events', async () => {
    expect(await runApp('responses,responses-stream')).toEqual(['Echo: Say hello', 'Echo: Stream hello']);

    expect(fake.exchanges.map((x) => `${x.path} ${x.stream}`)).toEqual(['/v1/responses false', '/v1/responses true']);
    expect(logEvents().every((e) => e === 'gen_ai.client.inference.operation.details')).toBe(true);
    const calls = await callsOf(app);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ ...fromExchange(fake.exchanges[0]!), service: SERVICE, response: 'Echo: Say hello' });
    expect(calls[1]).toMatchObject({ ...fromExchange(fake.exchanges[1]!), service: SERVICE, response: 'Echo: Stream hello' });
    expect(calls[0]!.prompt).toContain('Say hello');
    expect(calls[1]!.prompt).toContain('Stream hello');
  });
});
