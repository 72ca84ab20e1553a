import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { Relay } from '../../src/forward/relay.js';
import { getJson, startTestLlmtop } from '../helpers/llmtop.js';
import { genAiSpanJson, tracesJson } from '../helpers/otlp-payloads.js';
import { freePort } from '../helpers/ports.js';

/** --forward: every accepted OTLP request relayed unchanged to an upstream, surviving its outages. */

interface Received {
  path: string;
  contentType: string;
  contentEncoding: string | undefined;
  body: Buffer;
}

/** An upstream that keeps what it is sent, byte for byte. */
async function capturingUpstream(port = 0) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '', contentEncoding: req.headers['content-encoding'], body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return { received, url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const post = (url: string, body: Buffer, headers: Record<string, string>) => fetch(`${url}/v1/traces`, { method: 'POST', headers, body });

describe('--forward', () => {
  it('relays every accepted request unchanged: encoding, compression and bytes', async () => {
    const upstream = await capturingUpstream();
    cleanups.push(upstream.close);
    const app = await startTestLlmtop({ forward: upstream.url });
    cleanups.push(app.close);
    const json = Buffer.from(JSON.stringify(tracesJson([genAiSpanJson()])));
    const gz = zlib.gzipSync(Buffer.from(JSON.stringify(tracesJson([genAiSpanJson({ model: 'gpt-4.1' })]))));
    expect((await post(app.url, json, { 'content-type': 'application/json' })).status).toBe(200);
    expect((await post(app.url, gz, { 'content-type': 'application/json; charset=utf-8', 'content-encoding': 'gzip' })).status).toBe(200);
    // A refused request is not relayed.
    expect((await post(app.url, Buffer.from('{nope'), { 'content-type': 'application/json' })).status).toBe(400);
    await until(() => upstream.received.length === 2, 'two relayed requests');
    expect(upstream.received[0]).toEqual({ path: '/v1/traces', contentType: 'application/json', contentEncoding: undefined, body: json });
    expect(upstream.received[1]).toEqual({ path: '/v1/traces', contentType: 'application/json; charset=utf-8', contentEncoding: 'gzip', body: gz });
    expect((await getJson(`${app.url}/healthz`)).relay).toMatchObject({ state: 'ok', sent: 2, dropped: 0, queued: 0 });
  });

  it('keeps ingesting locally while the upstream llmtop is down, and catches up when it returns', async () => {
    const upPort = await freePort();
    const app = await startTestLlmtop({ forward: `http://127.0.0.1:${upPort}` });
    cleanups.push(app.close);
    const spans = Array.from({ length: 12 }, (_, i) => genAiSpanJson({ model: 'gpt-4o-mini', inputTokens: i + 1 }));
    for (const s of spans) expect((await post(app.url, Buffer.from(JSON.stringify(tracesJson([s], 'relayed'))), { 'content-type': 'application/json' })).status).toBe(200);
    expect((await getJson(`${app.url}/api/v1/calls?service=relayed`)).calls).toHaveLength(12);
    await until(async () => (await getJson(`${app.url}/healthz`)).relay.state === 'retrying', 'the relay to retry');
    expect((await getJson(`${app.url}/healthz`)).relay.queued).toBe(12);

    const upstream = await startTestLlmtop({ port: upPort });
    cleanups.push(upstream.close);
    await until(async () => (await getJson(`${upstream.url}/api/v1/calls?service=relayed`)).calls.length === 12, 'the upstream to catch up', 20_000);
    const got = (await getJson(`${upstream.url}/api/v1/calls?service=relayed&limit=100`)).calls.map((c: { spanId: string }) => c.spanId).sort();
    expect(got).toEqual(spans.map((s) => s.spanId).sort());
    await until(async () => (await getJson(`${app.url}/healthz`)).relay.state === 'ok', 'the relay to be ok again');
  });

  it('holds at most its queue bound while the upstream is down, dropping the oldest', async () => {
    const port = await freePort();
    const relay = new Relay({ url: `http://127.0.0.1:${port}`, maxQueued: 3, maxQueuedBytes: 1 << 20, minBackoffMs: 50, maxBackoffMs: 100 });
    cleanups.push(async () => relay.close());
    // The first is in flight when the rest arrive: it is kept, the oldest waiting ones are dropped.
    for (let i = 0; i < 6; i++) relay.offer({ signal: 'traces', contentType: 'application/json', contentEncoding: undefined, body: Buffer.from(`{"n":${i}}`) });
    expect(relay.snapshot()).toMatchObject({ queued: 4, dropped: 2, state: 'dropping' });
    const upstream = await capturingUpstream(port);
    cleanups.push(upstream.close);
    await until(() => upstream.received.length === 4, 'the queued requests');
    expect(upstream.received.map((r) => r.body.toString())).toEqual(['{"n":0}', '{"n":3}', '{"n":4}', '{"n":5}']);
  });

  it('holds at most its bound in bytes too, dropping the oldest, and always the newest', async () => {
    const port = await freePort();
    const relay = new Relay({ url: `http://127.0.0.1:${port}`, maxQueued: 1000, maxQueuedBytes: 2500, minBackoffMs: 50, maxBackoffMs: 100 });
    cleanups.push(async () => relay.close());
    const body = (n: number, size = 1000) => Buffer.from(`{"n":${n}}`.padEnd(size, ' '));
    const offer = (b: Buffer) => relay.offer({ signal: 'traces', contentType: 'application/json', contentEncoding: undefined, body: b });
    // 0 goes in flight; of 1 to 5, waiting, two fit in 2,500 bytes.
    for (let i = 0; i < 6; i++) offer(body(i));
    expect(relay.snapshot()).toMatchObject({ queued: 3, dropped: 3, state: 'dropping' });
    // One larger than the whole bound pushes out every other one waiting, and is kept itself.
    offer(body(6, 4000));
    expect(relay.snapshot()).toMatchObject({ queued: 2, dropped: 5 });
    offer(body(7));
    expect(relay.snapshot()).toMatchObject({ queued: 2, dropped: 6 });
    const upstream = await capturingUpstream(port);
    cleanups.push(upstream.close);
    await until(() => upstream.received.length === 2, 'the queued requests');
    expect(upstream.received.map((r) => JSON.parse(r.body.toString()).n)).toEqual([0, 7]);
  });
});
