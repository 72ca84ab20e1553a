import { httpProxyVar, proxyBaseUrl, type Upstream } from '../proxy/routes.js';

/** Where the wrapped command's telemetry goes: llmtop's own receiver. */
export interface Receiver {
  host: string;
  port: number;
  /** Bearer token the receiver requires (--token), or null. */
  token: string | null;
}

/**
 * Capture switches of the common SDKs: on by default so that the log shows prompts and
 * responses, off with --no-content so that no text leaves the app at all.
 */
const CAPTURE: readonly { name: string; on: string; off: string }[] = [
  // OpenTelemetry GenAI instrumentations (opentelemetry-python-contrib, JS contrib)
  { name: 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT', on: 'true', off: 'false' },
  // openlit
  { name: 'OPENLIT_CAPTURE_MESSAGE_CONTENT', on: 'true', off: 'false' },
  // OpenLLMetry (Traceloop)
  { name: 'TRACELOOP_TRACE_CONTENT', on: 'true', off: 'false' },
  // Claude Code sends the user's prompt and its reply only when told to
  { name: 'OTEL_LOG_USER_PROMPTS', on: '1', off: '0' },
  { name: 'OTEL_LOG_ASSISTANT_RESPONSES', on: '1', off: '0' },
  // Gemini CLI (telemetry.logPrompts)
  { name: 'GEMINI_TELEMETRY_LOG_PROMPTS', on: 'true', off: 'false' },
  // OpenInference (Arize): hiding is what is configured
  { name: 'OPENINFERENCE_HIDE_INPUTS', on: 'false', off: 'true' },
  { name: 'OPENINFERENCE_HIDE_OUTPUTS', on: 'false', off: 'true' },
  { name: 'OPENINFERENCE_HIDE_INPUT_MESSAGES', on: 'false', off: 'true' },
  { name: 'OPENINFERENCE_HIDE_OUTPUT_MESSAGES', on: 'false', off: 'true' },
  { name: 'OPENINFERENCE_HIDE_INPUT_TEXT', on: 'false', off: 'true' },
  { name: 'OPENINFERENCE_HIDE_OUTPUT_TEXT', on: 'false', off: 'true' },
];

/**
 * Defaults the user may have chosen otherwise: Claude Code and Gemini CLI export nothing unless
 * enabled, and the SDKs' batch processors wait 5s by default, which makes a live view lag.
 * (Codex reads its telemetry set-up from ~/.codex/config.toml only.)
 */
const DEFAULTS: Readonly<Record<string, string>> = {
  CLAUDE_CODE_ENABLE_TELEMETRY: '1',
  GEMINI_TELEMETRY_ENABLED: 'true',
  OTEL_BSP_SCHEDULE_DELAY: '1000',
  OTEL_BLRP_SCHEDULE_DELAY: '1000',
  OTEL_LOGS_EXPORT_INTERVAL: '1000',
};

const SIGNALS = ['traces', 'metrics', 'logs'] as const;

/** llmtop's provider proxy: its address, and the providers it relays. */
export interface ProxyTarget {
  origin: string;
  upstreams: readonly Upstream[];
}

/**
 * The environment of `llmtop -- CMD`: the user's own, pointed at llmtop. The endpoint and
 * protocol always win (pointing the app at llmtop is the point, and a signal-specific endpoint
 * left from the user's shell would send that signal elsewhere); the capture switches and
 * defaults are the user's when set, except that --no-content turns capture off. With the proxy,
 * each provider's base URL variable points at it: a base URL the user had set is already the
 * proxy's upstream for that provider (see proxy/routes.ts), so the app still reaches it.
 */
export function childEnv(userEnv: Readonly<Record<string, string | undefined>>, receiver: Receiver, content: boolean, proxy: ProxyTarget | null = null): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(userEnv)) if (v !== undefined) env[k] = v;
  for (const [k, v] of Object.entries(DEFAULTS)) env[k] ??= v;
  for (const c of CAPTURE) {
    if (!content) env[c.name] = c.off;
    else env[c.name] ??= c.on;
  }
  const base = `http://${endpointHost(receiver.host)}:${receiver.port}`;
  env.OTEL_EXPORTER_OTLP_ENDPOINT = base;
  env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/protobuf';
  for (const s of SIGNALS) {
    const S = s.toUpperCase();
    env[`OTEL_EXPORTER_OTLP_${S}_ENDPOINT`] = `${base}/v1/${s}`;
    env[`OTEL_EXPORTER_OTLP_${S}_PROTOCOL`] = 'http/protobuf';
    env[`OTEL_${S}_EXPORTER`] = 'otlp';
  }
  // Gemini CLI's own variables for where its telemetry goes (it adds /v1/traces ... itself).
  env.GEMINI_TELEMETRY_TARGET = 'local';
  env.GEMINI_TELEMETRY_OTLP_ENDPOINT = base;
  env.GEMINI_TELEMETRY_OTLP_PROTOCOL = 'http';
  if (receiver.token !== null) env.OTEL_EXPORTER_OTLP_HEADERS = `Authorization=Bearer%20${encodeURIComponent(receiver.token)}`;
  for (const u of proxy?.upstreams ?? []) env[u.route.envVar] = proxyBaseUrl(proxy!.origin, u.route);
  // An HTTP(S) proxy of the user's own must not be asked for llmtop's, on this machine's loopback.
  if (proxy && httpProxyVar(env)) for (const k of ['NO_PROXY', 'no_proxy']) env[k] = [env[k], '127.0.0.1', 'localhost'].filter(Boolean).join(',');
  return env;
}

/** A wildcard listen address is reached on loopback; an IPv6 literal needs brackets in a URL. */
function endpointHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
