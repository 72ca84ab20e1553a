import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getJson, startTestLlmtop } from '../helpers/llmtop.js';
import { loggerFor, meterFor, tracerFor, type Protocol } from '../helpers/otel.js';

/*
 * The OpenTelemetry JS SDK's own exporters send GenAI telemetry to a running llmtop; the API
 * must then hold exactly the expected calls.
 */

let app: Awaited<ReturnType<typeof startTestLlmtop>>;
beforeEach(async () => {
  app = await startTestLlmtop();
});
afterEach(async () => {
  await app.close();
});

const T0 = Date.now() - 60_000;

describe.each<Protocol>(['proto', 'json'])('OTel JS SDK exporters over %s', (protocol) => {
  it('stores an openlit-style streamed chat span with tokens, cost, TTFT and text', async () => {
    const t = tracerFor(app.url, protocol, { 'service.name': 'support-bot', 'deployment.environment': 'staging' });
    const span = t.start(
      'chat gpt-4o-mini',
      {
        'gen_ai.system': 'openai',
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
        'gen_ai.request.is_stream': true,
        'gen_ai.usage.input_tokens': 120,
        'gen_ai.usage.output_tokens': 48,
        'gen_ai.usage.cost': 0.00321,
        'gen_ai.server.time_to_first_token': 0.25,
        'gen_ai.prompt': 'user: How do I reset my password?',
        'gen_ai.completion': 'Click "Forgot password" on the sign-in page.',
      },
      T0,
    );
    t.end(span, T0 + 1500);
    await t.shutdown();

    const { calls } = await getJson(`${app.url}/api/v1/calls`);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      service: 'support-bot',
      environment: 'staging',
      provider: 'openai',
      model: 'gpt-4o-mini-2024-07-18',
      operation: 'chat',
      durationMs: 1500,
      ttftMs: 250,
      inputTokens: 120,
      outputTokens: 48,
      costUsd: 0.00321,
      costSource: 'reported',
      status: 'ok',
      prompt: 'user: How do I reset my password?',
      response: 'Click "Forgot password" on the sign-in page.',
      time: new Date(T0).toISOString(),
    });
    expect(calls[0].traceId).toMatch(/^[0-9a-f]{32}$/);

    const summary = await getJson(`${app.url}/api/v1/summary?window=5m`);
    expect(summary.window).toBe('5m');
    expect(summary.windowSeconds).toBe(300);
    expect(summary.totals).toMatchObject({ requests: 1, errors: 0, inputTokens: 120, outputTokens: 48, costUsd: 0.00321 });
    expect(summary.groups).toEqual([expect.objectContaining({ provider: 'openai', model: 'gpt-4o-mini-2024-07-18', requests: 1 })]);
    expect(summary.groups[0].p95LatencyMs).toBeCloseTo(1500, -1.5);
    expect(summary.groups[0].p95TtftMs).toBeCloseTo(250, -1);
  });

  it('counts a Vercel AI SDK generateText once although both layers carry usage, in separate requests', async () => {
    const t = tracerFor(app.url, protocol, { 'service.name': 'web' });
    const outer = t.start(
      'ai.generateText',
      {
        'ai.operationId': 'ai.generateText',
        'ai.model.id': 'claude-3-5-haiku-20241022',
        'ai.model.provider': 'anthropic.messages',
        'ai.prompt': JSON.stringify({ prompt: 'Summarize the ticket' }),
        'ai.response.text': 'The user cannot log in.',
        'ai.usage.promptTokens': 30,
        'ai.usage.completionTokens': 7,
      },
      T0,
    );
    const inner = t.start(
      'ai.generateText.doGenerate',
      {
        'ai.operationId': 'ai.generateText.doGenerate',
        'ai.model.id': 'claude-3-5-haiku-20241022',
        'ai.model.provider': 'anthropic.messages',
        'gen_ai.system': 'anthropic.messages',
        'gen_ai.request.model': 'claude-3-5-haiku-20241022',
        'ai.usage.promptTokens': 30,
        'ai.usage.completionTokens': 7,
      },
      T0 + 10,
      outer,
    );
    t.end(inner, T0 + 810); // exported first, in its own request
    await t.flush();
    expect((await getJson(`${app.url}/api/v1/calls`)).calls).toHaveLength(1);
    t.end(outer, T0 + 820);
    await t.shutdown();

    const { calls } = await getJson(`${app.url}/api/v1/calls`);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      provider: 'anthropic',
      model: 'claude-3-5-haiku-20241022',
      inputTokens: 30,
      outputTokens: 7,
      durationMs: 800,
      prompt: 'Summarize the ticket',
      response: 'The user cannot log in.',
      costSource: 'estimated',
    });
    expect(calls[0].costUsd).toBeGreaterThan(0);
    expect((await getJson(`${app.url}/api/v1/summary`)).totals.requests).toBe(1);
  });

  it('merges an openlit inference log event into its span, and joins Claude Code events to their prompt', async () => {
    const t = tracerFor(app.url, protocol, { 'service.name': 'rag-api' });
    const l = loggerFor(app.url, protocol, { 'service.name': 'rag-api' });
    const span = t.start('chat gpt-4.1', { 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4.1', 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 5 }, T0);
    // The log record arrives before the span, carrying the span's ids and the text.
    l.logger.emit({
      eventName: 'gen_ai.client.inference.operation.details',
      attributes: {
        'gen_ai.request.model': 'gpt-4.1',
        'gen_ai.usage.input_tokens': 10,
        'gen_ai.usage.output_tokens': 5,
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'What is RAG?' }] }]),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Retrieval-augmented generation.' }] }]),
      },
      context: (await import('@opentelemetry/api')).trace.setSpan((await import('@opentelemetry/api')).ROOT_CONTEXT, span),
    });
    await l.flush();
    t.end(span, T0 + 400);
    await t.shutdown();

    const cc = loggerFor(app.url, protocol, { 'service.name': 'claude-code' }, 'com.anthropic.claude_code.events');
    cc.logger.emit({
      body: 'claude_code.api_request',
      timestamp: new Date(T0 + 5000),
      attributes: {
        'event.name': 'api_request',
        model: 'claude-sonnet-4-5-20250929',
        input_tokens: 2000,
        output_tokens: 300,
        cache_read_tokens: 1500,
        cache_creation_tokens: 100,
        cost_usd: 0.0123,
        duration_ms: 4200,
        'prompt.id': 'p-1',
      },
    });
    cc.logger.emit({ body: 'claude_code.user_prompt', timestamp: new Date(T0 + 700), attributes: { 'event.name': 'user_prompt', prompt: 'fix the failing test', 'prompt.id': 'p-1' } });
    await cc.shutdown();
    await l.shutdown();

    const { calls } = await getJson(`${app.url}/api/v1/calls`);
    expect(calls).toHaveLength(2);
    const rag = calls.find((c: { service: string }) => c.service === 'rag-api');
    expect(rag).toMatchObject({ model: 'gpt-4.1', durationMs: 400, inputTokens: 10, prompt: 'What is RAG?', response: 'Retrieval-augmented generation.' });
    const claude = calls.find((c: { service: string }) => c.service === 'claude-code');
    expect(claude).toMatchObject({
      provider: 'anthropic',
      model: 'claude-sonnet-4-5-20250929',
      inputTokens: 3600,
      outputTokens: 300,
      cacheReadTokens: 1500,
      cacheWriteTokens: 100,
      costUsd: 0.0123,
      durationMs: 4200,
      prompt: 'fix the failing test',
      source: 'claude-code',
      time: new Date(T0 + 800).toISOString(),
    });
  });

  it('shows GenAI metrics for a service that sends no spans, and never on top of one that does', async () => {
    const m = meterFor(app.url, protocol, { 'service.name': 'batch-job' });
    const duration = m.meter.createHistogram('gen_ai.client.operation.duration', { unit: 's', advice: { explicitBucketBoundaries: [0.5, 1, 2, 4] } });
    const usage = m.meter.createHistogram('gen_ai.client.token.usage', { unit: '{token}' });
    const attrs = { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.operation.name': 'chat' };
    for (const s of [0.7, 1.5, 3]) duration.record(s, attrs);
    usage.record(300, { ...attrs, 'gen_ai.token.type': 'input' });
    usage.record(90, { ...attrs, 'gen_ai.token.type': 'output' });
    await m.flush();
    // A second export of the same cumulative series adds only what is new.
    duration.record(0.2, attrs);
    await m.flush();

    const t = tracerFor(app.url, protocol, { 'service.name': 'web' });
    t.end(t.start('chat', { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 1 }, T0), T0 + 100);
    await t.shutdown();
    const mw = meterFor(app.url, protocol, { 'service.name': 'web' });
    mw.meter.createHistogram('gen_ai.client.operation.duration', { unit: 's' }).record(1, attrs);
    await mw.shutdown();
    await m.shutdown();

    const summary = await getJson(`${app.url}/api/v1/summary?groupBy=service`);
    const batch = summary.groups.find((g: { service: string }) => g.service === 'batch-job');
    expect(batch).toMatchObject({ requests: 4, inputTokens: 300, outputTokens: 90 });
    const web = summary.groups.find((g: { service: string }) => g.service === 'web');
    expect(web.requests).toBe(1);
  });
});
