import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { OTLPLogExporter as LogsHttp } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as LogsProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as MetricsHttp } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as MetricsProto } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as TracesHttp } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as TracesProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

/*
 * The OpenTelemetry JS SDK's own OTLP exporters, as an instrumented app would use them.
 * Simple processors export each span or record as it ends: one request each, child first.
 */

export type Protocol = 'proto' | 'json';

export function tracerFor(url: string, protocol: Protocol, resource: Attributes) {
  const exporter = protocol === 'proto' ? new TracesProto({ url: `${url}/v1/traces` }) : new TracesHttp({ url: `${url}/v1/traces` });
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes(resource), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('test-instrumentation', '1.0.0');
  return {
    /** Starts a span at a given time, under a parent when given. */
    start(name: string, attributes: Attributes, startMs: number, parent?: Span, kind = SpanKind.CLIENT): Span {
      const ctx = parent ? trace.setSpan(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
      return tracer.startSpan(name, { attributes, startTime: startMs, kind }, ctx);
    },
    end(span: Span, endMs: number, error?: string): void {
      if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
      span.end(endMs);
    },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

export function loggerFor(url: string, protocol: Protocol, resource: Attributes, scope = 'test-instrumentation') {
  const exporter = protocol === 'proto' ? new LogsProto({ url: `${url}/v1/logs` }) : new LogsHttp({ url: `${url}/v1/logs` });
  const provider = new LoggerProvider({ resource: resourceFromAttributes(resource), processors: [new SimpleLogRecordProcessor(exporter)] });
  return { logger: provider.getLogger(scope), flush: () => provider.forceFlush(), shutdown: () => provider.shutdown() };
}

export function meterFor(url: string, protocol: Protocol, resource: Attributes) {
  const options = { url: `${url}/v1/metrics`, temporalityPreference: AggregationTemporality.CUMULATIVE };
  const exporter = protocol === 'proto' ? new MetricsProto(options) : new MetricsHttp(options);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ resource: resourceFromAttributes(resource), readers: [reader] });
  return { meter: provider.getMeter('test-instrumentation'), flush: () => provider.forceFlush(), shutdown: () => provider.shutdown() };
}

export { trace };
