import { describe, expect, it } from 'vitest';
import { childEnv } from '../../src/cli/child-env.js';

const receiver = { host: '127.0.0.1', port: 4321, token: null };

describe('childEnv: the environment of `llmtop -- CMD`', () => {
  it('points every signal of the OTLP exporters at the receiver, over http/protobuf, keeping the rest of the environment', () => {
    const env = childEnv({ PATH: '/usr/bin', HOME: '/home/me' }, receiver, true);
    expect(env).toMatchObject({
      PATH: '/usr/bin',
      HOME: '/home/me',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4321',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4321/v1/traces',
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://127.0.0.1:4321/v1/logs',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://127.0.0.1:4321/v1/metrics',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'otlp',
      CLAUDE_CODE_ENABLE_TELEMETRY: '1',
      GEMINI_TELEMETRY_ENABLED: 'true',
      GEMINI_TELEMETRY_TARGET: 'local',
      GEMINI_TELEMETRY_OTLP_ENDPOINT: 'http://127.0.0.1:4321',
      GEMINI_TELEMETRY_OTLP_PROTOCOL: 'http',
    });
  });

  it.each([
    ['OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT', 'true', 'false'],
    ['OPENLIT_CAPTURE_MESSAGE_CONTENT', 'true', 'false'],
    ['TRACELOOP_TRACE_CONTENT', 'true', 'false'],
    ['OTEL_LOG_USER_PROMPTS', '1', '0'],
    ['OTEL_LOG_ASSISTANT_RESPONSES', '1', '0'],
    ['GEMINI_TELEMETRY_LOG_PROMPTS', 'true', 'false'],
    ['OPENINFERENCE_HIDE_INPUTS', 'false', 'true'],
    ['OPENINFERENCE_HIDE_OUTPUT_MESSAGES', 'false', 'true'],
  ])('%s: %s by default, %s with --no-content', (name, on, off) => {
    expect(childEnv({}, receiver, true)[name]).toBe(on);
    expect(childEnv({}, receiver, false)[name]).toBe(off);
  });

  it.each([
    // [what the user set, content on?, what the child gets]
    [{ TRACELOOP_TRACE_CONTENT: 'false' }, true, { TRACELOOP_TRACE_CONTENT: 'false' }],
    [{ OTEL_LOG_USER_PROMPTS: '0' }, true, { OTEL_LOG_USER_PROMPTS: '0' }],
    [{ CLAUDE_CODE_ENABLE_TELEMETRY: '0' }, true, { CLAUDE_CODE_ENABLE_TELEMETRY: '0' }],
    [{ OTEL_BSP_SCHEDULE_DELAY: '200' }, true, { OTEL_BSP_SCHEDULE_DELAY: '200' }],
    // --no-content: nothing leaves the app, whatever the shell says
    [{ TRACELOOP_TRACE_CONTENT: 'true' }, false, { TRACELOOP_TRACE_CONTENT: 'false' }],
    // pointing at llmtop is the point: an endpoint, protocol or exporter from the shell is replaced
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://vendor.example' }, true, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4321' }],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://vendor.example/v1/traces' }, true, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4321/v1/traces' }],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, true, { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }],
    [{ OTEL_TRACES_EXPORTER: 'console' }, true, { OTEL_TRACES_EXPORTER: 'otlp' }],
    [{ GEMINI_TELEMETRY_OTLP_ENDPOINT: 'https://vendor.example', GEMINI_TELEMETRY_TARGET: 'gcp' }, true, { GEMINI_TELEMETRY_OTLP_ENDPOINT: 'http://127.0.0.1:4321', GEMINI_TELEMETRY_TARGET: 'local' }],
    [{ GEMINI_TELEMETRY_ENABLED: 'false' }, true, { GEMINI_TELEMETRY_ENABLED: 'false' }],
  ] as const)('user %j, content %s → %j', (user, content, expected) => {
    expect(childEnv(user, receiver, content)).toMatchObject(expected);
  });

  it.each([
    ['0.0.0.0', 'http://127.0.0.1:4321'],
    ['::', 'http://127.0.0.1:4321'],
    ['::1', 'http://[::1]:4321'],
    ['192.168.1.5', 'http://192.168.1.5:4321'],
  ])('listening on %s, the child is sent to %s', (host, endpoint) => {
    expect(childEnv({}, { ...receiver, host }, true).OTEL_EXPORTER_OTLP_ENDPOINT).toBe(endpoint);
  });

  it('sends the --token as an OTLP header, and none without one', () => {
    expect(childEnv({}, { ...receiver, token: 's3cret token' }, true).OTEL_EXPORTER_OTLP_HEADERS).toBe('Authorization=Bearer%20s3cret%20token');
    expect(childEnv({}, receiver, true).OTEL_EXPORTER_OTLP_HEADERS).toBeUndefined();
  });
});
