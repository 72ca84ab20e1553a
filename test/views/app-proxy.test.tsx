import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cleanup } from 'ink-testing-library';
import stringWidth from 'string-width';
import { afterEach, describe, expect, test } from 'vitest';
import { LiveDashboard } from '../../src/app/dashboard-source.js';
import { ROUTES } from '../../src/proxy/routes.js';
import { startTestLlmtop } from '../helpers/llmtop.js';
import { tracerFor } from '../helpers/otel.js';
import { lineWith, linesOf, renderApp } from '../helpers/render-app.js';

/* The provider proxy in the TUI: the header counts calls by how they came, the `o` view lists the proxy. */

let running: Awaited<ReturnType<typeof startTestLlmtop>> | null = null;
let upstream: http.Server | null = null;
afterEach(async () => {
  cleanup();
  await running?.close();
  running = null;
  upstream?.closeAllConnections();
  await new Promise((r) => (upstream ? upstream.close(r) : r(null)));
  upstream = null;
});

describe('the provider proxy in the TUI', () => {
  test('the header counts the calls of the proxy and of OTLP; the sources view lists where each provider goes; all fits 80x24', async () => {
    upstream = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ model: 'claude-haiku-4-5-20251001', content: [{ type: 'text', text: 'hi' }], usage: { input_tokens: 5, output_tokens: 1 } })));
    });
    await new Promise<void>((r) => upstream!.listen(0, '127.0.0.1', r));
    const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    running = await startTestLlmtop({ proxy: { port: 0, service: 'app', problems: [], upstreams: ROUTES.map((route) => ({ route, url: route.id === 'anthropic' ? upstreamUrl : `https://${route.id}.example`, custom: route.id === 'anthropic' })) } });
    // One call through the proxy, two over OTLP (another app, instrumented).
    for (let i = 0; i < 1; i++) {
      const res = await fetch(`${running.proxy!.origin}/anthropic/v1/messages`, { method: 'POST', body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'hello' }] }) });
      await res.text();
    }
    const t = tracerFor(running.url, 'proto', { 'service.name': 'other-app' });
    const now = Date.now();
    for (let i = 0; i < 2; i++) t.end(t.start('chat', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 3, 'gen_ai.usage.output_tokens': 2 }, now - 500 - i), now);
    await t.flush();
    for (let i = 0; i < 50 && running.store.size < 3; i++) await new Promise((r) => setTimeout(r, 20));

    const source = new LiveDashboard(running.stats, { sources: running.sources, capture: running.capture });
    const r = await renderApp(running.stats, { columns: 80, rows: 24 }, { source });
    expect(lineWith(r.frame(), 'req/s')).toMatch(/ cost ~<\$0.0001  proxy 1 otlp 2$/);
    await r.press('o');
    const frame = r.frame();
    expect(lineWith(frame, 'provider proxy')).toContain(running.proxy!.origin);
    expect(lineWith(frame, '/anthropic')).toContain(`→ ${upstreamUrl} (your base URL)  1 call  seen`);
    expect(lineWith(frame, '/openai')).toContain('→ https://openai.example  0 calls  none yet');
    expect(lineWith(frame, 'other-app')).toBeDefined();
    for (const l of linesOf(frame)) expect(stringWidth(l), l).toBeLessThanOrEqual(80);
    await t.shutdown();
  });

  test('without the proxy the header says nothing of it', async () => {
    running = await startTestLlmtop();
    const source = new LiveDashboard(running.stats, { sources: running.sources, capture: running.capture });
    const r = await renderApp(running.stats, { columns: 80, rows: 24 }, { source });
    expect(r.frame()).not.toContain('proxy');
    await r.press('o');
    expect(r.frame()).not.toContain('provider proxy');
  });
});
