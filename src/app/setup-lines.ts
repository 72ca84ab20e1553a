import { proxyBaseUrl, type Upstream } from '../proxy/routes.js';

/**
 * How to point each common SDK at llmtop, for one endpoint: the one source of the TUI's empty
 * state and the headless start-up lines. `env` words are separate exports; `command` words paste
 * as one command line; `code` is a line of the app's source.
 */
export interface SetupStep {
  label: string;
  kind: 'env' | 'command' | 'code';
  words: string[];
}

/** With the provider proxy on: the base URL variable of each provider's SDKs, first (no instrumentation needed). */
export function setupSteps(endpoint: string, proxy: { origin: string; upstreams: readonly Upstream[] } | null = null): SetupStep[] {
  const viaProxy: SetupStep[] = proxy
    ? [{ label: 'No instrumentation: the OpenAI, Anthropic and Gemini SDKs, through the proxy:', kind: 'env', words: proxy.upstreams.map((u) => `${u.route.envVar}=${proxyBaseUrl(proxy.origin, u.route)}`) }]
    : [];
  return [
    ...viaProxy,
    { label: 'Any OpenTelemetry SDK:', kind: 'env', words: [`OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint}`, 'OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf'] },
    { label: 'openlit, Python:', kind: 'code', words: [`openlit.init(otlp_endpoint="${endpoint}")`] },
    { label: 'openlit, TypeScript:', kind: 'code', words: [`Openlit.init({ otlpEndpoint: "${endpoint}" })`] },
    {
      label: 'Claude Code:',
      kind: 'command',
      words: [
        'CLAUDE_CODE_ENABLE_TELEMETRY=1',
        'OTEL_LOGS_EXPORTER=otlp',
        'OTEL_METRICS_EXPORTER=otlp',
        'OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf',
        `OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint}`,
        'claude',
      ],
    },
  ];
}

/** The steps as plain text lines, for a headless start. */
export function setupText(endpoint: string, proxy: { origin: string; upstreams: readonly Upstream[] } | null = null): string[] {
  return setupSteps(endpoint, proxy).flatMap((s) => [
    s.label,
    ...(s.kind === 'env' ? s.words.map((w) => `  export ${w}`) : s.kind === 'code' ? s.words.map((w) => `  ${w}`) : [`  ${s.words.join(' ')}`]),
  ]);
}
