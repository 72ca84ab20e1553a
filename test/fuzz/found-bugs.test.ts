import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ingest } from '../../src/ingest/ingest.js';
import { normalize } from '../../src/normalize/index.js';
import { DecodeError } from '../../src/receiver/encoding/index.js';
import { decodeJson } from '../../src/receiver/encoding/json.js';
import { decodeProtobuf } from '../../src/receiver/encoding/protobuf.js';
import { startTestLlmtop } from '../helpers/llmtop.js';
import { rawRequest } from '../helpers/otlp-payloads.js';
import { TRACE_ID, encodeProto, lenField, newAssembler, newStore, spanJson, varint } from './kit.js';

/*
 * The bugs in src/ the fuzz families found, one reproducer each, written as the behaviour that
 * must hold: deep nesting, "__proto__" keys, non-finite numbers, metrics amplification, huge
 * integer strings, enum names from Object.prototype, split surrogates, uncapped fields, and
 * unbounded error messages. All fixed; each test guards against the bug coming back.
 */

const CAP = 64 * 1024;
const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const JSON_TYPE = { 'Content-Type': 'application/json' };

function throwsOnlyDecodeError(f: () => unknown): void {
  try {
    f();
  } catch (err) {
    if (!(err instanceof DecodeError)) throw new Error(`threw ${(err as Error).constructor.name}: ${(err as Error).message}`);
  }
}

function deepJson(kind: 'arrayValue' | 'kvlistValue', depth: number): string {
  return kind === 'arrayValue'
    ? '{"arrayValue":{"values":['.repeat(depth) + '{"stringValue":"x"}' + ']}}'.repeat(depth)
    : '{"kvlistValue":{"values":[{"key":"k","value":'.repeat(depth) + '{"stringValue":"x"}' + '}]}}'.repeat(depth);
}

/** A histogram of gen_ai.client.operation.duration from a service that sends nothing else. */
function durationHistogram(points: { count: string; sum: unknown; bounds?: unknown[]; buckets?: string[] }[], service = 'metrics-only') {
  return {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'gen_ai.client.operation.duration',
                histogram: {
                  aggregationTemporality: 1,
                  dataPoints: points.map((p) => ({
                    attributes: [{ key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o' } }],
                    timeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
                    count: p.count,
                    sum: p.sum,
                    ...(p.bounds ? { explicitBounds: p.bounds, bucketCounts: p.buckets } : {}),
                  })),
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

describe('A: nesting deeper than the stack is a RangeError, not a DecodeError', () => {
  // src/receiver/encoding/json.ts anyValue/attributes and protobuf.ts anyValue/attributes recurse
  // once per level with no depth limit. The HTTP handler turns the RangeError into a 400 only
  // because it catches every RangeError and TypeError around decode *and* normalize.
  it('decodeJson: a kvlist value nested 10,000 deep', () => {
    throwsOnlyDecodeError(() => decodeJson('traces', Buffer.from(`{"resourceSpans":[{"resource":{"attributes":[{"key":"k","value":${deepJson('kvlistValue', 10_000)}}]}}]}`)));
  });

  it('decodeJson: an array value nested 10,000 deep', () => {
    throwsOnlyDecodeError(() => decodeJson('logs', Buffer.from(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${deepJson('arrayValue', 10_000)}}]}]}]}`)));
  });

  // The decoder on protobufjs's generated code (now protobuf-reference.ts) had the same unbounded
  // recursion, and which of it and protobufjs overflowed first depended on the stack and JIT state:
  // not reproducible. The decoder on the Reader stops descending past 64 levels.
  it.each([10_000, 100_000])('decodeProtobuf: a kvlist value nested %i deep', (depth) => {
    // Built from the inside out, prefixes only (each level's lengths count what it holds): linear in the depth.
    const prefixes: Buffer[] = [];
    let size = 3; // the innermost AnyValue: string_value "x"
    for (let i = 0; i < depth; i++) {
      const keyValue = 4 + varint(size).length + size; // key "k", then the value
      const list = 1 + varint(keyValue).length + keyValue; // KeyValueList.values
      prefixes.push(Buffer.concat([Buffer.from([0x32]), varint(list), Buffer.from([0x0a]), varint(keyValue), Buffer.from([0x0a, 0x01, 0x6b, 0x12]), varint(size)]));
      size = 1 + varint(list).length + list;
    }
    const value = Buffer.concat([...prefixes.reverse(), Buffer.from([0x0a, 0x01, 0x78])]);
    const body = lenField(1, lenField(1, lenField(1, Buffer.concat([lenField(1, Buffer.from('k')), lenField(2, value)]))));
    expect(() => decodeProtobuf('traces', body)).toThrow(new DecodeError('an attribute value is nested deeper than 64 levels'));
  });
});

describe('B: an attribute key "__proto__" sets the prototype of the attributes object', () => {
  // json.ts and protobuf.ts attributes(): `out[key] = value` on a plain {} — the key "__proto__"
  // is not stored; an object value becomes the prototype (its keys read as inherited attributes),
  // and a null value (an empty AnyValue) leaves an object without a prototype.
  it.each(['json', 'proto'] as const)('%s: the key is kept as an attribute like any other, and nothing is inherited', (enc) => {
    const body = spanJson([{ key: '__proto__', value: { kvlistValue: { values: [{ key: 'gen_ai.usage.cost', value: { doubleValue: 99 } }] } } }]);
    const d = enc === 'json' ? decodeJson('traces', json(body)) : decodeProtobuf('traces', encodeProto('traces', body));
    const attrs = (d.request.resources[0]!.scopes[0]!.items[0] as { attributes: Record<string, unknown> }).attributes;
    // Today the call is stored with a reported cost of $99, read through the prototype.
    const [call] = newAssembler().ingest([normalize(d.request)]).upserted;
    expect(call!.costUsd).not.toBe(99);
    expect(Object.keys(attrs)).toContain('__proto__');
  });

  it('normalize does not throw on a metric point whose kvlist attribute holds "__proto__": {} (today a TypeError, answered 400)', () => {
    const body = {
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'gen_ai.client.token.usage',
                  sum: {
                    aggregationTemporality: 2,
                    dataPoints: [
                      {
                        asInt: '5',
                        attributes: [
                          { key: 'gen_ai.token.type', value: { stringValue: 'input' } },
                          { key: 'x', value: { kvlistValue: { values: [{ key: '__proto__', value: {} }] } } },
                        ],
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    // src/normalize/metrics.ts sample(): JSON.stringify(Object.entries(a).sort()) — the default sort
    // turns each [key, value] entry into a string, which a prototype-less object cannot be.
    const d = decodeJson('metrics', json(body));
    expect(() => normalize(d.request)).not.toThrow();
  });
});

describe('C: non-finite metric values reach the store and fail the commit (503 with Retry-After)', () => {
  // src/normalize/assemble.ts callsFromMetrics: durationMs = value * 1000 and timeMs = time - durationMs
  // from a histogram mean or bucket bounds, never checked; src/store/call-store.ts toParams then
  // throws in BigInt(Math.max(0, Math.round(c.timeMs * 1000))) for NaN or Infinity (and NaN token
  // shares break the NOT NULL columns). The same with a claude_code.api_request log's duration_ms.
  let app: Awaited<ReturnType<typeof startTestLlmtop>>;
  beforeAll(async () => {
    app = await startTestLlmtop();
  });
  afterAll(async () => {
    await app?.close();
  });

  const bad: [string, () => Buffer, string][] = [
    ['histogram sum "NaN"', () => json(durationHistogram([{ count: '1', sum: 'NaN' }])), '/v1/metrics'],
    ['histogram sum "-Infinity"', () => json(durationHistogram([{ count: '1', sum: '-Infinity' }])), '/v1/metrics'],
    ['histogram sum -1e306', () => json(durationHistogram([{ count: '1', sum: -1e306 }])), '/v1/metrics'],
    ['histogram bound "-Infinity"', () => json(durationHistogram([{ count: '2', sum: 1, bounds: ['-Infinity'], buckets: ['1', '1'] }])), '/v1/metrics'],
    [
      'token usage sum "NaN"',
      () =>
        json({
          resourceMetrics: [
            {
              resource: { attributes: [{ key: 'service.name', value: { stringValue: 'metrics-only-2' } }] },
              scopeMetrics: [
                {
                  metrics: [
                    {
                      name: 'gen_ai.client.token.usage',
                      histogram: {
                        aggregationTemporality: 1,
                        dataPoints: [
                          { count: '1', sum: 'NaN', attributes: [{ key: 'gen_ai.token.type', value: { stringValue: 'input' } }] },
                          { count: '1', sum: 5, attributes: [{ key: 'gen_ai.token.type', value: { stringValue: 'output' } }] },
                        ],
                      },
                    },
                  ],
                },
              ],
            },
          ],
        }),
      '/v1/metrics',
    ],
    [
      'claude_code.api_request with duration_ms -1e306',
      () =>
        json({
          resourceLogs: [
            {
              scopeLogs: [
                {
                  scope: { name: 'com.anthropic.claude_code.events' },
                  logRecords: [
                    {
                      timeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
                      eventName: 'claude_code.api_request',
                      attributes: [
                        { key: 'model', value: { stringValue: 'claude-sonnet-4' } },
                        { key: 'input_tokens', value: { intValue: '5' } },
                        { key: 'duration_ms', value: { doubleValue: -1e306 } },
                      ],
                    },
                  ],
                },
              ],
            },
          ],
        }),
      '/v1/logs',
    ],
  ];

  it.each(bad)('%s is answered 200 or 400, not 503', async (_what, body, path) => {
    const res = await rawRequest(app.url, { path, headers: JSON_TYPE, body: body() });
    expect([200, 400], `${res.status} ${res.body.toString()}`).toContain(res.status);
  });

  it('one such request does not fail the good requests committed in the same batch', async () => {
    const store = newStore();
    const assembler = newAssembler();
    const ingest = new Ingest({ assembler, commit: store.commit, onCommitted: () => {}, maxPending: 1_000_000, maxPerCommit: 1_000_000 });
    const poison = normalize(decodeJson('metrics', json(durationHistogram([{ count: '1', sum: 'NaN' }]))).request);
    const good = normalize(decodeJson('traces', json(spanJson([]))).request);
    // Both queued before the group commit runs (setImmediate), as concurrent requests are.
    const [p, g] = await Promise.allSettled([ingest.submit(poison), ingest.submit(good)]);
    // The NaN is made harmless on the way in, so neither request fails the shared commit.
    expect(p.status).toBe('fulfilled');
    expect(g.status, 'the good span, refused with the poison one').toBe('fulfilled');
    store.close();
  });
});

describe('D: a metrics request becomes up to 10,000 calls per data point, with no bound per request', () => {
  // src/normalize/assemble.ts expand(): MAX_CALLS_PER_METRIC_POINT caps one point, but a request may
  // carry any number of points: 10 points (1.6 KB of JSON) → 100,000 calls; 100 points (14 KB) →
  // 1,000,000 calls, measured on a real llmtop at 40 s with the event loop blocked (/healthz refused)
  // and 983 MB RSS. A few hundred KB of metrics is tens of millions of calls: out of memory.
  it('three points of count 10,000 (~700 bytes) make at most 10,000 calls', () => {
    const body = json(durationHistogram([0, 1, 2].map(() => ({ count: '10000', sum: 5 }))));
    expect(body.length).toBeLessThan(1000);
    const changes = newAssembler().ingest([normalize(decodeJson('metrics', body).request)]);
    expect(changes.upserted.length).toBeLessThanOrEqual(10_000);
  });

  // With the ring at --max-calls, those calls push every real call out: at the default 100,000 a
  // 1.6 KB request (10 points) empties the ring. Here a 20,000-call ring and two points.
  it('a ~500-byte metrics request does not evict the calls already stored', async () => {
    const app = await startTestLlmtop({ maxCalls: 20_000 });
    try {
      const span = await rawRequest(app.url, { path: '/v1/traces', headers: JSON_TYPE, body: json(spanJson([], { spanId: '9999999999999999' })) });
      expect(span.status).toBe(200);
      const body = json(durationHistogram([0, 1].map(() => ({ count: '10000', sum: 5 })), 'metrics-flood'));
      expect(body.length).toBeLessThan(600);
      const res = await rawRequest(app.url, { path: '/v1/metrics', headers: JSON_TYPE, body });
      expect(res.status).toBe(200);
      const kept = app.store.calls({ limit: 10, filter: { service: 'fuzz' } });
      expect(kept.map((c) => c.spanId)).toContain('9999999999999999');
    } finally {
      await app.close();
    }
  }, 20_000);
});

describe('E: JSON integers of millions of digits are parsed as BigInt (superlinear)', () => {
  // src/receiver/encoding/json.ts nanos(): INTEGER.test(v) then BigInt(v), for times, intValue, asInt,
  // count and bucket counts, whatever their length. Measured: 2M digits 0.3 s, 8M 1.7 s, one 60M-digit
  // startTimeUnixNano (a 60 MB body, under the 64 MiB limit) 19 s with the event loop blocked; a string
  // attribute of the same size decodes in 16 ms. Anything past 20 digits is out of range anyway.
  it('a startTimeUnixNano of 4,000,000 digits is refused or read within 200 ms', () => {
    const body = json(spanJson([], { startTimeUnixNano: '1'.repeat(4_000_000) }));
    const t0 = performance.now();
    try {
      decodeJson('traces', body);
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
    }
    expect(performance.now() - t0).toBeLessThan(200);
  });
});

describe('F: enum names are looked up through Object.prototype', () => {
  // src/receiver/encoding/json.ts enumValue(): names[v] on plain objects, so "constructor",
  // "toString", "__proto__"… are found: kind becomes the Object function, status.code Object.prototype.
  it('"kind": "constructor" and "status": {"code": "__proto__"} are DecodeErrors (or numbers)', () => {
    let kind: unknown;
    let code: unknown;
    try {
      const d = decodeJson('traces', json(spanJson([], { kind: 'constructor', status: { code: '__proto__' } })));
      const span = d.request.resources[0]!.scopes[0]!.items[0] as { kind: unknown; status: { code: unknown } };
      kind = span.kind;
      code = span.status.code;
    } catch (err) {
      if (err instanceof DecodeError) return;
      throw err;
    }
    expect(typeof kind).toBe('number');
    expect(typeof code).toBe('number');
  });
});

describe('G: lone surrogates do not survive the store', () => {
  // SQLite gets the string as WTF-8 (a lone surrogate as ED A0 80) and better-sqlite3 reads each of
  // those bytes back as U+FFFD. src/store/call-store.ts cap() makes one itself: text.slice(0, 65536)
  // cuts a surrogate pair whenever the cut falls inside one.
  it('a capped prompt of emoji at an odd offset is read back without U+FFFD and within the cap', () => {
    const store = newStore();
    const prompt = `a${'😀'.repeat(40_000)}`;
    const changes = newAssembler().ingest([normalize(decodeJson('traces', json(spanJson([{ key: 'gen_ai.prompt', value: { stringValue: prompt } }]))).request)]);
    store.commit(changes);
    const [call] = store.calls({ limit: 1 });
    store.close();
    expect(call!.prompt).not.toContain('\ufffd');
    expect(call!.prompt!.length).toBeLessThanOrEqual(CAP + 50);
  });
});

describe('H: only prompt and response are capped', () => {
  let app: Awaited<ReturnType<typeof startTestLlmtop>>;
  beforeAll(async () => {
    app = await startTestLlmtop();
  });
  afterAll(async () => {
    await app?.close();
  });

  // src/store/call-store.ts caps prompt and response only (cap() in commitTx); error (the span's
  // status message), model, service, environment, user, operation and provider go into the calls
  // table whole, and into LiveStats' group keys in memory.
  it('a 5 MB status message and a 1 MB user id are stored capped', async () => {
    const big = 'e'.repeat(5 * 1024 * 1024);
    const res = await rawRequest(app.url, {
      path: '/v1/traces',
      headers: JSON_TYPE,
      body: json(spanJson([{ key: 'user.id', value: { stringValue: 'u'.repeat(1024 * 1024) } }], { spanId: '7777777777777777', status: { code: 2, message: big } })),
    });
    expect(res.status).toBe(200);
    const call = app.store.calls({ limit: 10 }).find((c) => c.spanId === '7777777777777777');
    expect(call).toBeDefined();
    expect(call!.error!.length).toBeLessThanOrEqual(CAP + 50);
    expect(call!.user!.length).toBeLessThanOrEqual(CAP + 50);
  }, 20_000);

  // src/ingest/ingest.ts hands the uncapped calls to onCommitted → LiveStats' RecentCalls, which keeps
  // the last 2,000 calls with their text: 2,000 × up to 64 MB. The assembler's trace state
  // (20,000 traces) holds the uncapped fragments too.
  it('the recent calls kept in memory for the log hold the capped text, not 5 MB', async () => {
    const res = await rawRequest(app.url, {
      path: '/v1/traces',
      headers: JSON_TYPE,
      body: json(spanJson([{ key: 'gen_ai.prompt', value: { stringValue: 'p'.repeat(5 * 1024 * 1024) } }], { spanId: '8888888888888888', traceId: TRACE_ID.replace('0', 'f') })),
    });
    expect(res.status).toBe(200);
    const recent = app.stats.recent(10).find((c) => c.spanId === '8888888888888888');
    expect(recent).toBeDefined();
    expect(recent!.prompt!.length).toBeLessThanOrEqual(CAP + 50);
  }, 20_000);
});

describe('I: error messages quote the input without a bound', () => {
  // src/receiver/encoding/json.ts builds `where` from attribute keys and error messages from it
  // (`${where}.attributes["${key}"]`), and both decoders put the span name in the partial_success
  // message: a 10 MB key or name comes back in the answer, 10 MB long.
  it('a DecodeError about a 10 MB attribute key has a short message', () => {
    let message = '';
    try {
      decodeJson('traces', json(spanJson([{ key: 'k'.repeat(10 * 1024 * 1024), value: { boolValue: 'yes' } }])));
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).not.toBe('');
    expect(message.length).toBeLessThan(4096);
  });
});
