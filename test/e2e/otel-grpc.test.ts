import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { getJson, startTestLlmtop } from '../helpers/llmtop.js';
import { freePort } from '../helpers/ports.js';

/*
 * The OpenTelemetry JS SDK's gRPC exporters (traces, logs, metrics) send GenAI telemetry to
 * llmtop's OTLP/gRPC port; the calls appear exactly as over HTTP.
 */

let app: Awaited<ReturnType<typeof startTestLlmtop>> | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

const T0 = Date.now() - 60_000;

describe('OTLP/gRPC', () => {
  it('takes traces, logs and metrics from the OTel SDK gRPC exporters', async () => {
    app = await startTestLlmtop({ grpcPort: await freePort() });
    const url = `http://127.0.0.1:${app.grpcPort}`;

    const tracer = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'grpc-svc', 'deployment.environment.name': 'prod' }),
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url }))],
    });
    const span = tracer.getTracer('t').startSpan('chat gpt-4o', {
      startTime: new Date(T0),
      attributes: {
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.request.stream': true,
        'gen_ai.response.time_to_first_chunk': 0.42,
        'gen_ai.usage.input_tokens': 321,
        'gen_ai.usage.output_tokens': 54,
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'ping over grpc' }] }]),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'pong' }] }]),
      },
    });
    span.end(new Date(T0 + 1200));
    await tracer.shutdown();

    const logs = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'claude-code' }),
      processors: [new SimpleLogRecordProcessor(new OTLPLogExporter({ url }))],
    });
    logs.getLogger('com.anthropic.claude_code.events').emit({
      body: 'claude_code.api_request',
      timestamp: new Date(T0 + 5000),
      attributes: { 'event.name': 'api_request', model: 'claude-haiku-4-5', input_tokens: 10, output_tokens: 20, cost_usd: 0.002, duration_ms: 900 },
    });
    await logs.shutdown();

    const reader = new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url, temporalityPreference: AggregationTemporality.DELTA }), exportIntervalMillis: 3_600_000 });
    const meters = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'metrics-only' }), readers: [reader] });
    const duration = meters.getMeter('m').createHistogram('gen_ai.client.operation.duration', { unit: 's' });
    duration.record(0.8, { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o-mini' });
    duration.record(1.6, { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o-mini' });
    await meters.shutdown();

    const { calls } = await getJson(`${app.url}/api/v1/calls`);
    const grpcCall = calls.find((c: { service: string }) => c.service === 'grpc-svc');
    expect(grpcCall).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o',
      environment: 'prod',
      durationMs: 1200,
      ttftMs: 420,
      inputTokens: 321,
      outputTokens: 54,
      prompt: 'ping over grpc',
      response: 'pong',
      time: new Date(T0).toISOString(),
    });
    expect(calls.find((c: { service: string }) => c.service === 'claude-code')).toMatchObject({ model: 'claude-haiku-4-5', outputTokens: 20, costUsd: 0.002, durationMs: 900 });
    const summary = await getJson(`${app.url}/api/v1/summary?groupBy=service`);
    expect(summary.groups.find((g: { service: string }) => g.service === 'metrics-only')).toMatchObject({ requests: 2 });
  });

  it('refuses undecodable messages with INVALID_ARGUMENT and keeps serving', async () => {
    const grpc = await import('@grpc/grpc-js');
    app = await startTestLlmtop({ grpcPort: await freePort() });
    const client = new grpc.Client(`127.0.0.1:${app.grpcPort}`, grpc.credentials.createInsecure());
    const call = (body: Buffer) =>
      new Promise<{ code: number }>((resolve) =>
        client.makeUnaryRequest(
          '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
          (b: Buffer) => b,
          (b: Buffer) => b,
          body,
          (err) => resolve({ code: err ? err.code : 0 }),
        ),
      );
    expect((await call(Buffer.from([0xff, 0xff, 0xff, 0x0f, 0x01]))).code).toBe(grpc.status.INVALID_ARGUMENT);
    expect((await call(Buffer.alloc(0))).code).toBe(grpc.status.OK);
    client.close();
    expect((await getJson(`${app.url}/healthz`)).status).toBe('ok');
  });
});
