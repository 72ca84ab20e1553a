import { afterEach, describe, expect, it } from 'vitest';
import { allowedOrigin, hasToken } from '../../src/receiver/access.js';
import { startTestLlmtop } from '../helpers/llmtop.js';
import { genAiSpanJson, tracesJson } from '../helpers/otlp-payloads.js';

/** --token and --cors on the real server. */

let app: Awaited<ReturnType<typeof startTestLlmtop>> | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

const TOKEN = 's3cret-token-42';
const body = () => JSON.stringify(tracesJson([genAiSpanJson()], 'guarded'));
const post = (url: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: body() });

describe('--token', () => {
  it('refuses OTLP and API requests without the bearer token, and stores nothing from them', async () => {
    app = await startTestLlmtop({ token: TOKEN });
    const none = await post(app.url);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await post(app.url, { authorization: 'Bearer wrong-token-00' })).status).toBe(401);
    expect((await post(app.url, { authorization: `Basic ${TOKEN}` })).status).toBe(401);
    expect((await post(app.url, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await fetch(`${app.url}/api/v1/calls`)).status).toBe(401);
    const calls = await fetch(`${app.url}/api/v1/calls?service=guarded`, { headers: { authorization: `bearer ${TOKEN}` } });
    expect(calls.status).toBe(200);
    expect(((await calls.json()) as { calls: unknown[] }).calls).toHaveLength(1);
    // The health check stays open, for load balancers and scripts.
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it.each([
    ['Bearer s3cret-token-42', true],
    ['bearer   s3cret-token-42 ', true],
    ['Bearer s3cret-token-4', false],
    ['Bearer s3cret-token-420', false],
    ['s3cret-token-42', false],
    [undefined, false],
  ])('hasToken(%j) is %s', (header, ok) => expect(hasToken(header, TOKEN)).toBe(ok));
});

describe('--cors', () => {
  it('is off by default: no CORS headers, and a preflight is not answered as one', async () => {
    app = await startTestLlmtop();
    const pre = await fetch(`${app.url}/v1/traces`, { method: 'OPTIONS', headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' } });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.status).toBe(405);
    const res = await post(app.url, { origin: 'http://localhost:3000' });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers preflights and allows the named origins only', async () => {
    app = await startTestLlmtop({ corsOrigins: ['http://localhost:3000'] });
    const pre = await fetch(`${app.url}/v1/traces`, { method: 'OPTIONS', headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    expect(pre.headers.get('access-control-allow-headers')).toContain('Content-Type');
    const res = await post(app.url, { origin: 'http://localhost:3000' });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    const other = await post(app.url, { origin: 'http://evil.example' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it.each([
    ['http://a', ['*'], '*'],
    ['http://a', ['http://a', 'http://b'], 'http://a'],
    ['http://c', ['http://a'], null],
    [undefined, ['*'], null],
    ['http://a', [], null],
  ])('allowedOrigin(%j, %j) is %j', (origin, allowed, expected) => expect(allowedOrigin(origin, allowed)).toBe(expected));
});
