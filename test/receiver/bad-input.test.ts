import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, startTestLlmtop } from '../helpers/llmtop.js';
import {
  TraceResponse,
  decodeRpcStatus,
  genAiSpanJson,
  protoSpan,
  randomHex,
  rawRequest,
  tracesJson,
  tracesProto,
  type RawResponse,
} from '../helpers/otlp-payloads.js';

/*
 * Every kind of bad input a receiver meets on port 4318: each gets its status and a
 * google.rpc.Status body in the request's encoding, the server stays up, and the good calls
 * sent just before and just after it are all stored.
 */

const MiB = 1024 * 1024;
const LIMIT = 64 * MiB; // LIMITS.maxBodyBytes, the OTLP spec's recommendation
const JSON_TYPE = { 'Content-Type': 'application/json' };
const PROTO_TYPE = { 'Content-Type': 'application/x-protobuf' };
// A copy of shared/fixtures/otlp-spec-examples (the examples of opentelemetry-proto), so CI needs nothing beside the clone.
const SPEC_EXAMPLES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/otlp-spec-examples');

let app: Awaited<ReturnType<typeof startTestLlmtop>>;
/** Span ids of every good call acknowledged with 200, in the order sent. */
const acknowledged: string[] = [];
let goodCount = 0;

beforeAll(async () => {
  app = await startTestLlmtop();
});
afterAll(async () => {
  await app?.close();
});

/** Sends one good GenAI call, alternately as protobuf and as JSON, and expects 200. */
async function sendGood(): Promise<string> {
  const span = genAiSpanJson({ model: 'gpt-4o-mini', inputTokens: 100 + goodCount, outputTokens: 7 });
  const asProto = goodCount++ % 2 === 0;
  const res = asProto
    ? await rawRequest(app.url, { path: '/v1/traces', headers: PROTO_TYPE, body: tracesProto([protoSpan(span)]) })
    : await rawRequest(app.url, { path: '/v1/traces', headers: JSON_TYPE, body: Buffer.from(JSON.stringify(tracesJson([span]))) });
  expect(res.status, `good ${asProto ? 'protobuf' : 'JSON'} call: ${res.body.toString()}`).toBe(200);
  acknowledged.push(span.spanId as string);
  return span.spanId as string;
}

async function storedSpanIds(): Promise<string[]> {
  const { calls } = await getJson<{ calls: { spanId: string }[] }>(`${app.url}/api/v1/calls?limit=10000`);
  return calls.map((c) => c.spanId);
}

async function expectUp(): Promise<void> {
  expect(await getJson(`${app.url}/healthz`)).toMatchObject({ status: 'ok' });
}

/** A google.rpc.Status in JSON: {code, message}, with a non-empty message. */
function expectJsonStatus(res: RawResponse, grpcCode?: number): { code: number; message: string } {
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(res.body.toString('utf8')) as { code: number; message: string };
  expect(typeof body.code).toBe('number');
  expect(body.code).not.toBe(0);
  if (grpcCode !== undefined) expect(body.code).toBe(grpcCode);
  expect(typeof body.message).toBe('string');
  expect(body.message.length).toBeGreaterThan(0);
  return body;
}

/** A google.rpc.Status in protobuf, decodable, with a code and a message. */
function expectProtoStatus(res: RawResponse, grpcCode?: number): { code: number; message: string } {
  expect(res.headers['content-type']).toMatch(/^application\/x-protobuf/);
  const st = decodeRpcStatus(res.body);
  expect(st.code).not.toBe(0);
  if (grpcCode !== undefined) expect(st.code).toBe(grpcCode);
  expect(st.message.length).toBeGreaterThan(0);
  return st;
}

/** A good call before, the bad request, a good call after: both good calls are stored, the server is up. */
async function around(bad: () => Promise<RawResponse>): Promise<RawResponse> {
  const before = await sendGood();
  const res = await bad();
  await expectUp();
  const after = await sendGood();
  const stored = await storedSpanIds();
  expect(stored).toContain(before);
  expect(stored).toContain(after);
  return res;
}

const jsonBody = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));

describe('undecodable bodies: 400 with a google.rpc.Status', () => {
  it('garbage protobuf bytes', async () => {
    // A field 1 with wire type 7 (no such wire type), then noise.
    const garbage = Buffer.from([0x0f, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x02, 0x03, 0x99, 0x98]);
    const res = await around(() => rawRequest(app.url, { path: '/v1/traces', headers: PROTO_TYPE, body: garbage }));
    expect(res.status).toBe(400);
    expectProtoStatus(res, 3);
  });

  it('protobuf with a length running past the end of the body', async () => {
    // resource_spans (field 1, length-delimited) claiming 100 bytes, followed by 3.
    const truncated = Buffer.from([0x0a, 0x64, 0x0a, 0x01, 0x00]);
    const res = await around(() => rawRequest(app.url, { path: '/v1/traces', headers: PROTO_TYPE, body: truncated }));
    expect(res.status).toBe(400);
    expectProtoStatus(res, 3);
  });

  it('random bytes on /v1/logs and /v1/metrics too', async () => {
    const noise = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    for (const p of ['/v1/logs', '/v1/metrics']) {
      const res = await around(() => rawRequest(app.url, { path: p, headers: PROTO_TYPE, body: noise }));
      expect(res.status, p).toBe(400);
      expectProtoStatus(res, 3);
    }
  });

  it('protobuf nested 50,000 AnyValues deep', async () => {
    // AnyValue{array_value(5): ArrayValue{values(1): AnyValue{...}}}, built from the inside out.
    const lenDelim = (field: number, inner: Buffer) => {
      const len: number[] = [];
      let n = inner.length;
      do {
        len.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
        n >>>= 7;
      } while (n > 0);
      return Buffer.concat([Buffer.from([(field << 3) | 2, ...len]), inner]);
    };
    let v = Buffer.from([0x0a, 0x01, 0x78]); // AnyValue{string_value: "x"}
    for (let i = 0; i < 50_000; i++) v = lenDelim(5, lenDelim(1, v));
    const kv = Buffer.concat([lenDelim(1, Buffer.from('k')), lenDelim(2, v)]); // KeyValue{key, value}
    const res0 = lenDelim(1, lenDelim(1, kv)); // Resource{attributes}
    const body = lenDelim(1, res0); // ExportTraceServiceRequest{resource_spans: ResourceSpans{resource}}
    const res = await around(() => rawRequest(app.url, { path: '/v1/traces', headers: PROTO_TYPE, body }));
    expect(res.status).toBe(400);
    expectProtoStatus(res, 3);
  });

  it('malformed JSON', async () => {
    const res = await around(() => rawRequest(app.url, { path: '/v1/traces', headers: JSON_TYPE, body: jsonBody('{"resourceSpans": [ {') }));
    expect(res.status).toBe(400);
    expectJsonStatus(res, 3);
  });

  it('a JSON body that is not an object', async () => {
    for (const body of ['[]', 'null', '"resourceSpans"', '42']) {
      const res = await around(() => rawRequest(app.url, { path: '/v1/traces', headers: JSON_TYPE, body: jsonBody(body) }));
      expect(res.status, body).toBe(400);
      expectJsonStatus(res, 3);
    }
  });

  it('JSON nested 100,000 arrays deep inside an attribute value', async () => {
    const deep = '{"arrayValue":{"values":['.repeat(100_000) + '{"stringValue":"x"}' + ']}}'.repeat(100_000);
    const body = `{"resourceSpans":[{"resource":{"attributes":[{"key":"k","value":${deep}}]}}]}`;
    const res = await around(() => rawRequest(app.url, { path: '/v1/traces', headers: JSON_TYPE, body: jsonBody(body) }));
    expect(res.status).toBe(400);
    expectJsonStatus(res, 3);
  });
});

describe('wrongly shaped JSON: 400, nothing of the request stored', () => {
  const good = () => genAiSpanJson({ model: 'shape-test-model' });
  const cases: [string, () => unknown][] = [
    ['resourceSpans is an object', () => ({ resourceSpans: { resource: {}, scopeSpans: [{ spans: [good()] }] } })],
    ['resourceSpans is a string', () => ({ resourceSpans: 'spans' })],
    ['scopeSpans is a number', () => ({ resourceSpans: [{ resource: {}, scopeSpans: 5 }] })],
    ['spans is an object', () => ({ resourceSpans: [{ scopeSpans: [{ spans: { 0: good() } }] }] })],
    [
      'attributes is an object',
      () => {
        const s = good();
        s.attributes = { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'shape-test-model' };
        return tracesJson([good(), s]);
      },
    ],
    [
      "a span's startTimeUnixNano is \"abc\"",
      () => {
        const s = good();
        s.startTimeUnixNano = 'abc';
        return tracesJson([good(), s]);
      },
    ],
    [
      "a span's name is a number",
      () => {
        const s = good();
        s.name = 12;
        return tracesJson([s]);
      },
    ],
    [
      'an attribute value is a bare string',
      () => {
        const s = good();
        (s.attributes as unknown[]).push({ key: 'x', value: 'bare' });
        return tracesJson([s]);
      },
    ],
    [
      'a boolValue is the string "true"',
      () => {
        const s = good();
        (s.attributes as unknown[]).push({ key: 'gen_ai.request.is_stream', value: { boolValue: 'yes' } });
        return tracesJson([s]);
      },
    ],
  ];
  it.each(cases)('%s', async (_name, build) => {
    const res = await around(() => rawRequest(app.url, { path: '/v1/traces', headers: JSON_TYPE, body: jsonBody(build()) }));
    expect(res.status).toBe(400);
    expectJsonStatus(res, 3);
    // A 400 stores nothing of the request: no call of its model.
    const { calls } = await getJson<{ calls: unknown[] }>(`${app.url}/api/v1/calls?limit=10000&model=shape-test-model`);
    expect(calls).toHaveLength(0);
  });
});

describe('bad ids: the good spans are stored, the bad ones reported in partial_success', () => {
  it('JSON: an invalid hex traceId among good spans', async () => {
    const goodA = genAiSpanJson({ model: 'partial-json' });
    const goodB = genAiSpanJson({ model: 'partial-json' });
    const bad = genAiSpanJson({ model: 'partial-json', traceId: 'zz' + randomHex(15) });
    const badShort = genAiSpanJson({ model: 'partial-json', spanId: 'abc' });
    const res = await around(() =>
      rawRequest(app.url, { path: '/v1/traces', headers: JSON_TYPE, body: jsonBody(tracesJson([goodA, bad, goodB, badShort])) }),
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(res.body.toString('utf8'));
    expect(Number(body.partialSuccess.rejectedSpans)).toBe(2);
    expect(typeof body.partialSuccess.errorMessage).toBe('string');
    expect(body.partialSuccess.errorMessage.length).toBeGreaterThan(0);

    const { calls } = await getJson<{ calls: { spanId: string }[] }>(`${app.url}/api/v1/calls?limit=10000&model=partial-json`);
    expect(calls.map((c) => c.spanId).sort()).toEqual([goodA.spanId, goodB.spanId].sort());
    acknowledged.push(goodA.spanId as string, goodB.spanId as string);
  });

  it('protobuf: a 15-byte trace id and a 9-byte span id among good spans', async () => {
    const goodA = genAiSpanJson({ model: 'partial-proto' });
    const goodB = genAiSpanJson({ model: 'partial-proto' });
    const badT = genAiSpanJson({ model: 'partial-proto' });
    const badS = genAiSpanJson({ model: 'partial-proto' });
    const spans = [
      protoSpan(goodA),
      protoSpan(badT, { traceId: Buffer.from(randomHex(15), 'hex') }),
      protoSpan(goodB),
      protoSpan(badS, { spanId: Buffer.from(randomHex(9), 'hex') }),
    ];
    const res = await around(() => rawRequest(app.url, { path: '/v1/traces', headers: PROTO_TYPE, body: tracesProto(spans) }));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-protobuf/);
    const decoded = TraceResponse.toObject(TraceResponse.decode(res.body), { longs: Number });
    expect(decoded.partialSuccess.rejectedSpans).toBe(2);
    expect(decoded.partialSuccess.errorMessage.length).toBeGreaterThan(0);

    const { calls } = await getJson<{ calls: { spanId: string }[] }>(`${app.url}/api/v1/calls?limit=10000&model=partial-proto`);
    expect(calls.map((c) => c.spanId).sort()).toEqual([goodA.spanId, goodB.spanId].sort());
    acknowledged.push(goodA.spanId as string, goodB.spanId as string);
  });

  it('a fully good request answers without partial_success', async () => {
    const span = genAiSpanJson({ model: 'all-good' });
    const res = await rawRequest(app.url, { path: '/v1/traces', headers: JSON_TYPE, body: jsonBody(tracesJson([span])) });
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body.toString('utf8'));
    expect(body.partialSuccess?.rejectedSpans ?? 0).toSatisfy((n: unknown) => Number(n) === 0);
    acknowledged.push(span.spanId as string);
  });
});

describe('values the store cannot hold', () => {
  const attrs = (o: Record<string, string | number>) =>
    Object.entries(o).map(([key, v]) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } }));
  /** A span starting after 2262-04-11 (2^63 ns): a valid fixed64, past SQLite's signed 64-bit integers. */
  const farFuture = () => {
    const s = genAiSpanJson({ model: 'far-future' });
    s.startTimeUnixNano = '9223372036854775808';
    s.endTimeUnixNano = '9223372036854775809';
    return s;
  };

  it('a start time past 2^63 ns is not answered with a retryable 503 or a 500', async () => {
    // 503 tells the exporter to retry the same bytes forever; a permanent problem with the data
    // is a 400 (or the call is stored with a usable time).
    const res = await around(() => rawRequest(app.url, { path: '/v1/traces', headers: JSON_TYPE, body: jsonBody(tracesJson([farFuture()])) }));
    expect([200, 400], res.body.toString()).toContain(res.status);
  });

  it('a refused request does not make the receiver forget the layers it has seen (no double count)', async () => {
    // The Vercel AI SDK: doGenerate (child) arrives first, its ai.generateText parent later,
    // both with usage: one provider request. A bad request in between must not change that.
    const traceId = randomHex(16);
    const outerId = randomHex(8);
    const innerId = randomHex(8);
    const t0 = BigInt(Date.now() - 10_000) * 1_000_000n;
    const common = { 'ai.model.id': 'claude-3-5-haiku-20241022', 'ai.model.provider': 'anthropic.messages', 'ai.usage.promptTokens': 30, 'ai.usage.completionTokens': 7 };
    const inner = {
      traceId,
      spanId: innerId,
      parentSpanId: outerId,
      name: 'ai.generateText.doGenerate',
      startTimeUnixNano: String(t0 + 10_000_000n),
      endTimeUnixNano: String(t0 + 810_000_000n),
      attributes: attrs({ ...common, 'ai.operationId': 'ai.generateText.doGenerate', 'gen_ai.system': 'anthropic.messages', 'gen_ai.request.model': 'claude-3-5-haiku-20241022' }),
    };
    const outer = {
      traceId,
      spanId: outerId,
      name: 'ai.generateText',
      startTimeUnixNano: String(t0),
      endTimeUnixNano: String(t0 + 820_000_000n),
      attributes: attrs({ ...common, 'ai.operationId': 'ai.generateText' }),
    };
    const send = (spans: unknown[]) => rawRequest(app.url, { path: '/v1/traces', headers: JSON_TYPE, body: jsonBody(tracesJson(spans as Record<string, unknown>[], 'layers-svc')) });
    expect((await send([inner])).status).toBe(200);
    await send([farFuture()]); // stored with a clamped time, or refused: either way not a second call
    expect((await send([outer])).status).toBe(200);
    const { calls } = await getJson<{ calls: { spanId: string; inputTokens: number }[] }>(`${app.url}/api/v1/calls?limit=100&service=layers-svc`);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ inputTokens: 30 });
  });
});

describe('content types and encodings', () => {
  it('text/plain → 415', async () => {
    const res = await around(() =>
      rawRequest(app.url, { path: '/v1/traces', headers: { 'Content-Type': 'text/plain' }, body: jsonBody(tracesJson([genAiSpanJson()])) }),
    );
    expect(res.status).toBe(415);
    expectJsonStatus(res);
  });

  it('no Content-Type → 415', async () => {
    const res = await around(() => rawRequest(app.url, { path: '/v1/traces', body: jsonBody(tracesJson([genAiSpanJson()])) }));
    expect(res.status).toBe(415);
    expectJsonStatus(res);
  });

  it('Content-Encoding: br → 415, answered in protobuf for a protobuf request', async () => {
    const span = genAiSpanJson({ model: 'brotli-model' });
    const body = zlib.brotliCompressSync(tracesProto([protoSpan(span)]));
    const res = await around(() =>
      rawRequest(app.url, { path: '/v1/traces', headers: { ...PROTO_TYPE, 'Content-Encoding': 'br' }, body }),
    );
    expect(res.status).toBe(415);
    expectProtoStatus(res);
    expect((await storedSpanIds()).includes(span.spanId as string)).toBe(false);
  });

  it('Content-Encoding: br → 415, answered in JSON for a JSON request', async () => {
    const body = zlib.brotliCompressSync(jsonBody(tracesJson([genAiSpanJson()])));
    const res = await around(() => rawRequest(app.url, { path: '/v1/traces', headers: { ...JSON_TYPE, 'Content-Encoding': 'br' }, body }));
    expect(res.status).toBe(415);
    expectJsonStatus(res);
  });

  it('application/json; charset=utf-8 is accepted, and the answer is JSON', async () => {
    const span = genAiSpanJson({ model: 'charset-model' });
    const res = await around(() =>
      rawRequest(app.url, {
        path: '/v1/traces',
        headers: { 'Content-Type': 'application/json; charset=utf-8' },
        body: jsonBody(tracesJson([span])),
      }),
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(res.body.toString('utf8'))).toBeTypeOf('object');
    expect(await storedSpanIds()).toContain(span.spanId);
    acknowledged.push(span.spanId as string);
  });

  it('gzip bodies, protobuf and JSON, are accepted', async () => {
    const a = genAiSpanJson({ model: 'gzip-model' });
    const b = genAiSpanJson({ model: 'gzip-model' });
    const r1 = await rawRequest(app.url, {
      path: '/v1/traces',
      headers: { ...PROTO_TYPE, 'Content-Encoding': 'gzip' },
      body: zlib.gzipSync(tracesProto([protoSpan(a)])),
    });
    const r2 = await rawRequest(app.url, {
      path: '/v1/traces',
      headers: { ...JSON_TYPE, 'Content-Encoding': 'gzip' },
      body: zlib.gzipSync(jsonBody(tracesJson([b]))),
    });
    expect([r1.status, r2.status]).toEqual([200, 200]);
    acknowledged.push(a.spanId as string, b.spanId as string);
    const { calls } = await getJson<{ calls: { spanId: string }[] }>(`${app.url}/api/v1/calls?limit=100&model=gzip-model`);
    expect(calls.map((c) => c.spanId).sort()).toEqual([a.spanId, b.spanId].sort());
  });

  it('truncated gzip → 400', async () => {
    const gz = zlib.gzipSync(tracesProto([protoSpan(genAiSpanJson({ model: 'truncated-gzip' }))]));
    const res = await around(() =>
      rawRequest(app.url, { path: '/v1/traces', headers: { ...PROTO_TYPE, 'Content-Encoding': 'gzip' }, body: gz.subarray(0, gz.length - 12) }),
    );
    expect(res.status).toBe(400);
    expectProtoStatus(res, 3);
    const { calls } = await getJson<{ calls: unknown[] }>(`${app.url}/api/v1/calls?limit=100&model=truncated-gzip`);
    expect(calls).toHaveLength(0);
  });

  it('Content-Encoding: gzip on a body that is not gzip → 400', async () => {
    const res = await around(() =>
      rawRequest(app.url, { path: '/v1/traces', headers: { ...JSON_TYPE, 'Content-Encoding': 'gzip' }, body: jsonBody(tracesJson([genAiSpanJson()])) }),
    );
    expect(res.status).toBe(400);
    expectJsonStatus(res, 3);
  });
});

describe('size limits: 413', () => {
  it('a gzip bomb (100 MiB of zeros in ~100 KB) → 413', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(100 * MiB), { level: 9 });
    expect(bomb.length).toBeLessThan(1 * MiB);
    const res = await around(() =>
      rawRequest(app.url, { path: '/v1/traces', headers: { ...PROTO_TYPE, 'Content-Encoding': 'gzip' }, body: bomb }),
    );
    expect(res.status).toBe(413);
    expectProtoStatus(res);
  });

  it('a gzip bomb of JSON → 413 in JSON', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(70 * MiB, 0x20), { level: 9 });
    const res = await around(() => rawRequest(app.url, { path: '/v1/traces', headers: { ...JSON_TYPE, 'Content-Encoding': 'gzip' }, body: bomb }));
    expect(res.status).toBe(413);
    expectJsonStatus(res);
  });

  it('an oversized raw body with Content-Length → 413', async () => {
    const chunk = Buffer.alloc(1 * MiB, 0x20);
    const chunks = Array.from({ length: 65 }, () => chunk); // 65 MiB > 64 MiB
    const res = await around(() => rawRequest(app.url, { path: '/v1/traces', headers: JSON_TYPE, body: chunks }));
    expect(res.status).toBe(413);
    expectJsonStatus(res);
  });

  it('an oversized chunked body (no Content-Length) → 413', async () => {
    const chunk = Buffer.alloc(1 * MiB, 0x20);
    const chunks = Array.from({ length: 65 }, () => chunk);
    const res = await around(() => rawRequest(app.url, { path: '/v1/traces', headers: PROTO_TYPE, body: chunks, contentLength: false }));
    expect(res.status).toBe(413);
    expectProtoStatus(res);
  });

  it('a body just under the limit is read (and rejected only for its content)', async () => {
    // 63 MiB of spaces, then "{}": valid JSON, an empty request.
    const body = Buffer.concat([Buffer.alloc(63 * MiB, 0x20), Buffer.from('{}')]);
    expect(body.length).toBeLessThan(LIMIT);
    const res = await around(() => rawRequest(app.url, { path: '/v1/traces', headers: JSON_TYPE, body }));
    expect(res.status).toBe(200);
  });
});

describe('paths and methods', () => {
  it('an unknown path → 404', async () => {
    for (const p of ['/v1/trace', '/v2/traces', '/v1/traces/extra', '/']) {
      const res = await around(() => rawRequest(app.url, { path: p, headers: PROTO_TYPE, body: tracesProto([protoSpan(genAiSpanJson())]) }));
      expect(res.status, p).toBe(404);
    }
  });

  it('GET /v1/traces → 405 with Allow: POST', async () => {
    const res = await around(() => rawRequest(app.url, { method: 'GET', path: '/v1/traces' }));
    expect(res.status).toBe(405);
    expect(res.headers.allow).toMatch(/\bPOST\b/);
    expectJsonStatus(res);
  });

  it('PUT /v1/logs with protobuf → 405 with Allow: POST and a protobuf Status', async () => {
    const res = await around(() => rawRequest(app.url, { method: 'PUT', path: '/v1/logs', headers: PROTO_TYPE, body: Buffer.alloc(0) }));
    expect(res.status).toBe(405);
    expect(res.headers.allow).toMatch(/\bPOST\b/);
    expectProtoStatus(res);
  });

  it('DELETE /v1/metrics → 405', async () => {
    const res = await around(() => rawRequest(app.url, { method: 'DELETE', path: '/v1/metrics', headers: JSON_TYPE }));
    expect(res.status).toBe(405);
    expect(res.headers.allow).toMatch(/\bPOST\b/);
    expectJsonStatus(res);
  });
});

describe('lenient OTLP/JSON, as the Collector reads it', () => {
  it('snake_case keys, enum names, 64-bit integers as numbers, uppercase hex ids', async () => {
    const traceId = randomHex(16).toUpperCase();
    const spanId = randomHex(8).toUpperCase();
    // A multiple of 4 ms: as a JSON number its nanoseconds are an exact double (2^8 divides them).
    const startMs = Math.floor((Date.now() - 20_000) / 4) * 4;
    const body = {
      resource_spans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { string_value: 'snake-svc' } }] },
          scope_spans: [
            {
              scope: { name: 'snake-scope' },
              spans: [
                {
                  trace_id: traceId,
                  span_id: spanId,
                  parent_span_id: '',
                  name: 'chat claude-3-5-haiku',
                  kind: 'SPAN_KIND_CLIENT',
                  start_time_unix_nano: startMs * 1_000_000,
                  end_time_unix_nano: (startMs + 1250) * 1_000_000,
                  attributes: [
                    { key: 'gen_ai.system', value: { string_value: 'anthropic' } },
                    { key: 'gen_ai.request.model', value: { string_value: 'claude-3-5-haiku-20241022' } },
                    { key: 'gen_ai.usage.input_tokens', value: { int_value: 321 } },
                    { key: 'gen_ai.usage.output_tokens', value: { int_value: '45' } },
                    { key: 'gen_ai.usage.cost', value: { double_value: 0.0042 } },
                  ],
                  status: { code: 'STATUS_CODE_ERROR', message: 'overloaded' },
                  some_unknown_field: { nested: [1, 2, 3] },
                },
              ],
            },
          ],
        },
      ],
      unknownTopLevel: true,
    };
    const res = await around(() => rawRequest(app.url, { path: '/v1/traces', headers: JSON_TYPE, body: jsonBody(body) }));
    expect(res.status, res.body.toString()).toBe(200);
    const { calls } = await getJson<{ calls: Record<string, unknown>[] }>(`${app.url}/api/v1/calls?limit=100&service=snake-svc`);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      traceId: traceId.toLowerCase(),
      spanId: spanId.toLowerCase(),
      provider: 'anthropic',
      model: 'claude-3-5-haiku-20241022',
      inputTokens: 321,
      outputTokens: 45,
      costUsd: 0.0042,
      status: 'error',
      time: new Date(startMs).toISOString(),
    });
    expect(calls[0]!.durationMs as number).toBeCloseTo(1250, 0);
    acknowledged.push(spanId.toLowerCase());
  });

  it('lowerCamelCase with integer enums and string 64-bit integers', async () => {
    const span = genAiSpanJson({ model: 'gpt-4.1-mini', inputTokens: 77, outputTokens: 11, durationMs: 640 });
    span.status = { code: 1 };
    const res = await rawRequest(app.url, { path: '/v1/traces', headers: JSON_TYPE, body: jsonBody(tracesJson([span], 'camel-svc')) });
    expect(res.status).toBe(200);
    const { calls } = await getJson<{ calls: Record<string, unknown>[] }>(`${app.url}/api/v1/calls?limit=100&service=camel-svc`);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ spanId: span.spanId, inputTokens: 77, outputTokens: 11, durationMs: 640, status: 'ok' });
    acknowledged.push(span.spanId as string);
  });

  it.each([
    ['trace.json', '/v1/traces'],
    ['logs.json', '/v1/logs'],
    ['events.json', '/v1/logs'],
    ['metrics.json', '/v1/metrics'],
  ])('the spec example %s decodes with 200 and adds no call', async (file, p) => {
    const body = fs.readFileSync(path.join(SPEC_EXAMPLES, file));
    const res = await around(() => rawRequest(app.url, { path: p, headers: JSON_TYPE, body }));
    expect(res.status, res.body.toString()).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const answer = JSON.parse(res.body.toString('utf8'));
    expect(answer.partialSuccess?.rejectedSpans ?? answer.partialSuccess?.rejectedLogRecords ?? answer.partialSuccess?.rejectedDataPoints ?? '0').toSatisfy(
      (n: unknown) => Number(n) === 0,
    );
    const { calls } = await getJson<{ calls: unknown[] }>(`${app.url}/api/v1/calls?limit=100&service=my.service`);
    expect(calls).toHaveLength(0);
  });
});

describe('after all of it', () => {
  it('every good call acknowledged with 200 is stored, and nothing else', async () => {
    await expectUp();
    // (layers-svc is checked by its own test above.)
    const { calls } = await getJson<{ calls: { spanId: string; service: string }[] }>(`${app.url}/api/v1/calls?limit=10000`);
    const stored = calls.filter((c) => c.service !== 'layers-svc').map((c) => c.spanId);
    expect(acknowledged.length).toBeGreaterThan(40);
    expect([...stored].sort()).toEqual([...new Set(acknowledged)].sort());
    expect(stored).toHaveLength(acknowledged.length);
  });
});
