import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { getJson, startTestLlmtop } from '../helpers/llmtop.js';
import { tracerFor } from '../helpers/otel.js';
import { genAiSpanJson, tracesJson, tracesProto } from '../helpers/otlp-payloads.js';
import { freePort } from '../helpers/ports.js';

/**
 * When writes fall behind, the receiver refuses with 503 and Retry-After instead of buffering
 * without bound; clients that retry (as the OTel SDK exporters do) lose nothing.
 */

let app: Awaited<ReturnType<typeof startTestLlmtop>> | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

// A write queue of 10 fragments and links: two requests of 4 spans cannot wait for one commit.
const SMALL_QUEUE = { maxPending: 10 };

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: string;
}

function post(url: string, body: string): Promise<Response> {
  return fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
}

/**
 * Sends each body on a connection of its own, all ending in one burst: every request waits
 * (Expect: 100-continue) until the server has read its headers, then the bodies are written
 * together, so the server reads them all in one turn of its event loop, before it commits.
 */
async function sendTogether(url: string, bodies: string[]): Promise<Answer[]> {
  const u = new URL(url);
  const requests = bodies.map((body) => {
    const req = http.request({
      host: u.hostname,
      port: u.port,
      method: 'POST',
      path: '/v1/traces',
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' },
    });
    const answer = new Promise<Answer>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] as string | undefined, body: text }));
      });
      req.on('error', reject);
    });
    const ready = new Promise<void>((resolve) => req.once('continue', resolve));
    req.flushHeaders();
    return { req, body, answer, ready };
  });
  await Promise.all(requests.map((r) => r.ready));
  for (const r of requests) r.req.end(r.body);
  return Promise.all(requests.map((r) => r.answer));
}

describe('backpressure', () => {
  it('answers 503 with Retry-After past the write queue, then accepts the retry', async () => {
    app = await startTestLlmtop({}, undefined, SMALL_QUEUE);
    const bodies = Array.from({ length: 12 }, () => JSON.stringify(tracesJson(Array.from({ length: 4 }, () => genAiSpanJson()), 'pressed')));
    // All twelve bodies end in one burst, so the server reads them before its next commit: the
    // first one read (4 spans and their 4 links) leaves no room in the queue for another, and
    // the other eleven are refused, whatever the Node or its fetch.
    const first = await sendTogether(app.url, bodies);
    expect(first.map((r) => r.status).sort()).toEqual([200, ...Array(11).fill(503)]);
    const refused = first.map((r, i) => [r, i] as const).filter(([r]) => r.status === 503);
    for (const [r] of refused) {
      expect(r.retryAfter).toBe('1');
      expect(JSON.parse(r.body)).toMatchObject({ code: 14 });
    }
    // The retries, one at a time, are all accepted.
    for (const [, i] of refused) expect((await post(app.url, bodies[i]!)).status).toBe(200);
    const { calls } = await getJson(`${app.url}/api/v1/calls?service=pressed&limit=1000`);
    expect(calls).toHaveLength(48);
    expect((await getJson(`${app.url}/healthz`)).refused['503']).toBe(11);
  });

  it('answers 503 with Retry-After while other bodies fill the shared limit, then accepts the retry; a lone body over the limit still goes in', async () => {
    // Room for one of these bodies at a time.
    app = await startTestLlmtop({}, undefined, { maxHeldBodyBytes: 3000 });
    const body = (service: string, spans = 4) => JSON.stringify(tracesJson(Array.from({ length: spans }, () => genAiSpanJson()), service));
    const send = (b: string | Buffer, headers: Record<string, string> = {}) =>
      fetch(`${app!.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: b });
    // A slow client: its body declared, half of it sent, the rest held back.
    const slowBody = body('slow');
    expect(slowBody.length).toBeGreaterThan(1500);
    const slow = http.request(`${app.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(slowBody)) } });
    const slowStatus = new Promise<number>((resolve, reject) => {
      slow.on('response', (r) => resolve(r.statusCode!));
      slow.on('error', reject);
    });
    slow.write(slowBody.slice(0, 1000));
    // Once the server holds the slow body, another one does not fit beside it.
    const other = body('other');
    let refused: Response | null = null;
    for (let i = 0; i < 100 && !refused; i++) {
      const r = await send(other);
      if (r.status === 503) refused = r;
      else {
        expect(r.status).toBe(200);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    expect(refused, 'a request refused while the slow body is held').not.toBeNull();
    expect(refused!.headers.get('retry-after')).toBe('1');
    expect(await refused!.json()).toMatchObject({ code: 14, message: 'llmtop holds too many request bodies at once' });
    slow.end(slowBody.slice(1000));
    expect(await slowStatus).toBe(200);
    // With the slow body answered, its bytes are given back: the retry goes in.
    expect((await send(other)).status).toBe(200);
    expect((await getJson(`${app.url}/api/v1/calls?service=slow&limit=10`)).calls).toHaveLength(4);
    // Whatever the answer, every byte is given back: after a bad body and a gzip one, a body
    // larger than the whole limit is let in when it comes alone.
    expect((await send('{"resourceSpans": [')).status).toBe(400);
    expect((await send(gzipSync(other), { 'content-encoding': 'gzip' })).status).toBe(200);
    const big = body('big', 40);
    expect(big.length).toBeGreaterThan(3000);
    expect((await send(big)).status).toBe(200);
    expect((await getJson(`${app.url}/healthz`)).refused['503']).toBe(1);
  });

  it('over gRPC too: an export is refused UNAVAILABLE while HTTP bodies fill the shared limit, and the retry goes in', async () => {
    const grpc = await import('@grpc/grpc-js');
    app = await startTestLlmtop({ grpcPort: await freePort() }, undefined, { maxHeldBodyBytes: 3000 });
    const slowBody = JSON.stringify(tracesJson(Array.from({ length: 4 }, () => genAiSpanJson()), 'slow'));
    const slow = http.request(`${app.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(slowBody)) } });
    const slowStatus = new Promise<number>((resolve, reject) => {
      slow.on('response', (r) => resolve(r.statusCode!));
      slow.on('error', reject);
    });
    slow.write(slowBody.slice(0, 1000));
    const client = new grpc.Client(`127.0.0.1:${app.grpcPort}`, grpc.credentials.createInsecure());
    const message = Buffer.from(tracesProto(Array.from({ length: 4 }, () => genAiSpanJson()), 'grpc-pressed'));
    const exportOnce = () =>
      new Promise<{ code: number; details: string }>((resolve) =>
        client.makeUnaryRequest('/opentelemetry.proto.collector.trace.v1.TraceService/Export', (b: Buffer) => b, (b: Buffer) => b, message, (err) =>
          resolve({ code: err ? err.code : grpc.status.OK, details: err?.details ?? '' }),
        ),
      );
    try {
      let refused: { code: number; details: string } | null = null;
      for (let i = 0; i < 100 && !refused; i++) {
        const r = await exportOnce();
        if (r.code === grpc.status.UNAVAILABLE) refused = r;
        else await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(refused, 'an export refused while the slow HTTP body is held').toEqual({ code: grpc.status.UNAVAILABLE, details: 'llmtop holds too many request bodies at once' });
      slow.end(slowBody.slice(1000));
      expect(await slowStatus).toBe(200);
      expect((await exportOnce()).code).toBe(grpc.status.OK);
      // Given back after each answer: HTTP bodies fit again beside the gRPC ones.
      expect((await fetch(`${app.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: slowBody })).status).toBe(200);
    } finally {
      client.close();
    }
  });

  it('loses nothing that the OTel SDK exporter sends, retrying what was refused', async () => {
    app = await startTestLlmtop({}, undefined, SMALL_QUEUE);
    const t = tracerFor(app.url, 'proto', { 'service.name': 'sdk-pressed' });
    const t0 = Date.now() - 10_000;
    // 20 exports at a time: the exporter itself allows at most 30 under way.
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 20; i++) {
        const n = round * 20 + i;
        t.end(t.start('chat', { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': n }, t0 + n), t0 + n + 100);
      }
      await t.flush();
    }
    await t.shutdown();
    const { calls } = await getJson(`${app.url}/api/v1/calls?service=sdk-pressed&limit=1000`);
    expect(calls).toHaveLength(60);
    // Some exports were refused and retried, or this test would prove nothing.
    expect((await getJson(`${app.url}/healthz`)).refused['503']).toBeGreaterThan(0);
  });
});
