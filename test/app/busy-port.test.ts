import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { StartError } from '../../src/app/llmtop.js';
import { getJson, startTestLlmtop } from '../helpers/llmtop.js';
import { freePort } from '../helpers/ports.js';

/* A taken OTLP/HTTP port: one line saying what answers there and a suggestion that works. */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(port: number, handler: http.RequestListener): Promise<void> {
  const srv = http.createServer(handler);
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', () => r()));
  cleanups.push(() => new Promise<void>((r) => srv.close(() => r())));
}

async function startError(port: number): Promise<string> {
  try {
    const running = await startTestLlmtop({ port });
    cleanups.push(() => running.close());
  } catch (err) {
    expect(err).toBeInstanceOf(StartError);
    return (err as Error).message;
  }
  throw new Error('llmtop started on a taken port');
}

describe('busy OTLP/HTTP port', () => {
  it('says something else answers, and the suggested port and endpoint work', async () => {
    const port = await freePort();
    await serve(port, (_req, res) => res.end('hello'));
    const message = await startError(port);
    expect(message).not.toContain('\n');
    expect(message).toMatch(new RegExp(`^port ${port} on 127\\.0\\.0\\.1 is already in use by something else; use llmtop --port (\\d+) with OTEL_EXPORTER_OTLP_ENDPOINT=http://127\\.0\\.0\\.1:(\\d+)$`));
    const [, suggested, endpointPort] = /--port (\d+) with OTEL_EXPORTER_OTLP_ENDPOINT=http:\/\/127\.0\.0\.1:(\d+)/.exec(message)!;
    expect(endpointPort).toBe(suggested);
    const running = await startTestLlmtop({ port: Number(suggested) });
    cleanups.push(() => running.close());
    expect((await getJson(`http://127.0.0.1:${suggested}/healthz`)).status).toBe('ok');
  });

  it('recognises another llmtop by its pid', async () => {
    const other = await startTestLlmtop();
    cleanups.push(() => other.close());
    expect(await startError(other.port)).toContain(`is already in use by another llmtop (pid ${process.pid})`);
  });

  it('recognises an OTLP receiver', async () => {
    const port = await freePort();
    await serve(port, (req, res) => {
      res.writeHead(req.url === '/v1/traces' ? 200 : 404, { 'Content-Type': 'application/json' });
      res.end('{"partialSuccess":{}}');
    });
    expect(await startError(port)).toContain('is already in use by an OTLP receiver');
  });
});
