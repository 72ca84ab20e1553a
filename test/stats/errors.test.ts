import { describe, expect, it } from 'vitest';
import type { LlmCall } from '../../src/domain/call.js';
import { Assembler } from '../../src/normalize/assemble.js';
import { normalize } from '../../src/normalize/index.js';
import { Prices, resolveCost } from '../../src/pricing/index.js';
import { decodeJson } from '../../src/receiver/encoding/json.js';
import { classify, errorRows, type ErrorClass } from '../../src/stats/errors.js';

const prices = Prices.load(null);
const contextWindow = (c: LlmCall) => prices.rule(c.provider, c.model, c.timeMs)?.contextWindow ?? null;
const T0 = 1748779200000n * 1_000_000n;

type Value = string | number | boolean | string[];
const attr = (key: string, v: Value) => ({
  key,
  value: Array.isArray(v)
    ? { arrayValue: { values: v.map((s) => ({ stringValue: s })) } }
    : typeof v === 'string'
      ? { stringValue: v }
      : typeof v === 'boolean'
        ? { boolValue: v }
        : { intValue: v },
});

let n = 0;
/** One span through the receiver's JSON decoder and the normalizer, as it would arrive. */
function callFrom(a: Record<string, Value>, o: { status?: { code: number; message?: string }; events?: unknown[]; scope?: string } = {}): LlmCall {
  n++;
  const span = {
    traceId: '5b8efff798038103d269b633813fc60c',
    spanId: (0xeee19b7ec3c10000 + n).toString(16).padStart(16, '0').slice(-16),
    name: 'chat',
    startTimeUnixNano: String(T0),
    endTimeUnixNano: String(T0 + 2_000_000_000n),
    attributes: Object.entries(a).map(([k, v]) => attr(k, v)),
    status: o.status,
    events: o.events,
  };
  const body = { resourceSpans: [{ resource: { attributes: [attr('service.name', 'svc')] }, scopeSpans: [{ scope: { name: o.scope ?? 'test' }, spans: [span] }] }] };
  const assembler = new Assembler({ resolveCost: (c) => resolveCost(prices, c), keepContent: true });
  const calls = assembler.ingest([normalize(decodeJson('traces', Buffer.from(JSON.stringify(body))).request)]).upserted;
  expect(calls).toHaveLength(1);
  return calls[0]!;
}

const openai = { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 1200 };
const ERROR = 2;

describe('error classes, from realistic span attributes through the normalizer', () => {
  const cases: Array<[name: string, call: () => LlmCall, classes: ErrorClass[], errorType: string | null, finishReason: string | null]> = [
    ['OTel GenAI: error.type 429 with status ERROR', () => callFrom({ ...openai, 'error.type': '429' }, { status: { code: ERROR, message: 'Too Many Requests' } }), ['rateLimit'], '429', null],
    [
      'openlit: openai RateLimitError exception event',
      () => callFrom(openai, { scope: 'openlit.otel', status: { code: ERROR, message: "Error code: 429 - {'error': {'message': 'Rate limit reached for gpt-4o-mini'}}" }, events: [{ name: 'exception', timeUnixNano: String(T0), attributes: [attr('exception.type', 'openai.RateLimitError'), attr('exception.message', 'Rate limit reached')] }] }),
      ['rateLimit'],
      'openai.RateLimitError',
      null,
    ],
    ['OpenLLMetry: http.status_code 503', () => callFrom({ ...openai, 'llm.request.type': 'chat', 'http.status_code': 503 }, { status: { code: ERROR, message: 'Service Unavailable' } }), ['server'], '503', null],
    ['Anthropic overloaded_error', () => callFrom({ 'gen_ai.system': 'anthropic', 'gen_ai.request.model': 'claude-sonnet-4-5', 'error.type': 'overloaded_error' }, { status: { code: ERROR, message: 'Overloaded' } }), ['server'], 'overloaded_error', null],
    ['openai APIError', () => callFrom({ ...openai, 'error.type': 'APIError' }, { status: { code: ERROR, message: 'The server had an error while processing your request' } }), ['server'], 'APIError', null],
    ['openai APITimeoutError', () => callFrom({ ...openai, 'error.type': 'APITimeoutError' }, { status: { code: ERROR, message: 'Request timed out.' } }), ['timeout'], 'APITimeoutError', null],
    ['Gemini DEADLINE_EXCEEDED', () => callFrom({ 'gen_ai.system': 'gcp.gemini', 'gen_ai.request.model': 'gemini-2.5-flash', 'error.type': 'DeadlineExceeded' }, { status: { code: ERROR, message: '504 Deadline Exceeded' } }), ['timeout'], 'DeadlineExceeded', null],
    ['an unclassified failure', () => callFrom({ ...openai, 'error.type': 'ValueError' }, { status: { code: ERROR, message: 'bad tool schema' } }), ['other'], 'ValueError', null],
    ['GenAI finish_reasons ["length"]', () => callFrom({ ...openai, 'gen_ai.response.finish_reasons': ['length'], 'gen_ai.usage.output_tokens': 4096 }), ['truncated'], null, 'length'],
    ['Anthropic max_tokens', () => callFrom({ 'gen_ai.system': 'anthropic', 'gen_ai.request.model': 'claude-sonnet-4-5', 'gen_ai.response.finish_reasons': ['max_tokens'] }), ['truncated'], null, 'max_tokens'],
    ['Vercel AI SDK finishReason length', () => callFrom({ 'ai.model.provider': 'openai.chat', 'ai.model.id': 'gpt-4o', 'ai.operationId': 'ai.generateText.doGenerate', 'ai.response.finishReason': 'length' }, { scope: 'ai' }), ['truncated'], null, 'length'],
    ['OpenInference llm.finish_reason (stringified list)', () => callFrom({ 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o', 'llm.finish_reason': "['content_filter']" }), ['contentFilter'], null, 'content_filter'],
    ['Vercel AI SDK content-filter', () => callFrom({ 'ai.model.provider': 'openai.chat', 'ai.model.id': 'gpt-4o', 'ai.operationId': 'ai.streamText.doStream', 'ai.response.finishReason': 'content-filter' }, { scope: 'ai' }), ['contentFilter'], null, 'content-filter'],
    ['Gemini SAFETY via llm.response.finish_reason', () => callFrom({ 'gen_ai.system': 'gemini', 'gen_ai.request.model': 'gemini-2.5-pro', 'llm.response.finish_reason': 'SAFETY' }), ['contentFilter'], null, 'SAFETY'],
    ['a normal stop', () => callFrom({ ...openai, 'gen_ai.response.finish_reasons': ['stop'] }), [], null, 'stop'],
    ['gpt-4o-mini at 120k of 128k input tokens', () => callFrom({ ...openai, 'gen_ai.usage.input_tokens': 120_000 }), ['nearContext'], null, null],
    ['gpt-4o-mini at 110k of 128k: not near', () => callFrom({ ...openai, 'gen_ai.usage.input_tokens': 110_000 }), [], null, null],
    ['truncated and near the context window at once', () => callFrom({ ...openai, 'gen_ai.usage.input_tokens': 127_000, 'gen_ai.response.finish_reasons': ['length'] }), ['truncated', 'nearContext'], null, 'length'],
    ['an ok call with an HTTP 200 status has no error type', () => callFrom({ ...openai, 'http.status_code': 200 }), [], null, null],
  ];
  it.each(cases)('%s', (_name, make, classes, errorType, finishReason) => {
    const c = make();
    expect({ errorType: c.errorType, finishReason: c.finishReason }).toEqual({ errorType, finishReason });
    expect(classify(c, contextWindow(c))).toEqual(classes);
  });

  it('a model without a known context window is never near it', () => {
    const c = callFrom({ 'gen_ai.system': 'acme', 'gen_ai.request.model': 'acme-large', 'gen_ai.usage.input_tokens': 5_000_000 });
    expect(contextWindow(c)).toBeNull();
    expect(classify(c, null)).toEqual([]);
  });
});

describe('errorRows', () => {
  const base = callFrom(openai);
  const at = (timeMs: number, o: Partial<LlmCall>): LlmCall => ({ ...base, id: `c${timeMs}`, timeMs, ...o });
  const failed = (timeMs: number, error: string, o: Partial<LlmCall> = {}) => at(timeMs, { status: 'error', error, errorType: '429', ...o });

  it('counts per model and class, most frequent first, with the newest call as the example', () => {
    const calls = [
      failed(1, 'first 429'),
      failed(3, 'newest 429'),
      failed(2, 'middle 429'),
      at(4, { finishReason: 'length' }),
      failed(5, 'claude 429', { provider: 'anthropic', model: 'claude-sonnet-4-5' }),
      at(6, { inputTokens: 125_000 }),
    ];
    const rows = errorRows(
      calls.map((c) => ({ call: c, classes: classify(c, contextWindow(c)), contextWindow: contextWindow(c) })),
      (seen) => calls.find((c) => c.id === seen.id)!,
    );
    expect(rows.map((r) => [r.provider, r.model, r.kind, r.count, r.latest.id, r.message])).toEqual([
      ['openai', 'gpt-4o-mini', 'rateLimit', 3, 'c3', '429: newest 429'],
      ['anthropic', 'claude-sonnet-4-5', 'rateLimit', 1, 'c5', '429: claude 429'],
      ['openai', 'gpt-4o-mini', 'truncated', 1, 'c4', 'finish reason length'],
      ['openai', 'gpt-4o-mini', 'nearContext', 1, 'c6', '125,000 of 128,000 input tokens (98%)'],
    ]);
  });
});
