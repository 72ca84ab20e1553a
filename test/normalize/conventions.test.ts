import { describe, expect, it } from 'vitest';
import type { Attrs } from '../../src/otlp/request.js';
import { environment, looksLikeCall, onlyBareModel, readUsage, service } from '../../src/normalize/conventions.js';
import { emptyFragment, type Fragment } from '../../src/normalize/fragment.js';

/** What one span's attributes say, for a span of the given duration. */
function read(attrs: Attrs, durationMs: number | null = 2000): Fragment {
  const f = emptyFragment({ traceId: 't', spanId: 's', parentSpanId: '', timeMs: 0, service: 'svc', environment: '', source: 'gen_ai', origin: 'span' });
  f.durationMs = durationMs;
  readUsage(f, attrs);
  return f;
}

describe('every spelling of every usage field of the conventions table', () => {
  const cases: Array<[key: string, field: keyof Fragment]> = [
    ['gen_ai.usage.input_tokens', 'inputTokens'],
    ['gen_ai.usage.prompt_tokens', 'inputTokens'],
    ['llm.token_count.prompt', 'inputTokens'],
    ['ai.usage.inputTokens', 'inputTokens'],
    ['ai.usage.promptTokens', 'inputTokens'],
    ['ai.usage.tokens', 'inputTokens'],
    ['input_tokens', 'inputTokens'],
    ['input_token_count', 'inputTokens'],
    ['gen_ai.usage.output_tokens', 'outputTokens'],
    ['gen_ai.usage.completion_tokens', 'outputTokens'],
    ['llm.token_count.completion', 'outputTokens'],
    ['ai.usage.outputTokens', 'outputTokens'],
    ['ai.usage.completionTokens', 'outputTokens'],
    ['output_tokens', 'outputTokens'],
    ['output_token_count', 'outputTokens'],
    ['gen_ai.usage.cache_read.input_tokens', 'cacheReadTokens'],
    ['gen_ai.usage.cache_read_input_tokens', 'cacheReadTokens'],
    ['llm.token_count.prompt_details.cache_read', 'cacheReadTokens'],
    ['ai.usage.cachedInputTokens', 'cacheReadTokens'],
    ['ai.usage.inputTokenDetails.cacheReadTokens', 'cacheReadTokens'],
    ['cache_read_tokens', 'cacheReadTokens'],
    ['cached_token_count', 'cacheReadTokens'],
    ['gen_ai.usage.cache_creation.input_tokens', 'cacheWriteTokens'],
    ['gen_ai.usage.cache_write.input_tokens', 'cacheWriteTokens'],
    ['gen_ai.usage.cache_creation_input_tokens', 'cacheWriteTokens'],
    ['llm.token_count.prompt_details.cache_write', 'cacheWriteTokens'],
    ['ai.usage.inputTokenDetails.cacheWriteTokens', 'cacheWriteTokens'],
    ['cache_creation_tokens', 'cacheWriteTokens'],
    ['gen_ai.usage.reasoning.output_tokens', 'reasoningTokens'],
    ['gen_ai.usage.reasoning_tokens', 'reasoningTokens'],
    ['llm.token_count.completion_details.reasoning', 'reasoningTokens'],
    ['ai.usage.reasoningTokens', 'reasoningTokens'],
    ['ai.usage.outputTokenDetails.reasoningTokens', 'reasoningTokens'],
    ['reasoning_token_count', 'reasoningTokens'],
    ['gen_ai.usage.cost', 'reportedCostUsd'],
    ['cost_usd', 'reportedCostUsd'],
  ];
  it.each(cases)('%s → %s', (key, field) => {
    expect(read({ [key]: 37 })[field]).toBe(37);
    expect(read({ [key]: '37' })[field]).toBe(37); // agents send numbers as strings
  });

  it('prefers the first spelling of the table when several are present', () => {
    expect(read({ 'ai.usage.inputTokens': 5, 'gen_ai.usage.input_tokens': 7 }).inputTokens).toBe(7);
  });
});

describe('model and provider', () => {
  const cases: Array<[attrs: Attrs, model: string | null, provider: string | null]> = [
    [{ 'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.model': 'gpt-4o-2024-08-06', 'gen_ai.system': 'openai' }, 'gpt-4o-2024-08-06', 'openai'],
    [{ 'gen_ai.request.model': 'gpt-4o', 'gen_ai.provider.name': 'azure.ai.openai', 'gen_ai.system': 'openai' }, 'gpt-4o', 'azure'],
    [{ 'llm.model_name': 'claude-3-5-haiku', 'llm.provider': 'anthropic' }, 'claude-3-5-haiku', 'anthropic'],
    [{ 'llm.request.model_name': 'gpt-4o', 'llm.response.model_name': 'gpt-4o-2024-11-20', 'llm.system': 'openai' }, 'gpt-4o-2024-11-20', 'openai'],
    [{ 'embedding.model_name': 'text-embedding-3-large' }, 'text-embedding-3-large', 'openai'],
    [{ 'ai.model.id': 'gemini-2.5-flash', 'ai.response.model': 'gemini-2.5-flash-001', 'ai.model.provider': 'google.generative-ai' }, 'gemini-2.5-flash-001', 'google'],
    [{ model: 'us.anthropic.claude-sonnet-4-20250514-v1:0' }, 'us.anthropic.claude-sonnet-4-20250514-v1:0', 'anthropic'],
    [{ 'gen_ai.operation.name': 'chat' }, null, null],
  ];
  it.each(cases)('%j', (attrs, model, provider) => {
    const f = read(attrs);
    expect([f.model, f.provider]).toEqual([model, provider]);
  });
});

describe('time to first token', () => {
  const cases: Array<[name: string, attrs: Attrs, durationMs: number, ttftMs: number | null]> = [
    ['gen_ai.server.time_to_first_token (s), streamed', { 'gen_ai.server.time_to_first_token': 0.25, 'gen_ai.request.is_stream': true }, 2000, 250],
    ['gen_ai.response.time_to_first_chunk (s), streamed', { 'gen_ai.response.time_to_first_chunk': 0.5, 'gen_ai.request.stream': true }, 2000, 500],
    ['gen_ai.client.operation.time_to_first_chunk (s), streamed', { 'gen_ai.client.operation.time_to_first_chunk': 0.75, 'llm.is_streaming': true }, 2000, 750],
    ['ai.response.msToFirstChunk (ms)', { 'ai.response.msToFirstChunk': 612.4 }, 2000, 612.4],
    ['ai.stream.msToFirstChunk (ms)', { 'ai.stream.msToFirstChunk': 90 }, 2000, 90],
    ['ttft_ms', { ttft_ms: 300 }, 2000, 300],
    ['a plain call (is_stream=false) has none, whatever openlit recorded', { 'gen_ai.server.time_to_first_token': 1.99, 'gen_ai.request.is_stream': false }, 2000, null],
    ['a plain call (llm.is_streaming="False") has none', { 'gen_ai.server.time_to_first_token': 0.1, 'llm.is_streaming': 'False' }, 2000, null],
    ['no stream flag and TTFT = duration: openlit\'s plain call', { 'gen_ai.server.time_to_first_token': 2.0 }, 2000, null],
    ['no stream flag and TTFT well inside the duration', { 'gen_ai.server.time_to_first_token': 0.4 }, 2000, 400],
    ['a millisecond TTFT is only set on streams, even when the first chunk came last', { 'ai.response.msToFirstChunk': 1999 }, 2000, 1999],
    ['negative', { 'ai.response.msToFirstChunk': -1 }, 2000, null],
    ['none', {}, 2000, null],
  ];
  it.each(cases)('%s', (_name, attrs, durationMs, ttftMs) => {
    const got = read(attrs, durationMs).ttftMs;
    if (ttftMs === null) expect(got).toBeNull();
    else expect(got).toBeCloseTo(ttftMs, 9);
  });
});

describe('operations, layers and errors', () => {
  const cases: Array<[attrs: Attrs, operation: string | null, role: Fragment['role']]> = [
    [{ 'gen_ai.operation.name': 'chat' }, 'chat', 'call'],
    [{ 'gen_ai.operation.name': 'embeddings' }, 'embeddings', 'call'],
    [{ 'gen_ai.operation.name': 'invoke_agent' }, 'invoke_agent', 'layer'],
    [{ 'gen_ai.operation.name': 'execute_tool' }, 'execute_tool', 'layer'],
    [{ 'gen_ai.operation.name': 'execute_task' }, 'execute_task', 'layer'], // openlit CrewAI
    [{ 'llm.request.type': 'completion' }, 'text_completion', 'call'],
    [{ 'llm.request.type': 'embedding' }, 'embeddings', 'call'],
    [{ 'traceloop.span.kind': 'workflow', 'llm.request.type': 'chat' }, 'workflow', 'layer'],
    [{ 'openinference.span.kind': 'LLM' }, 'chat', 'call'],
    [{ 'openinference.span.kind': 'EMBEDDING' }, 'embeddings', 'call'],
    [{ 'openinference.span.kind': 'AGENT' }, 'agent', 'layer'],
    [{ 'openinference.span.kind': 'CHAIN' }, 'chain', 'layer'],
    [{ 'ai.operationId': 'ai.embedMany.doEmbed' }, 'embeddings', 'call'],
    [{ 'ai.operationId': 'ai.streamText.doStream' }, 'chat', 'call'],
  ];
  it.each(cases)('%j', (attrs, operation, role) => {
    const f = read(attrs);
    expect([f.operation, f.role]).toEqual([operation, role]);
  });

  it('reads error.type as an error', () => {
    expect(read({ 'error.type': 'RateLimitError' })).toMatchObject({ isError: true, error: 'RateLimitError' });
    expect(read({ 'gen_ai.request.model': 'gpt-4o' })).toMatchObject({ isError: null, error: null });
  });

  it('takes a fragment for a call only when it names a model or counts tokens, and is no layer', () => {
    expect(looksLikeCall(read({ 'gen_ai.request.model': 'gpt-4o' }))).toBe(true);
    expect(looksLikeCall(read({ 'gen_ai.usage.output_tokens': 3 }))).toBe(true);
    expect(looksLikeCall(read({ 'gen_ai.operation.name': 'chat' }))).toBe(false);
    expect(looksLikeCall(read({ 'openinference.span.kind': 'AGENT', 'llm.model_name': 'gpt-4o', 'llm.token_count.prompt': 9 }))).toBe(false);
  });
});

describe('service and environment', () => {
  const cases: Array<[name: string, resource: Attrs, attrs: Attrs, service: string, environment: string]> = [
    ['resource', { 'service.name': 'api', 'deployment.environment.name': 'prod' }, { 'gen_ai.application_name': 'other', 'gen_ai.environment': 'dev' }, 'api', 'prod'],
    ['older deployment.environment', { 'service.name': 'api', 'deployment.environment': 'staging' }, {}, 'api', 'staging'],
    ['older openlit span attributes, no resource name', {}, { 'gen_ai.application_name': 'rag', 'gen_ai.environment': 'dev' }, 'rag', 'dev'],
    ['SDK default resource name gives way to the span\'s', { 'service.name': 'unknown_service:node' }, { 'gen_ai.application_name': 'rag' }, 'rag', ''],
    ['newer openlit: service.name on the span', { 'service.name': 'unknown_service' }, { 'service.name': 'rag', 'deployment.environment': 'prod' }, 'rag', 'prod'],
    ['SDK default kept when nothing better', { 'service.name': 'unknown_service:python3' }, {}, 'unknown_service:python3', ''],
    ['nothing at all', {}, {}, 'unknown_service', ''],
  ];
  it.each(cases)('%s', (_name, resource, attrs, svc, env) => {
    expect([service(resource, attrs), environment(resource, attrs)]).toEqual([svc, env]);
  });
});

describe('the user of a call (seed 004: per-user analytics)', () => {
  it.each([
    [{ 'user.id': 'u-1' }, 'u-1'],
    [{ 'enduser.id': 'alice@example.com' }, 'alice@example.com'],
    [{ 'gen_ai.request.user': 'u-2' }, 'u-2'],
    [{ 'llm.user': 'u-3' }, 'u-3'],
    [{ 'user.id': 'first', 'enduser.id': 'second' }, 'first'],
    [{}, null],
  ] as [Attrs, string | null][])('%j → %j', (attrs, user) => {
    expect(read({ 'gen_ai.request.model': 'gpt-4o', ...attrs }).user).toBe(user);
  });
});

describe('a bare `model` on an internal operation is no call (Codex names the model on a dozen of its functions)', () => {
  const INTERNAL = 1;
  const CLIENT = 3;
  it.each([
    [{ model: 'gpt-5.1-codex' }, INTERNAL, true],
    [{ model: 'gpt-5.1-codex', turn_id: 't1', cwd: '/src' }, 0, true],
    [{ model: 'gpt-5.1-codex', 'codex.turn.token_usage.input_tokens': 1200 }, INTERNAL, true],
    // An outgoing request that names its model is still taken for one.
    [{ model: 'gpt-4o' }, CLIENT, false],
    // Any other evidence makes it a request.
    [{ model: 'gpt-4o', input_tokens: 5 }, INTERNAL, false],
    [{ model: 'gpt-4o', 'gen_ai.request.model': 'gpt-4o' }, INTERNAL, false],
    [{ model: 'gpt-4o', 'gen_ai.system': 'openai' }, INTERNAL, false],
    [{ model: 'gpt-4o', 'llm.request.type': 'chat' }, INTERNAL, false],
    [{ model: 'gpt-4o', 'ai.operationId': 'ai.generateText' }, INTERNAL, false],
    [{ 'gen_ai.usage.input_tokens': 5 }, INTERNAL, false],
  ] as [Attrs, number, boolean][])('%j, kind %i → %s', (attrs, kind, bare) => {
    expect(onlyBareModel(read(attrs), attrs, kind)).toBe(bare);
  });
});
