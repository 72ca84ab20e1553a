import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { SourcesReport } from '../../src/domain/sources.js';
import { getJson, startTestLlmtop } from '../helpers/llmtop.js';
import { tracerFor } from '../helpers/otel.js';
import { freePort } from '../helpers/ports.js';
import { OTLPTraceExporter as TracesGrpc } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

/* The Sources report from real exporters and real SDK payloads, through the real receiver. */

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'normalize', 'fixtures');

let running: Awaited<ReturnType<typeof startTestLlmtop>> | null = null;
afterEach(async () => {
  await running?.close();
  running = null;
});

async function postFixture(url: string, name: string): Promise<void> {
  const fixture = JSON.parse(readFileSync(join(fixtures, `${name}.json`), 'utf8')) as { requests: { signal: string; body: unknown }[] };
  for (const r of fixture.requests) {
    const res = await fetch(`${url}/v1/${r.signal}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(r.body) });
    expect(res.status).toBe(200);
  }
}

describe('GET /api/v1/sources', () => {
  it('lists each sender with its SDK, scope, protocol, encoding and items', async () => {
    running = await startTestLlmtop();
    const t = tracerFor(running.url, 'proto', { 'service.name': 'chatbot', 'telemetry.sdk.name': 'opentelemetry', 'telemetry.sdk.language': 'nodejs', 'telemetry.sdk.version': '2.0.1' });
    const span = t.start('chat gpt-4o', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 5 }, Date.now() - 1000);
    t.end(span, Date.now());
    await t.flush();
    const report = await getJson<SourcesReport>(`${running.url}/api/v1/sources`);
    const sender = report.sources.find((s) => s.service === 'chatbot')!;
    expect(sender.sdk).toEqual({ name: 'opentelemetry', language: 'nodejs', version: expect.stringMatching(/^\d+\./) });
    expect(sender.scope).toEqual({ name: 'test-instrumentation', version: '1.0.0' });
    expect(sender).toMatchObject({ protocol: 'http', encoding: 'protobuf', compression: 'none', items: { spans: 1, logs: 0, metricPoints: 0 } });
    expect(sender.itemsPerSecond).toBeGreaterThan(0);
    expect(Math.abs(sender.lastSeenMs - Date.now())).toBeLessThan(60_000);
    await t.shutdown();
  });

  it('says which setting turns prompt capture on, and counts spans that name no model', async () => {
    running = await startTestLlmtop();
    const t = tracerFor(running.url, 'json', { 'service.name': 'no-text-app' });
    const now = Date.now();
    t.end(t.start('chat', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 3, 'gen_ai.usage.output_tokens': 2 }, now - 500), now);
    t.end(t.start('chat unnamed', { 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'openai' }, now - 500), now);
    await t.flush();
    const report = await getJson<SourcesReport>(`${running.url}/api/v1/sources`);
    expect(report.sources.find((s) => s.service === 'no-text-app')).toMatchObject({ encoding: 'json', items: { spans: 2 } });
    const hints = report.hints.filter((h) => h.service === 'no-text-app');
    expect(hints.find((h) => h.kind === 'no-text')?.fix).toBe('OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true');
    expect(hints.find((h) => h.kind === 'modelless')?.message).toContain('"chat unnamed"');
    expect(hints.some((h) => h.kind === 'no-tokens')).toBe(false);
    await t.shutdown();
  });

  it('flags streamed calls without TTFT (OpenLLMetry) and not those with it (openlit)', async () => {
    running = await startTestLlmtop();
    await postFixture(running.url, 'openllmetry-anthropic-stream');
    await postFixture(running.url, 'openlit-python-chat-stream');
    const { hints, sources } = await getJson<SourcesReport>(`${running.url}/api/v1/sources`);
    expect(hints.find((h) => h.service === 'translator' && h.kind === 'no-ttft')).toBeDefined();
    expect(hints.filter((h) => h.kind === 'no-ttft')).toHaveLength(1);
    expect(sources.find((s) => s.service === 'translator')?.scope.name).toBe('opentelemetry.instrumentation.anthropic');
  });

  it("counts none of a coding agent's internal spans as spans that look like calls (Codex names the model on a dozen)", async () => {
    running = await startTestLlmtop();
    await postFixture(running.url, 'codex-0.171-exec-traces-logs-metrics');
    await postFixture(running.url, 'gemini-cli-0.61-auto-router');
    const { hints, sources } = await getJson<SourcesReport>(`${running.url}/api/v1/sources`);
    expect(sources.filter((s) => s.service === 'codex_exec').reduce((n, s) => n + s.items.spans, 0)).toBeGreaterThan(10);
    // Nothing about spans; only what is true: Codex streams and reports no time to first token of a request.
    expect(hints.map((h) => `${h.service} ${h.kind}`)).toEqual(['codex_exec no-ttft']);
  });

  it('tells gRPC senders apart', async () => {
    running = await startTestLlmtop({ grpcPort: await freePort() });
    const exporter = new TracesGrpc({ url: `http://127.0.0.1:${running.grpcPort}`, compression: 'gzip' as never });
    const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'grpc-app' }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const span = provider.getTracer('grpc-scope', '2.0.0').startSpan('chat', { attributes: { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 1 } });
    span.end();
    await provider.forceFlush();
    const { sources } = await getJson<SourcesReport>(`${running.url}/api/v1/sources`);
    expect(sources.find((s) => s.service === 'grpc-app')).toMatchObject({ protocol: 'grpc', encoding: 'protobuf', compression: 'unknown', scope: { name: 'grpc-scope', version: '2.0.0' }, items: { spans: 1 } });
    await provider.shutdown();
  });

  it('names the refused requests and why', async () => {
    running = await startTestLlmtop();
    const res = await fetch(`${running.url}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'hello' });
    expect(res.status).toBe(415);
    const { sources } = await getJson<SourcesReport>(`${running.url}/api/v1/sources`);
    expect(sources).toHaveLength(1);
    expect(sources[0]!.refused).toEqual([{ status: 415, count: 1, reason: expect.stringContaining('text/plain') }]);
  });

  it('/healthz gives the pid', async () => {
    running = await startTestLlmtop();
    expect((await getJson(`${running.url}/healthz`)).pid).toBe(process.pid);
  });
});
