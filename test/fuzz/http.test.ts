import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Signal } from '../../src/otlp/request.js';
import { startTestLlmtop } from '../helpers/llmtop.js';
import { decodeRpcStatus, genAiSpanJson, protoSpan, rawRequest, tracesJson, tracesProto, type RawResponse } from '../helpers/otlp-payloads.js';
import {
  SIGNALS,
  corpus,
  lenField,
  mutateJson,
  mutateJsonText,
  mutateProto,
  newAssembler,
  newStore,
  randomJson,
  randomProto,
  runPipeline,
  seeded,
  type Encoding,
} from './kit.js';

/*
 * HTTP-level fuzzing against a real llmtop: a deterministic sample of the decoder-level inputs
 * (random, mutated real payloads, gzip, oversized) POSTed as they are. Each answer is exactly
 * what the pure pipeline predicts for the same bytes — 200 when it decodes, 400 for a
 * DecodeError, 413 past the body limit — never a 500 or a 503; /healthz answers throughout; and
 * good spans sent afterwards are stored.
 */

const LIMIT = 2 * 1024 * 1024; // a small --max body, so that oversized bodies are cheap to send
const TYPES: Record<Encoding, string> = { json: 'application/json', proto: 'application/x-protobuf' };

interface Case {
  what: string;
  enc: Encoding;
  signal: Signal;
  body: Buffer;
  gzip: boolean;
  expected: 200 | 400 | 413;
}

/** The sample: built and its answers predicted without the server. */
function buildCases(): { cases: Case[]; skipped: string[] } {
  const r = seeded(0x477e);
  const samples = corpus();
  const protos = samples.map((s) => s.proto);
  const raw: Omit<Case, 'expected' | 'gzip'>[] = [];
  for (let i = 0; i < 40; i++) {
    const signal = r.pick(SIGNALS);
    raw.push({ what: `random protobuf bytes #${i}`, enc: 'proto', signal, body: r.bytes(r.range(1, 300)) });
    raw.push({ what: `random protobuf tags #${i}`, enc: 'proto', signal, body: randomProto(r) });
    raw.push({ what: `random JSON #${i}`, enc: 'json', signal, body: Buffer.from(JSON.stringify(randomJson(r)) ?? 'null') });
  }
  for (let i = 0; i < 100; i++) {
    const s = r.pick(samples);
    const p = mutateProto(r, s.proto, protos);
    raw.push({ what: `${s.name} protobuf ${p.ops.join(',')}`, enc: 'proto', signal: s.signal, body: p.body });
    const j = mutateJson(r, s.json);
    raw.push({ what: `${s.name} JSON ${j.ops.join(',')}`, enc: 'json', signal: s.signal, body: Buffer.from(JSON.stringify(j.body) ?? 'null') });
    const t = mutateJsonText(r, Buffer.from(JSON.stringify(s.json)));
    raw.push({ what: `${s.name} JSON text ${t.op}`, enc: 'json', signal: s.signal, body: t.body });
  }
  for (let i = 0; i < 15; i++) {
    // Unmutated real payloads among the junk: they must keep working.
    const s = r.pick(samples);
    raw.push({ what: `${s.name} as sent`, enc: r.bool() ? 'json' : 'proto', signal: s.signal, body: Buffer.alloc(0) });
    const last = raw[raw.length - 1]!;
    last.body = last.enc === 'json' ? Buffer.from(JSON.stringify(s.json)) : Buffer.from(s.proto);
  }

  // Predict with the same pipeline the server runs (its own assembler and store, state carried over).
  const assembler = newAssembler();
  const store = newStore();
  const cases: Case[] = [];
  const skipped: string[] = [];
  for (const c of raw) {
    const o = runPipeline(c.enc, c.signal, c.body, { assembler, store });
    if (o.result === 'failure') {
      // A known bug (kit.ts KNOWN_BUGS) is reproduced in found-bugs.test.ts; a new one fails decoders.test.ts.
      skipped.push(`${c.what}: ${o.knownBug ?? 'new failure'}`);
      continue;
    }
    cases.push({ ...c, gzip: r.bool(0.2), expected: o.result === 'ok' ? 200 : 400 });
  }
  store.close();

  // Oversized, compressed or not, and broken gzip.
  const big = Buffer.alloc(LIMIT + 1 + r.int(1000), 0x41);
  cases.push({ what: 'oversized protobuf', enc: 'proto', signal: 'traces', body: big, gzip: false, expected: 413 });
  cases.push({ what: 'oversized JSON', enc: 'json', signal: 'logs', body: Buffer.from(`{"resourceLogs":"${big.toString()}"}`), gzip: false, expected: 413 });
  cases.push({ what: 'gzip bomb of protobuf', enc: 'proto', signal: 'metrics', body: Buffer.alloc(LIMIT * 4), gzip: true, expected: 413 });
  const gz = zlib.gzipSync(Buffer.from(JSON.stringify(samples[0]!.json)));
  cases.push({ what: 'truncated gzip', enc: 'json', signal: samples[0]!.signal, body: gz.subarray(0, gz.length >> 1), gzip: false, expected: 400 });
  // Deep nesting past the stack (10,000 AnyValues): 400, whichever error the decoder throws.
  const deepJson = '{"kvlistValue":{"values":[{"key":"k","value":'.repeat(10_000) + '{"stringValue":"x"}' + '}]}}'.repeat(10_000);
  cases.push({ what: 'JSON nested 10,000 deep', enc: 'json', signal: 'traces', body: Buffer.from(`{"resourceSpans":[{"resource":{"attributes":[{"key":"k","value":${deepJson}}]}}]}`), gzip: false, expected: 400 });
  let v: Buffer = Buffer.from([0x0a, 0x01, 0x78]);
  for (let i = 0; i < 10_000; i++) v = lenField(6, lenField(1, Buffer.concat([lenField(1, Buffer.from('k')), lenField(2, v)]))); // kvlist_value{values{key,value}}
  cases.push({ what: 'protobuf nested 10,000 deep', enc: 'proto', signal: 'logs', body: lenField(1, lenField(1, lenField(1, Buffer.concat([lenField(1, Buffer.from('k')), lenField(2, v)])))), gzip: false, expected: 400 });
  return { cases, skipped };
}

let app: Awaited<ReturnType<typeof startTestLlmtop>>;

beforeAll(async () => {
  app = await startTestLlmtop({}, undefined, { maxBodyBytes: LIMIT });
});
afterAll(async () => {
  await app?.close();
});

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer in ${ms} ms: ${what}`)), ms);
    p.then(
      (x) => (clearTimeout(t), resolve(x)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}

function send(c: Case): Promise<RawResponse> {
  const headers: Record<string, string> = { 'Content-Type': TYPES[c.enc] };
  let body = c.body;
  if (c.gzip) {
    headers['Content-Encoding'] = 'gzip';
    body = zlib.gzipSync(body);
  }
  return withTimeout(rawRequest(app.url, { path: `/v1/${c.signal}`, headers, body }), 10_000, c.what);
}

/** The error body is a google.rpc.Status in the request's encoding. */
function statusBody(c: Case, res: RawResponse): { code: number; message: string } {
  if (c.enc === 'json') return JSON.parse(res.body.toString()) as { code: number; message: string };
  return decodeRpcStatus(res.body);
}

async function healthy(): Promise<void> {
  const res = await withTimeout(fetch(`${app.url}/healthz`), 5000, '/healthz');
  expect(res.status).toBe(200);
  expect(((await res.json()) as { status: string }).status).toBe('ok');
}

describe('fuzzed bodies against a running llmtop', () => {
  const { cases, skipped } = buildCases();

  it('the sample is large and mixed', () => {
    console.info(`HTTP sample: ${cases.length} bodies (${cases.filter((c) => c.expected === 200).length} expected 200), ${skipped.length} left out for known bugs`);
    expect(cases.length).toBeGreaterThan(300);
    expect(cases.filter((c) => c.expected === 200).length).toBeGreaterThan(60);
    expect(cases.filter((c) => c.expected === 400).length).toBeGreaterThan(60);
  });

  it('each is answered exactly as predicted (200, 400 or 413), four at a time, and /healthz stays up', async () => {
    const wrong: string[] = [];
    const seen: Record<number, number> = {};
    for (let i = 0; i < cases.length; i += 4) {
      const batch = cases.slice(i, i + 4);
      const answers = await Promise.all(batch.map(send));
      batch.forEach((c, k) => {
        const res = answers[k]!;
        seen[res.status] = (seen[res.status] ?? 0) + 1;
        if (res.status !== c.expected) {
          wrong.push(`${c.what}${c.gzip ? ' (gzip)' : ''}: ${res.status}, expected ${c.expected}: ${res.body.toString('utf8', 0, 300)}`);
          return;
        }
        if (res.status !== 200) {
          const st = statusBody(c, res);
          if (st.code !== (res.status === 400 ? 3 : 8)) wrong.push(`${c.what}: google.rpc.Status code ${st.code} for ${res.status}`);
        }
      });
      if (i % 40 === 0) await healthy();
    }
    console.info(`HTTP answers: ${JSON.stringify(seen)}`);
    expect(wrong, wrong.join('\n')).toEqual([]);
    expect(Object.keys(seen).sort()).toEqual(['200', '400', '413']);
    await healthy();
  }, 60_000);

  it('good spans sent afterwards, as protobuf and as JSON, are answered 200 and stored', async () => {
    const sent: string[] = [];
    for (let i = 0; i < 6; i++) {
      const span = genAiSpanJson({ model: 'fuzz-after-model', inputTokens: 100 + i, outputTokens: 3 });
      const res =
        i % 2 === 0
          ? await rawRequest(app.url, { path: '/v1/traces', headers: { 'Content-Type': TYPES.proto }, body: tracesProto([protoSpan(span)], 'fuzz-after') })
          : await rawRequest(app.url, { path: '/v1/traces', headers: { 'Content-Type': TYPES.json }, body: Buffer.from(JSON.stringify(tracesJson([span], 'fuzz-after'))) });
      expect(res.status, res.body.toString()).toBe(200);
      sent.push(span.spanId as string);
    }
    const res = await fetch(`${app.url}/api/v1/calls?limit=100&model=fuzz-after-model`);
    const { calls } = (await res.json()) as { calls: { spanId: string; inputTokens: number }[] };
    expect(calls.map((c) => c.spanId).sort()).toEqual([...sent].sort());
    await healthy();
  });
});
