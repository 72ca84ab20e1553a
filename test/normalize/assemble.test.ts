import { describe, expect, it } from 'vitest';
import type { LlmCall } from '../../src/domain/call.js';
import { Assembler } from '../../src/normalize/assemble.js';
import { normalize } from '../../src/normalize/index.js';
import { Prices, resolveCost } from '../../src/pricing/index.js';
import { decodeJson } from '../../src/receiver/encoding/json.js';
import { CallStore } from '../../src/store/call-store.js';
import type { Signal } from '../../src/otlp/request.js';

/*
 * The assembler's memory across commits. The store applies each batch's changes in a
 * transaction; when that fails the client retries, and the assembler must be as it was.
 */

const table = Prices.load(null);
const T0 = 1748779200000n * 1_000_000n;
const ns = (ms: number) => String(T0 + BigInt(ms) * 1_000_000n);
const attrs = (o: Record<string, string | number>) =>
  Object.entries(o).map(([key, v]) => ({ key, value: typeof v === 'string' ? { stringValue: v } : { intValue: v } }));

function request(signal: Signal, body: unknown) {
  return normalize(decodeJson(signal, Buffer.from(JSON.stringify(body))).request);
}
const traces = (service: string, spans: unknown[]) =>
  request('traces', { resourceSpans: [{ resource: { attributes: attrs({ 'service.name': service }) }, scopeSpans: [{ scope: { name: 'ai' }, spans }] }] });

const TRACE = '5b8efff798038103d269b633813fc60c';
const usage = { 'ai.model.provider': 'openai.chat', 'ai.model.id': 'gpt-4o-mini', 'ai.usage.inputTokens': 30, 'ai.usage.outputTokens': 7 };
const inner = { traceId: TRACE, spanId: 'eee19b7ec3c1b174', parentSpanId: 'eee19b7ec3c1b173', name: 'ai.generateText.doGenerate', startTimeUnixNano: ns(10), endTimeUnixNano: ns(810), attributes: attrs({ ...usage, 'ai.operationId': 'ai.generateText.doGenerate' }) };
const outer = { traceId: TRACE, spanId: 'eee19b7ec3c1b173', name: 'ai.generateText', startTimeUnixNano: ns(0), endTimeUnixNano: ns(820), attributes: attrs({ ...usage, 'ai.operationId': 'ai.generateText' }) };
const other = { traceId: '6b8efff798038103d269b633813fc60c', spanId: 'fff19b7ec3c1b174', name: 'ai.generateText.doGenerate', startTimeUnixNano: ns(0), endTimeUnixNano: ns(500), attributes: attrs({ ...usage, 'ai.operationId': 'ai.generateText.doGenerate' }) };

/** An assembler and the store it feeds; `fail` makes the next commit fail, as Ingest handles it. */
function harness(limits: { maxTraces?: number; maxRootedTraces?: number } = {}) {
  const assembler = new Assembler({ resolveCost: (c) => resolveCost(table, c), keepContent: true, ...limits });
  const store = new Map<string, LlmCall>();
  return {
    store,
    commit(n: ReturnType<typeof request>[]) {
      const changes = assembler.ingest(n);
      for (const r of changes.deleted) store.delete(r.id);
      for (const c of changes.upserted) store.set(c.id, c);
    },
    fail(n: ReturnType<typeof request>[]) {
      assembler.ingest(n);
      assembler.rollback();
    },
  };
}

describe('a failed commit', () => {
  it('does not make the assembler forget layers already stored (no double count)', () => {
    const h = harness();
    h.commit([traces('svc', [inner])]);
    h.fail([traces('svc', [other])]);
    h.commit([traces('svc', [outer])]);
    expect([...h.store.values()].map((c) => c.spanId)).toEqual([inner.spanId]);
  });

  it('is merged again when the client retries it', () => {
    const h = harness();
    h.commit([traces('svc', [inner])]);
    h.fail([traces('svc', [outer, other])]);
    h.commit([traces('svc', [outer, other])]);
    expect([...h.store.values()].map((c) => c.spanId).sort()).toEqual([inner.spanId, other.spanId]);
    expect(h.store.get(TRACE + inner.spanId)).toMatchObject({ inputTokens: 30, durationMs: 800 });
  });

  it('does not lose a cumulative metric point the retry brings again', () => {
    const point = (time: number, count: number, sum: number) =>
      request('metrics', {
        resourceMetrics: [
          {
            resource: { attributes: attrs({ 'service.name': 'metrics-only' }) },
            scopeMetrics: [
              {
                metrics: [
                  {
                    name: 'gen_ai.client.operation.duration',
                    histogram: { aggregationTemporality: 2, dataPoints: [{ attributes: attrs({ 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o' }), startTimeUnixNano: ns(0), timeUnixNano: ns(time), count, sum, bucketCounts: [count], explicitBounds: [] }] },
                  },
                ],
              },
            ],
          },
        ],
      });
    const h = harness();
    h.commit([point(60_000, 1, 2)]);
    h.fail([point(120_000, 3, 6)]);
    h.commit([point(120_000, 3, 6)]);
    expect(h.store.size).toBe(3);
  });

  it('does not forget a Claude Code prompt whose requests come later', () => {
    const event = (time: number, name: string, a: Record<string, string>) =>
      request('logs', {
        resourceLogs: [
          {
            resource: { attributes: attrs({ 'service.name': 'claude-code' }) },
            scopeLogs: [{ scope: { name: 'com.anthropic.claude_code.events' }, logRecords: [{ timeUnixNano: ns(time), body: { stringValue: `claude_code.${name}` }, attributes: attrs({ 'event.name': name, ...a }) }] }],
          },
        ],
      });
    const h = harness();
    h.commit([event(0, 'user_prompt', { 'prompt.id': 'p1', prompt: 'fix the test' })]);
    h.fail([event(100, 'api_request', { 'prompt.id': 'p1', model: 'claude-sonnet-4-5', input_tokens: '3', output_tokens: '5', duration_ms: '90' })]);
    h.commit([event(100, 'api_request', { 'prompt.id': 'p1', model: 'claude-sonnet-4-5', input_tokens: '3', output_tokens: '5', duration_ms: '90' })]);
    expect([...h.store.values()].map((c) => c.prompt)).toEqual(['fix the test']);
  });
});

describe('traces remembered', () => {
  /** `n` whole traces of one root span each: what a flood of plain chat calls looks like. */
  const flood = (n: number) =>
    Array.from({ length: n }, (_, i) => traces('svc', [{ ...other, traceId: i.toString(16).padStart(32, 'a'), spanId: i.toString(16).padStart(16, 'b') }]));

  it('a trace still waiting for its root outlives a flood of whole traces, and its wrapper still merges', () => {
    const h = harness({ maxTraces: 10, maxRootedTraces: 2 });
    h.commit([traces('svc', [inner])]);
    for (const r of flood(50)) h.commit([r]);
    h.commit([traces('svc', [outer])]);
    expect([...h.store.values()].filter((c) => c.traceId === TRACE).map((c) => c.spanId)).toEqual([inner.spanId]);
  });

  it('a whole trace is forgotten after maxRootedTraces others: its wrapper sent again is then taken for a call', () => {
    const h = harness({ maxTraces: 10, maxRootedTraces: 2 });
    h.commit([traces('svc', [inner, outer])]);
    for (const r of flood(3)) h.commit([r]);
    h.commit([traces('svc', [outer])]);
    expect([...h.store.values()].filter((c) => c.traceId === TRACE).map((c) => c.spanId).sort()).toEqual([outer.spanId, inner.spanId].sort());
  });

  it('a root that came in a failed commit leaves the trace waiting, as it was', () => {
    const h = harness({ maxTraces: 10, maxRootedTraces: 2 });
    h.commit([traces('svc', [inner])]);
    h.fail([traces('svc', [outer])]);
    for (const r of flood(50)) h.commit([r]);
    h.commit([traces('svc', [outer])]);
    expect([...h.store.values()].filter((c) => c.traceId === TRACE).map((c) => c.spanId)).toEqual([inner.spanId]);
  });
});

describe('call keys', () => {
  it('a span sent again with another start is still one call, at its new start (the store keys calls by start and id)', () => {
    const assembler = new Assembler({ resolveCost: (c) => resolveCost(table, c), keepContent: true });
    const store = new CallStore({ path: ':memory:', maxCalls: 100, retentionMs: 365 * 86400_000, now: () => Number(T0 / 1_000_000n) });
    try {
      for (const start of [ns(0), ns(5), ns(5)]) store.commit(assembler.ingest([traces('svc', [{ ...other, startTimeUnixNano: start }])]));
      expect(store.calls({ limit: 10 }).map((c) => [c.spanId, c.timeMs])).toEqual([[other.spanId, Number(T0 / 1_000_000n) + 5]]);
    } finally {
      store.close();
    }
  });

  it('a span whose start changes twice within one batch is still one call, at its last start', () => {
    const assembler = new Assembler({ resolveCost: (c) => resolveCost(table, c), keepContent: true });
    const store = new CallStore({ path: ':memory:', maxCalls: 100, retentionMs: 365 * 86400_000, now: () => Number(T0 / 1_000_000n) });
    try {
      store.commit(assembler.ingest([traces('svc', [{ ...other, startTimeUnixNano: ns(0) }])]));
      store.commit(assembler.ingest([5, 9].map((ms) => traces('svc', [{ ...other, startTimeUnixNano: ns(ms) }]))));
      expect(store.calls({ limit: 10 }).map((c) => [c.spanId, c.timeMs])).toEqual([[other.spanId, Number(T0 / 1_000_000n) + 9]]);
    } finally {
      store.close();
    }
  });
});

describe('content', () => {
  it('keeps no prompt or response with keepContent false', () => {
    const assembler = new Assembler({ resolveCost: (c) => resolveCost(table, c), keepContent: false });
    const withText = { ...inner, attributes: [...inner.attributes, ...attrs({ 'ai.prompt.messages': '[{"role":"user","content":"secret"}]', 'ai.response.text': 'also secret' })] };
    const changes = assembler.ingest([traces('svc', [withText])]);
    expect(changes.upserted).toHaveLength(1);
    expect(changes.upserted[0]).toMatchObject({ prompt: null, response: null, inputTokens: 30 });
  });
});

describe('message events', () => {
  it('a very long history keeps the system message and the latest messages within its bound', () => {
    const T = '7b8efff798038103d269b633813fc60c';
    const S = 'aaa19b7ec3c1b174';
    const ev = (name: string, content: string) => ({ traceId: T, spanId: S, timeUnixNano: ns(1), attributes: attrs({ 'event.name': name }), body: { kvlistValue: { values: [{ key: 'content', value: { stringValue: content } }] } } });
    const records = [ev('gen_ai.system.message', 'SYS')];
    for (let i = 1; i <= 100; i++) records.push(ev('gen_ai.user.message', `m${i}`));
    const assembler = new Assembler({ resolveCost: (c) => resolveCost(table, c), keepContent: true });
    assembler.ingest([request('logs', { resourceLogs: [{ resource: { attributes: attrs({ 'service.name': 'chat' }) }, scopeLogs: [{ logRecords: records }] }] })]);
    const span = { traceId: T, spanId: S, name: 'chat gpt-4o', startTimeUnixNano: ns(0), endTimeUnixNano: ns(900), attributes: attrs({ 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o' }) };
    const [call] = assembler.ingest([traces('chat', [span])]).upserted;
    const lines = call!.prompt!.split('\n');
    expect(lines).toHaveLength(64);
    expect(lines[0]).toBe('system: SYS');
    expect(lines[1]).toBe('user: m38');
    expect(lines.at(-1)).toBe('user: m100');
  });
});
