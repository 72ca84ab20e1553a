import { describe, expect, it } from 'vitest';
import type { LlmCall } from '../../src/domain/call.js';
import { Assembler } from '../../src/normalize/assemble.js';
import { emptyFragment, type Fragment } from '../../src/normalize/fragment.js';
import { normalize, type Normalized } from '../../src/normalize/index.js';
import { SLACK_MS, matchScore } from '../../src/normalize/proxy-match.js';
import { Prices, resolveCost } from '../../src/pricing/index.js';
import { decodeJson } from '../../src/receiver/encoding/json.js';
import type { Signal } from '../../src/otlp/request.js';

/*
 * A request seen both by the proxy and by the app's instrumentation is one call, whichever
 * arrives first; requests that only one side saw stay calls of their own.
 */

const table = Prices.load(null);
const T0_MS = 1_748_779_200_000;
const ns = (ms: number) => String(BigInt(T0_MS + ms) * 1_000_000n);
const attrs = (o: Record<string, string | number | boolean>) =>
  Object.entries(o).map(([key, v]) => ({ key, value: typeof v === 'string' ? { stringValue: v } : typeof v === 'boolean' ? { boolValue: v } : { intValue: v } }));
const request = (signal: Signal, body: unknown) => normalize(decodeJson(signal, Buffer.from(JSON.stringify(body))).request);

const TRACE = '5b8efff798038103d269b633813fc60c';
let spanSeq = 0;

/** openlit's span of a chat request, from `start` to `end` ms after T0. */
function openlitSpan(o: { start: number; end: number; model?: string; input?: number; output?: number; error?: boolean; stream?: boolean; trace?: string }) {
  const spanId = `eee19b7ec3c1${(++spanSeq).toString(16).padStart(4, '0')}`;
  const a: Record<string, string | number | boolean> = { 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'openai', 'gen_ai.request.model': o.model ?? 'gpt-4o-mini', 'gen_ai.request.is_stream': o.stream ?? false };
  if (o.input !== undefined) a['gen_ai.usage.input_tokens'] = o.input;
  if (o.output !== undefined) a['gen_ai.usage.output_tokens'] = o.output;
  if (o.error) a['error.type'] = 'RateLimitError';
  const span = { traceId: o.trace ?? TRACE, spanId, name: 'chat gpt-4o-mini', startTimeUnixNano: ns(o.start), endTimeUnixNano: ns(o.end), attributes: attrs(a), status: o.error ? { code: 2, message: 'rate limited' } : {} };
  return { spanId, n: request('traces', { resourceSpans: [{ resource: { attributes: attrs({ 'service.name': 'my-app' }) }, scopeSpans: [{ scope: { name: 'openlit.otel.tracing' }, spans: [span] }] }] }) };
}

/** Claude Code's api_request event: no trace, its time is the request's end. */
function claudeCodeEvent(o: { end: number; duration: number; input: number; output: number; cacheRead: number }) {
  const record = {
    timeUnixNano: ns(o.end),
    eventName: 'claude_code.api_request',
    attributes: attrs({ model: 'claude-sonnet-4-5-20250929', input_tokens: o.input, output_tokens: o.output, cache_read_tokens: o.cacheRead, cache_creation_tokens: 0, duration_ms: o.duration, 'prompt.id': 'p-1' }),
  };
  return request('logs', { resourceLogs: [{ resource: { attributes: attrs({ 'service.name': 'claude-code' }) }, scopeLogs: [{ scope: { name: 'com.anthropic.claude_code.events' }, logRecords: [record] }] }] });
}

let proxySeq = 0;
/** What the proxy hands the pipeline (src/proxy/exchange.ts makes these). */
function proxied(o: Partial<Fragment> & { start: number; end: number }): Normalized {
  const f = emptyFragment({ traceId: '', spanId: '', parentSpanId: '', timeMs: T0_MS + o.start, service: 'wrapped', environment: '', source: 'proxy', origin: 'log' });
  Object.assign(f, { syntheticId: `proxy${++proxySeq}`, durationMs: o.end - o.start, operation: 'chat', provider: 'openai', model: 'gpt-4o-mini-2024-07-18', isError: false, streamed: false }, o);
  f.timeMs = T0_MS + o.start;
  return { fragments: [f], links: [], metrics: [], spans: [], modelless: [] };
}

function harness(matchProxy = true) {
  const assembler = new Assembler({ resolveCost: (c) => resolveCost(table, c), keepContent: true, matchProxy });
  const store = new Map<string, LlmCall>();
  const commit = (...batch: Normalized[]) => {
    const changes = assembler.ingest(batch);
    for (const r of changes.deleted) store.delete(r.id);
    for (const c of changes.upserted) store.set(c.id, c);
    return changes;
  };
  return { store, commit, calls: () => [...store.values()].sort((a, b) => a.timeMs - b.timeMs), assembler };
}

describe('matchScore: the same request, seen by the proxy and by OTLP', () => {
  const base = (o: Partial<Fragment>): Fragment => Object.assign(emptyFragment({ traceId: '', spanId: '', parentSpanId: '', timeMs: T0_MS, service: 's', environment: '', source: 'x', origin: 'span' }), { durationMs: 1000, model: 'gpt-4o-mini', isError: false }, o);
  const proxy = base({ timeMs: T0_MS + 5, durationMs: 990, model: 'gpt-4o-mini-2024-07-18', inputTokens: 120, outputTokens: 40, cacheReadTokens: 20, cacheWriteTokens: 10, reasoningTokens: 8 });

  it.each<[string, Partial<Fragment>, boolean]>([
    ['the same tokens, the model without its date', { inputTokens: 120, outputTokens: 40 }, true],
    ['input without the cached tokens (Anthropic counts them apart)', { inputTokens: 90, outputTokens: 40 }, true],
    ['output without the thinking tokens (Gemini counts them apart)', { inputTokens: 120, outputTokens: 32 }, true],
    ['no tokens on the OTLP side: time and model', {}, true],
    ['0 tokens taken for none said', { inputTokens: 0, outputTokens: 0 }, true],
    ['other output tokens', { inputTokens: 120, outputTokens: 41 }, false],
    ['other input tokens', { inputTokens: 119, outputTokens: 40 }, false],
    ['another model', { model: 'gpt-4o', inputTokens: 120, outputTokens: 40 }, false],
    ['another model, no tokens', { model: 'gpt-4o-mini-realtime' }, false],
    ['the snapshot named both ways', { model: 'models/GPT-4o-mini-2024-07-18' }, true],
    ['no model and no tokens', { model: null }, false],
    ['no model, the same tokens', { model: null, inputTokens: 120, outputTokens: 40 }, true],
    ['a failure against a success', { isError: true }, false],
    ['started after the proxy saw the request, beyond the slack', { timeMs: T0_MS + 5 + SLACK_MS + 1 }, false],
    ['ended before the proxy saw the answer, beyond the slack', { durationMs: 990 - SLACK_MS - 10 }, false],
    ['a moment (no duration) within the request', { timeMs: T0_MS + 900, durationMs: null }, true],
    ['a moment (no duration) long after it', { timeMs: T0_MS + 5000, durationMs: null }, false],
  ])('%s: %s', (_name, otlp, matches) => {
    expect(matchScore(proxy, base(otlp)) !== null).toBe(matches);
  });

  it('prefers a match on tokens to one on time alone', () => {
    const byTokens = matchScore(proxy, base({ timeMs: T0_MS - 1500, durationMs: 3000, inputTokens: 120, outputTokens: 40 }))!;
    const byTime = matchScore(proxy, base({}))!;
    expect(byTokens).toBeLessThan(byTime);
  });
});

describe('the assembler with the proxy on', () => {
  it('OTLP first, the proxy later: one call, the instrumented one, with the proxy\'s TTFT', () => {
    const h = harness();
    const span = openlitSpan({ start: 0, end: 1000, input: 30, output: 7, stream: true });
    h.commit(span.n);
    const changes = h.commit(proxied({ start: 4, end: 995, inputTokens: 30, outputTokens: 7, ttftMs: 250, streamed: true, response: 'Hello' }));
    expect(changes.deleted).toEqual([]);
    expect(h.calls()).toHaveLength(1);
    expect(h.calls()[0]).toMatchObject({ id: TRACE + span.spanId, source: 'openlit+proxy', service: 'my-app', inputTokens: 30, outputTokens: 7, ttftMs: 250, durationMs: 1000, response: 'Hello', model: 'gpt-4o-mini' });
  });

  it('the proxy first, OTLP later: the proxy\'s call gives way to one joined call', () => {
    const h = harness();
    h.commit(proxied({ start: 4, end: 995, inputTokens: 30, outputTokens: 7 }));
    expect(h.calls().map((c) => c.source)).toEqual(['proxy']);
    const span = openlitSpan({ start: 0, end: 1000, input: 30, output: 7 });
    h.commit(span.n);
    expect(h.calls()).toHaveLength(1);
    expect(h.calls()[0]).toMatchObject({ id: TRACE + span.spanId, source: 'openlit+proxy', inputTokens: 30 });
  });

  it('both in one batch: one call', () => {
    const h = harness();
    h.commit(proxied({ start: 4, end: 995, inputTokens: 30, outputTokens: 7 }), openlitSpan({ start: 0, end: 1000, input: 30, output: 7 }).n);
    expect(h.calls().map((c) => c.source)).toEqual(['openlit+proxy']);
  });

  it('a span around retries: the failed attempts stay calls of their own, the last one joins the span', () => {
    const h = harness();
    h.commit(proxied({ start: 5, end: 100, isError: true, errorType: '429', error: 'rate limited' }));
    h.commit(proxied({ start: 600, end: 700, isError: true, errorType: '429', error: 'rate limited' }));
    h.commit(proxied({ start: 1700, end: 2900, inputTokens: 30, outputTokens: 7 }));
    h.commit(openlitSpan({ start: 0, end: 2905, input: 30, output: 7 }).n);
    expect(h.calls().map((c) => [c.source, c.status, c.timeMs - T0_MS])).toEqual([
      ['openlit+proxy', 'ok', 0],
      ['proxy', 'error', 5],
      ['proxy', 'error', 600],
    ]);
  });

  it('two requests of one model at once: each joins its own by tokens', () => {
    const h = harness();
    h.commit(proxied({ start: 10, end: 900, inputTokens: 11, outputTokens: 5, response: 'first' }), proxied({ start: 12, end: 905, inputTokens: 22, outputTokens: 9, response: 'second' }));
    const a = openlitSpan({ start: 0, end: 910, input: 22, output: 9 });
    const b = openlitSpan({ start: 1, end: 912, input: 11, output: 5 });
    h.commit(a.n, b.n);
    expect(h.calls()).toHaveLength(2);
    expect(h.store.get(TRACE + a.spanId)!.response).toBe('second');
    expect(h.store.get(TRACE + b.spanId)!.response).toBe('first');
  });

  it('a request only the proxy saw, and one only OTLP saw: two calls', () => {
    const h = harness();
    h.commit(proxied({ start: 0, end: 500, inputTokens: 30, outputTokens: 7 }));
    h.commit(openlitSpan({ start: 10_000, end: 10_500, input: 30, output: 7 }).n);
    expect(h.calls().map((c) => c.source)).toEqual(['proxy', 'openlit']);
  });

  it("Claude Code's api_request event (no trace), in either order: one call under the event's id", () => {
    for (const proxyFirst of [true, false]) {
      const h = harness();
      const p = proxied({ start: 0, end: 4000, provider: 'anthropic', model: 'claude-sonnet-4-5-20250929', inputTokens: 1200 + 300, outputTokens: 80, cacheReadTokens: 300, cacheWriteTokens: 0, ttftMs: 900, streamed: true });
      const e = claudeCodeEvent({ end: 4010, duration: 4005, input: 1200, output: 80, cacheRead: 300 });
      if (proxyFirst) h.commit(p);
      h.commit(e);
      if (!proxyFirst) h.commit(p);
      expect(h.calls()).toHaveLength(1);
      expect(h.calls()[0]).toMatchObject({ id: e.fragments[0]!.syntheticId, source: 'claude-code+proxy', inputTokens: 1500, outputTokens: 80, ttftMs: 900 });
    }
  });

  it('without the proxy the assembler matches nothing: both are calls', () => {
    const h = harness(false);
    h.commit(proxied({ start: 4, end: 995, inputTokens: 30, outputTokens: 7 }));
    h.commit(openlitSpan({ start: 0, end: 1000, input: 30, output: 7 }).n);
    expect(h.calls()).toHaveLength(2);
  });

  it('a batch whose commit failed is matched again when retried', () => {
    const h = harness();
    h.commit(proxied({ start: 4, end: 995, inputTokens: 30, outputTokens: 7 }));
    const span = openlitSpan({ start: 0, end: 1000, input: 30, output: 7 });
    h.assembler.ingest([span.n]);
    h.assembler.rollback();
    h.commit(span.n);
    expect(h.calls().map((c) => c.source)).toEqual(['openlit+proxy']);
  });
});
