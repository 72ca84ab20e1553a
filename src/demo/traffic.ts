/*
 * Synthetic GenAI telemetry for `llmtop --demo`: several services, environments, providers
 * and models, streamed calls with TTFT, errors, prompt caching and realistic prompts, written
 * the way real SDKs write it (openlit-style spans, Vercel AI SDK layers, Claude Code events)
 * and sent over OTLP/HTTP to the receiver itself, so the demo exercises the real path.
 */

import { BundledPrices } from '../pricing/index.js';

type Json = Record<string, unknown>;

interface ModelProfile {
  provider: string;
  model: string;
  /** Typical latency and output speed. */
  baseMs: number;
  tokensPerSecond: number;
}

const MODELS: ModelProfile[] = [
  { provider: 'openai', model: 'gpt-4o-mini', baseMs: 350, tokensPerSecond: 90 },
  { provider: 'openai', model: 'gpt-4.1', baseMs: 600, tokensPerSecond: 60 },
  { provider: 'anthropic', model: 'claude-sonnet-4-5-20250929', baseMs: 900, tokensPerSecond: 55 },
  { provider: 'anthropic', model: 'claude-haiku-4-5-20251001', baseMs: 400, tokensPerSecond: 110 },
  { provider: 'google', model: 'gemini-2.5-flash', baseMs: 300, tokensPerSecond: 150 },
  { provider: 'mistral', model: 'mistral-small-latest', baseMs: 300, tokensPerSecond: 100 },
];

const SERVICES = [
  { service: 'support-bot', environment: 'production', models: [0, 2, 3] },
  { service: 'checkout-assistant', environment: 'production', models: [0, 1] },
  { service: 'rag-api', environment: 'staging', models: [1, 4, 5] },
  { service: 'eval-runner', environment: 'development', models: [2, 4] },
];

const PROMPTS: [string, string][] = [
  ['How do I reset my password?', 'Open Settings → Security and choose "Reset password". We will email you a link that is valid for 30 minutes.'],
  ['Summarize this support ticket in two sentences.', 'The customer was charged twice for order #4821. They ask for a refund of the duplicate charge.'],
  ['Which plan includes SSO?', 'SSO with SAML and OIDC is included in the Business and Enterprise plans.'],
  ['Translate "Where is the train station?" to German.', 'Wo ist der Bahnhof?'],
  ['Write a SQL query for the ten most recent orders.', 'SELECT * FROM orders ORDER BY created_at DESC LIMIT 10;'],
  ['Classify the sentiment: "The update broke my workflow again."', 'negative'],
  ['Extract the invoice total from the attached text.', '{"total": 1284.50, "currency": "EUR"}'],
  ['What changed in the last deploy?', 'Three services were updated: payments (retry logic), search (new ranking) and auth (token lifetime).'],
];

/** Failures as SDKs report them: error.type, and the message on the span status. */
const FAILURES = [
  { type: '429', message: '429 Too Many Requests: rate limit exceeded' },
  { type: 'RateLimitError', message: 'Rate limit reached for requests' },
  { type: '500', message: '500 Internal Server Error' },
  { type: 'overloaded_error', message: 'Overloaded' },
  { type: 'APITimeoutError', message: 'Request timed out.' },
];

const prices = new BundledPrices();

/** A source of random numbers, injected so tests can make the traffic deterministic. */
export type Random = () => number;

function hex(rand: Random, bytes: number): string {
  let s = '';
  for (let i = 0; i < bytes; i++) s += Math.floor(rand() * 256).toString(16).padStart(2, '0');
  return s;
}

function attrs(o: Record<string, string | number | boolean | string[]>): Json[] {
  return Object.entries(o).map(([key, v]) => ({
    key,
    value: Array.isArray(v)
      ? { arrayValue: { values: v.map((s) => ({ stringValue: s })) } }
      : typeof v === 'string'
        ? { stringValue: v }
        : typeof v === 'boolean'
          ? { boolValue: v }
          : Number.isInteger(v)
            ? { intValue: v }
            : { doubleValue: v },
  }));
}

const ns = (ms: number) => String(BigInt(Math.round(ms)) * 1_000_000n);

/** One provider request as spans of the service's SDK. */
function callSpans(rand: Random, nowMs: number, serviceIndex: number): Json[] {
  const svc = SERVICES[serviceIndex]!;
  const m = MODELS[svc.models[Math.floor(rand() * svc.models.length)]!]!;
  const [prompt, response] = PROMPTS[Math.floor(rand() * PROMPTS.length)]!;
  // A few calls of every kind the errors view (e) shows: failures, cut short, filtered, near the context window.
  const outcome = rand();
  const failure = outcome < 0.05 ? FAILURES[Math.floor(rand() * FAILURES.length)]! : null;
  const finishReason = failure ? null : outcome < 0.08 ? 'length' : outcome < 0.095 ? 'content_filter' : 'stop';
  const contextWindow = prices.rule(m.provider, m.model, nowMs)?.contextWindow ?? 128_000;
  // Only on the smaller windows: a million-token prompt would make the demo's cost absurd.
  const nearContext = outcome >= 0.095 && outcome < 0.11 && contextWindow <= 200_000;
  const inputTokens = nearContext ? Math.floor(contextWindow * (0.9 + rand() * 0.08)) : 200 + Math.floor(rand() * 3000);
  const outputTokens = finishReason === 'length' ? 1024 : 20 + Math.floor(rand() * 600);
  const stream = rand() < 0.6;
  const ttftMs = m.baseMs * (0.6 + rand());
  const durationMs = ttftMs + (outputTokens / m.tokensPerSecond) * 1000 * (0.7 + rand() * 0.6);
  const start = nowMs - durationMs;
  const error = failure?.message ?? null;
  const cacheRead = m.provider === 'anthropic' && rand() < 0.5 ? Math.floor(inputTokens * 0.8) : 0;
  const traceId = hex(rand, 16);
  const spanId = hex(rand, 8);
  const status = error ? { code: 2, message: error } : {};

  if (svc.service === 'checkout-assistant') {
    // The Vercel AI SDK: an outer ai.generateText around the provider call, both with usage.
    const outerId = hex(rand, 8);
    const usage = { 'ai.usage.promptTokens': inputTokens, 'ai.usage.completionTokens': outputTokens, 'ai.model.id': m.model, 'ai.model.provider': `${m.provider}.chat` };
    return [
      {
        traceId, spanId, parentSpanId: outerId, name: 'ai.generateText.doGenerate', kind: 3, status,
        startTimeUnixNano: ns(start + 5), endTimeUnixNano: ns(nowMs - 2),
        attributes: attrs({
          ...usage,
          'ai.operationId': 'ai.generateText.doGenerate',
          'gen_ai.system': `${m.provider}.chat`,
          'gen_ai.request.model': m.model,
          ...(finishReason ? { 'ai.response.finishReason': finishReason } : {}),
        }),
      },
      {
        traceId, spanId: outerId, name: 'ai.generateText', kind: 1, status,
        startTimeUnixNano: ns(start), endTimeUnixNano: ns(nowMs),
        attributes: attrs({ ...usage, 'ai.operationId': 'ai.generateText', 'ai.prompt': JSON.stringify({ prompt }), ...(error ? {} : { 'ai.response.text': response }) }),
      },
    ];
  }
  return [
    {
      traceId, spanId, name: `chat ${m.model}`, kind: 3, status,
      startTimeUnixNano: ns(start), endTimeUnixNano: ns(nowMs),
      attributes: attrs({
        'gen_ai.system': m.provider,
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': m.model,
        'gen_ai.response.model': m.model,
        'gen_ai.request.is_stream': stream,
        'gen_ai.usage.input_tokens': inputTokens,
        'gen_ai.usage.output_tokens': outputTokens,
        'gen_ai.usage.cache_read.input_tokens': cacheRead,
        'gen_ai.server.time_to_first_token': (stream ? ttftMs : durationMs) / 1000,
        'gen_ai.prompt': prompt,
        ...(failure ? { 'error.type': failure.type } : { 'gen_ai.completion': response, 'gen_ai.response.finish_reasons': [finishReason!] }),
        ...(rand() < 0.5 ? { 'user.id': `user-${Math.floor(rand() * 20)}` } : {}),
      }),
    },
  ];
}

const TOOLS = ['search_orders', 'lookup_customer', 'refund_payment', 'send_email'];

/**
 * One agent turn as the OTel GenAI conventions write it: a root `invoke_agent` span over 2-4 chat
 * calls with tool calls between them, in export order (children end, and are sent, before the root).
 */
function agentTurnSpans(rand: Random, nowMs: number): Json[] {
  const traceId = hex(rand, 16);
  const rootId = hex(rand, 8);
  const m = MODELS[2]!;
  const chats = 2 + Math.floor(rand() * 3);
  // Times from the turn's start, moved at the end so that the turn ends now: its calls must not
  // start in the future, where no window counts them yet.
  const children: { startMs: number; endMs: number; span: Json }[] = [];
  let t = 0;
  for (let i = 0; i < chats; i++) {
    const inputTokens = 800 + Math.floor(rand() * 4000) + i * 1500;
    const outputTokens = 40 + Math.floor(rand() * 400);
    const durationMs = m.baseMs * (0.6 + rand()) + (outputTokens / m.tokensPerSecond) * 1000;
    const [prompt, response] = PROMPTS[Math.floor(rand() * PROMPTS.length)]!;
    children.push({
      startMs: t,
      endMs: t + durationMs,
      span: { traceId, spanId: hex(rand, 8), parentSpanId: rootId, name: `chat ${m.model}`, kind: 3, attributes: attrs({
        'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': m.provider, 'gen_ai.request.model': m.model, 'gen_ai.response.model': m.model,
        'gen_ai.usage.input_tokens': inputTokens, 'gen_ai.usage.output_tokens': outputTokens,
        'gen_ai.prompt': prompt, 'gen_ai.completion': response,
      }) },
    });
    t += durationMs + 5;
    if (i === chats - 1) break;
    const tool = TOOLS[Math.floor(rand() * TOOLS.length)]!;
    const toolMs = 50 + rand() * 600;
    children.push({
      startMs: t,
      endMs: t + toolMs,
      span: { traceId, spanId: hex(rand, 8), parentSpanId: rootId, name: `execute_tool ${tool}`, kind: 1, attributes: attrs({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': tool }) },
    });
    t += toolMs + 5;
  }
  const shift = nowMs - (t + 10);
  const root = {
    traceId, spanId: rootId, name: 'invoke_agent support-agent', kind: 1,
    startTimeUnixNano: ns(shift - 20), endTimeUnixNano: ns(nowMs),
    attributes: attrs({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'support-agent' }),
  };
  return [...children.map((c) => ({ ...c.span, startTimeUnixNano: ns(shift + c.startMs), endTimeUnixNano: ns(shift + c.endMs) })), root];
}

/** Claude Code's events for one model request of a coding session. */
function claudeCodeRecords(rand: Random, nowMs: number): Json[] {
  const promptId = hex(rand, 8);
  const input = 20 + Math.floor(rand() * 400);
  const cacheRead = 5000 + Math.floor(rand() * 40_000);
  const output = 50 + Math.floor(rand() * 1500);
  const duration = 2000 + rand() * 12_000;
  return [
    { timeUnixNano: ns(nowMs - duration - 50), body: { stringValue: 'claude_code.user_prompt' }, attributes: attrs({ 'event.name': 'user_prompt', 'prompt.id': promptId, prompt: 'fix the failing test in src/cart.test.ts' }) },
    {
      timeUnixNano: ns(nowMs),
      body: { stringValue: 'claude_code.api_request' },
      attributes: attrs({
        'event.name': 'api_request', 'prompt.id': promptId, model: 'claude-sonnet-4-5-20250929',
        input_tokens: input, output_tokens: output, cache_read_tokens: cacheRead, cache_creation_tokens: Math.floor(rand() * 2000),
        duration_ms: Math.round(duration),
      }),
    },
  ];
}

/** The OTLP/JSON requests for about `count` calls ending at `nowMs`. */
export function demoRequests(rand: Random, nowMs: number, count: number): { path: string; body: Json }[] {
  const out: { path: string; body: Json }[] = [];
  for (let i = 0; i < count; i++) {
    if (rand() < 0.12) {
      out.push({
        path: '/v1/logs',
        body: { resourceLogs: [{ resource: { attributes: attrs({ 'service.name': 'claude-code', 'deployment.environment': 'development' }) }, scopeLogs: [{ scope: { name: 'com.anthropic.claude_code.events' }, logRecords: claudeCodeRecords(rand, nowMs) }] }] },
      });
      continue;
    }
    if (rand() < 0.1) {
      // Each span in a request of its own, as a simple span processor exports them.
      for (const span of agentTurnSpans(rand, nowMs)) out.push({ path: '/v1/traces', body: spansBody('support-agent', 'production', 'gen_ai', [span]) });
      continue;
    }
    const s = Math.floor(rand() * SERVICES.length);
    const svc = SERVICES[s]!;
    out.push({
      path: '/v1/traces',
      body: {
        resourceSpans: [
          {
            resource: { attributes: attrs({ 'service.name': svc.service, 'deployment.environment': svc.environment, 'telemetry.sdk.language': 'python' }) },
            scopeSpans: [{ scope: { name: svc.service === 'checkout-assistant' ? 'ai' : 'openlit.otel.tracing' }, spans: callSpans(rand, nowMs - rand() * 400, s) }],
          },
        ],
      },
    });
  }
  return out;
}

function spansBody(service: string, environment: string, scope: string, spans: Json[]): Json {
  return {
    resourceSpans: [
      { resource: { attributes: attrs({ 'service.name': service, 'deployment.environment': environment }) }, scopeSpans: [{ scope: { name: scope }, spans }] },
    ],
  };
}

/** Sends demo traffic to a running receiver until stopped: about `perSecond` calls a second. */
export function startDemo(baseUrl: string, perSecond = 3, rand: Random = Math.random): () => void {
  const tickMs = 500;
  let carry = 0;
  const timer = setInterval(() => {
    carry += (perSecond * tickMs) / 1000 * (0.5 + rand());
    const count = Math.floor(carry);
    carry -= count;
    for (const r of demoRequests(rand, Date.now(), count)) {
      void fetch(`${baseUrl}${r.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(r.body) }).catch(() => {});
    }
  }, tickMs);
  timer.unref();
  return () => clearInterval(timer);
}
