import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { Fragment } from '../../src/normalize/fragment.js';
import { ROUTES, type Upstream } from '../../src/proxy/routes.js';
import { startProxy, type ProviderProxy } from '../../src/proxy/server.js';
import { HEAD_BYTES } from '../../src/proxy/tap.js';

/*
 * The proxy in process, between a raw HTTP client and a raw upstream on loopback: what passes
 * through (bytes, status, headers, timing of chunks), what is refused, and what is recorded.
 */

const KEY = 'sk-proxytest-0123456789abcdef';

interface Upstreamed {
  url: string;
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders; body: Buffer }[];
  close(): Promise<void>;
}

async function upstreamServer(handler: (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => void): Promise<Upstreamed> {
  const requests: Upstreamed['requests'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      handler(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function proxyTo(upstreamUrl: string, opts: { maxRequestReadBytes?: number } = {}): Promise<{ proxy: ProviderProxy; recorded: Fragment[]; settled: () => Promise<void> }> {
  const recorded: Fragment[] = [];
  const upstreams: Upstream[] = ROUTES.map((route) => ({ route, url: route.id === 'openai' ? `${upstreamUrl}/v1` : upstreamUrl, custom: true }));
  const proxy = await startProxy({ host: '127.0.0.1', port: 0, upstreams, service: 'test-app', record: async (f) => void recorded.push(f), ...opts });
  cleanup.push(() => proxy.close());
  // Recording follows the answer: wait until the number of calls stops changing.
  const settled = async () => {
    for (let i = 0; i < 50 && proxy.activity().routes.reduce((n, r) => n + r.calls + r.other, 0) === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 20));
  };
  return { proxy, recorded, settled };
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function request(port: number, path: string, body: string | null, headers: Record<string, string> = {}, onChunk?: (c: Buffer) => void): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: body === null ? 'GET' : 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        onChunk?.(c);
      });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

const chat = (stream = false) => JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: 'Say hi' }] });

describe('the provider proxy', () => {
  it('passes a stream on chunk by chunk: the app reads the first event while the provider still holds the second', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const up = await upstreamServer((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content: 'Hel' } }] })}\n\n`);
      // The rest only once the app has seen the first event: a proxy that buffered would never get here.
      void released.then(() => {
        res.write(`data: ${JSON.stringify({ model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content: 'lo' }, finish_reason: 'stop' }] })}\n\n`);
        res.write(`data: ${JSON.stringify({ model: 'gpt-4o-mini', choices: [], usage: { prompt_tokens: 11, completion_tokens: 2 } })}\n\n`);
        res.end('data: [DONE]\n\n');
      });
    });
    cleanup.push(up.close);
    const { proxy, recorded, settled } = await proxyTo(up.url);
    let firstSeen = false;
    const reply = await request(proxy.port, '/openai/chat/completions', chat(true), { authorization: `Bearer ${KEY}` }, () => {
      if (!firstSeen) {
        firstSeen = true;
        release();
      }
    });
    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toContain('[DONE]');
    await settled();
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ source: 'proxy', model: 'gpt-4o-mini', provider: 'openai', operation: 'chat', inputTokens: 11, outputTokens: 2, response: 'Hello', streamed: true, isError: false, service: 'test-app' });
    expect(recorded[0]!.ttftMs).not.toBeNull();
    expect(recorded[0]!.ttftMs!).toBeLessThanOrEqual(recorded[0]!.durationMs!);
  });

  it('gives the app the provider\'s status, headers and bytes (gzip untouched) and reads the usage through the compression', async () => {
    const answer = { id: 'chatcmpl-1', model: 'gpt-4o-mini-2024-07-18', choices: [{ index: 0, message: { role: 'assistant', content: 'Hi there' }, finish_reason: 'stop' }], usage: { prompt_tokens: 9, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 1 } } };
    const gz = zlib.gzipSync(JSON.stringify(answer));
    const up = await upstreamServer((_req, _body, res) => {
      res.writeHead(201, 'Created Here', { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-request-id': 'req_42', 'keep-alive': 'timeout=5', connection: 'keep-alive, x-hop', 'x-hop': 'drop me' });
      res.end(gz);
    });
    cleanup.push(up.close);
    const { proxy, recorded, settled } = await proxyTo(up.url);
    const body = chat();
    const reply = await request(proxy.port, '/openai/chat/completions?trace=1', body, { authorization: `Bearer ${KEY}`, 'accept-encoding': 'gzip', 'x-custom': 'kept', connection: 'keep-alive' });
    expect(reply.status).toBe(201);
    expect(reply.body.equals(gz)).toBe(true);
    expect(reply.headers['content-encoding']).toBe('gzip');
    expect(reply.headers['x-request-id']).toBe('req_42');
    expect(reply.headers['x-hop']).toBeUndefined();
    // Upstream: same path under its base, same body, the key and the app's own headers, its own Host.
    const seen = up.requests[0]!;
    expect(seen.url).toBe('/v1/chat/completions?trace=1');
    expect(seen.body.toString()).toBe(body);
    expect(seen.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(seen.headers['x-custom']).toBe('kept');
    expect(seen.headers.host).toBe(new URL(up.url).host);
    await settled();
    expect(recorded[0]).toMatchObject({ model: 'gpt-4o-mini-2024-07-18', inputTokens: 9, outputTokens: 3, cacheReadTokens: 4, reasoningTokens: 1, response: 'Hi there', prompt: 'Say hi', streamed: false, ttftMs: null, finishReason: 'stop' });
  });

  it('reads the usage at the end of a JSON answer too large to parse whole', async () => {
    const big = { object: 'list', model: 'text-embedding-3-small', data: Array.from({ length: 4000 }, (_, i) => ({ object: 'embedding', index: i, embedding: Array.from({ length: 64 }, (_, k) => (i * k) / 1e4) })), usage: { prompt_tokens: 4321, total_tokens: 4321 } };
    const text = JSON.stringify(big);
    expect(text.length).toBeGreaterThan(HEAD_BYTES);
    const up = await upstreamServer((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(text);
    });
    cleanup.push(up.close);
    const { proxy, recorded, settled } = await proxyTo(up.url);
    const reply = await request(proxy.port, '/openai/embeddings', JSON.stringify({ model: 'text-embedding-3-small', input: ['a', 'b'] }));
    expect(reply.body.toString()).toBe(text);
    await settled();
    expect(recorded[0]).toMatchObject({ operation: 'embeddings', model: 'text-embedding-3-small', inputTokens: 4321, prompt: 'a\nb' });
  });

  it.each([
    ['another Host (DNS rebinding)', { host: 'evil.example:1234' }, 403, /Host "evil.example:1234" is not this proxy/],
    ['a web page', { origin: 'https://evil.example' }, 403, /web pages are refused/],
  ])('refuses %s, and relays nothing', async (_name, headers, status, message) => {
    const up = await upstreamServer((_req, _body, res) => res.end('{}'));
    cleanup.push(up.close);
    const { proxy } = await proxyTo(up.url);
    const reply = await request(proxy.port, '/openai/chat/completions', chat(), headers as Record<string, string>);
    expect(reply.status).toBe(status);
    expect(JSON.parse(reply.body.toString()).error.message).toMatch(message);
    expect(up.requests).toHaveLength(0);
    expect(proxy.activity().refused).toBe(1);
  });

  it('answers 404 for a path outside its providers, naming them', async () => {
    const up = await upstreamServer((_req, _body, res) => res.end('{}'));
    cleanup.push(up.close);
    const { proxy } = await proxyTo(up.url);
    const reply = await request(proxy.port, '/v1/chat/completions', chat());
    expect(reply.status).toBe(404);
    expect(JSON.parse(reply.body.toString()).error.message).toBe('llmtop proxy: no provider at /v1/chat/completions; use /openai, /anthropic, /gemini');
  });

  it('relays what is not a call (listing models) without recording it', async () => {
    const up = await upstreamServer((_req, _body, res) => res.end('{"data":[]}'));
    cleanup.push(up.close);
    const { proxy, recorded, settled } = await proxyTo(up.url);
    const reply = await request(proxy.port, '/openai/models', null, { authorization: `Bearer ${KEY}` });
    expect(reply.body.toString()).toBe('{"data":[]}');
    expect(up.requests[0]!.url).toBe('/v1/models');
    await settled();
    expect(recorded).toHaveLength(0);
    expect(proxy.activity().routes.find((r) => r.route === 'openai')).toMatchObject({ calls: 0, other: 1 });
  });

  it('an unreachable provider: 502 to the app, an error call naming the host, no key in it', async () => {
    const up = await upstreamServer(() => {});
    const url = up.url;
    await up.close();
    const { proxy, recorded, settled } = await proxyTo(url);
    const reply = await request(proxy.port, `/gemini/v1beta/models/gemini-2.5-flash:generateContent?key=${KEY}`, JSON.stringify({ contents: [{ parts: [{ text: 'hi' }] }] }));
    expect(reply.status).toBe(502);
    expect(reply.body.toString()).not.toContain(KEY);
    await settled();
    expect(recorded[0]).toMatchObject({ provider: 'google', model: 'gemini-2.5-flash', isError: true, errorType: 'ECONNREFUSED', error: `cannot reach ${new URL(url).host}: ECONNREFUSED` });
    expect(JSON.stringify(recorded)).not.toContain(KEY);
  });

  it('scrubs the key from what it keeps when the provider quotes it back, and from a prompt', async () => {
    const up = await upstreamServer((_req, _body, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY.slice(0, 10)}************cdef. Also ${KEY}.`, type: 'invalid_request_error', code: 'invalid_api_key' } }));
    });
    cleanup.push(up.close);
    const { proxy, recorded, settled } = await proxyTo(up.url);
    const reply = await request(proxy.port, '/anthropic/v1/messages', JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: `my key is ${KEY}` }] }), { 'x-api-key': KEY });
    expect(reply.status).toBe(401);
    // The app gets the provider's answer as it was.
    expect(reply.body.toString()).toContain(KEY);
    await settled();
    expect(recorded[0]).toMatchObject({ isError: true, errorType: '401', provider: 'anthropic' });
    const kept = JSON.stringify(recorded);
    expect(kept).not.toContain(KEY);
    expect(kept).not.toContain(KEY.slice(0, 10));
    expect(recorded[0]!.prompt).toBe('my key is [key removed]');
  });

  it('the app hanging up mid-stream ends the upstream request and records an aborted call', async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((r) => (upstreamClosed = r));
    const up = await upstreamServer((req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content: 'partial' } }] })}\n\n`);
      res.on('close', upstreamClosed);
      void req;
    });
    cleanup.push(up.close);
    const { proxy, recorded, settled } = await proxyTo(up.url);
    await new Promise<void>((resolve) => {
      const req = http.request({ host: '127.0.0.1', port: proxy.port, path: '/openai/chat/completions', method: 'POST' }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.end(chat(true));
    });
    await closed;
    await settled();
    expect(recorded[0]).toMatchObject({ isError: true, errorType: 'aborted', response: 'partial', streamed: true });
  });

  it('relays a request body too large to read, and records the call from what the answer says', async () => {
    const up = await upstreamServer((_req, body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ model: 'gpt-4o-mini', choices: [{ index: 0, message: { content: `got ${body.length} bytes` } }], usage: { prompt_tokens: 50_000, completion_tokens: 3 } }));
    });
    cleanup.push(up.close);
    const { proxy, recorded, settled } = await proxyTo(up.url, { maxRequestReadBytes: 1024 });
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(5000) }] });
    const reply = await request(proxy.port, '/openai/chat/completions', body);
    expect(JSON.parse(reply.body.toString()).choices[0].message.content).toBe(`got ${Buffer.byteLength(body)} bytes`);
    await settled();
    expect(recorded[0]).toMatchObject({ model: 'gpt-4o-mini', inputTokens: 50_000, prompt: null });
  });
});
