import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, getJson, startServer, stopServer, type Server } from './procs.js';

/*
 * The provider proxy of issue 23: what it adds to the app's time to first byte, and how much it
 * carries, against a direct connection to the same upstream in the same run. The upstream
 * (bench/proxy-upstream.mjs, its own process) answers at once, so the difference is the proxy's
 * hop: llmtop --headless --proxy, built dist/, relaying to it and recording every call.
 *
 *   npx tsx bench/proxy.ts                  or  BENCH_ONLY=proxy npm run bench
 *   BENCH_QUICK=1 npx tsx bench/proxy.ts    fewer requests, shorter loads
 *
 * Latency: requests one at a time over a keep-alive connection, direct and through the proxy in
 * turn (which goes first alternates), timed from the request's send to the answer's first body
 * byte (for a stream, its first event). Throughput: N connections, each sending its next request
 * when the last answer ended, for a few seconds, direct then through the proxy; plain answers
 * (requests/s) and 64 KiB streams of 256 events (MiB/s of answer). Afterwards llmtop must have
 * recorded one call for every request that went through the proxy.
 *
 * Settings: BENCH_PROXY_REQUESTS (latency, per path and kind), BENCH_PROXY_SECONDS (each load),
 * BENCH_PROXY_CONCURRENCY.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function envNumber(name: string, value: number): number {
  const text = process.env[name];
  return text === undefined || text === '' ? value : Number(text);
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
}

const fixed = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const int = (n: number) => Math.round(n).toLocaleString('en-US');

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

interface Target {
  name: 'direct' | 'via proxy';
  port: number;
  /** Path prefix of the OpenAI base URL: `/v1` upstream, `/openai` on the proxy. */
  base: string;
  agent: http.Agent;
}

const CHAT = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }] };

/** One request; resolves with ms to the first body byte and to the end, and the bytes of the answer. */
function timed(t: Target, body: object): Promise<{ firstMs: number; endMs: number; bytes: number }> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent: t.agent, host: '127.0.0.1', port: t.port, method: 'POST', path: `${t.base}/chat/completions`, headers: { 'content-type': 'application/json', 'content-length': payload.length, authorization: 'Bearer sk-bench-not-a-key' } },
      (res) => {
        let firstMs = NaN;
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          if (bytes === 0) firstMs = performance.now() - t0;
          bytes += c.length;
        });
        res.on('end', () => (res.statusCode === 200 ? resolve({ firstMs, endMs: performance.now() - t0, bytes }) : reject(new Error(`${t.name}: status ${res.statusCode}`))));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    const t0 = performance.now();
    req.end(payload);
  });
}

interface LatencyRow {
  kind: string;
  target: string;
  ms: number[];
}

async function latency(direct: Target, proxy: Target, kind: string, body: object, n: number): Promise<LatencyRow[]> {
  const rows: Record<string, number[]> = { direct: [], 'via proxy': [] };
  for (let i = 0; i < 30; i++) {
    await timed(direct, body);
    await timed(proxy, body);
  }
  for (let i = 0; i < n; i++) {
    const order = i % 2 === 0 ? [direct, proxy] : [proxy, direct];
    for (const t of order) rows[t.name]!.push((await timed(t, body)).firstMs);
  }
  return [
    { kind, target: 'direct', ms: rows.direct! },
    { kind, target: 'via proxy', ms: rows['via proxy']! },
  ];
}

interface LoadRow {
  kind: string;
  target: string;
  requests: number;
  bytes: number;
  seconds: number;
  llmtopCpu: number | null;
}

async function load(t: Target, kind: string, body: object, concurrency: number, seconds: number, llmtop: Server): Promise<LoadRow> {
  const until = performance.now() + seconds * 1000;
  const cpu0 = cpuSeconds(llmtop.pid);
  const t0 = performance.now();
  let requests = 0;
  let bytes = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const r = await timed(t, body);
        requests++;
        bytes += r.bytes;
      }
    }),
  );
  const wall = (performance.now() - t0) / 1000;
  return { kind, target: t.name, requests, bytes, seconds: wall, llmtopCpu: t.name === 'via proxy' ? (cpuSeconds(llmtop.pid) - cpu0) / wall : null };
}

export async function runProxyBench(opts: { quick: boolean }): Promise<string> {
  const n = envNumber('BENCH_PROXY_REQUESTS', opts.quick ? 300 : 1000);
  const seconds = envNumber('BENCH_PROXY_SECONDS', opts.quick ? 3 : 5);
  const concurrency = envNumber('BENCH_PROXY_CONCURRENCY', 16);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-bench-proxy-'));
  const log = (msg: string) => process.stderr.write(`bench proxy: ${msg}\n`);
  const upstream = await startServer('proxy-upstream', ['bench/proxy-upstream.mjs', '0'], { cwd: ROOT, timeoutMs: 30_000 });
  const env = { ...process.env, OPENAI_BASE_URL: `http://127.0.0.1:${upstream.port}/v1` };
  const llmtop = await startServer('llmtop-proxy', ['bin/llmtop.js', '--headless', '--port', '0', '--grpc-port', '0', '--proxy', '--db', path.join(tmp, 'proxy.db')], { cwd: ROOT, timeoutMs: 60_000, env });
  try {
    const proxyPort = Number(/provider proxy on http:\/\/127\.0\.0\.1:(\d+)/.exec(llmtop.stdout())?.[1]);
    if (!proxyPort) throw new Error(`no proxy in llmtop's listening line: ${llmtop.stdout()}`);
    const target = (name: Target['name'], port: number, base: string, sockets: number): Target => ({ name, port, base, agent: new http.Agent({ keepAlive: true, maxSockets: sockets }) });
    const one = { direct: target('direct', upstream.port, '/v1', 1), proxy: target('via proxy', proxyPort, '/openai', 1) };
    const many = { direct: target('direct', upstream.port, '/v1', concurrency), proxy: target('via proxy', proxyPort, '/openai', concurrency) };

    log(`latency: ${n} requests of each kind, direct and through the proxy in turn`);
    const lat = [
      ...(await latency(one.direct, one.proxy, 'plain JSON answer', CHAT, n)),
      ...(await latency(one.direct, one.proxy, 'SSE stream, first event', { ...CHAT, stream: true, chunks: 20, chunkBytes: 16 }, n)),
    ];
    log(`throughput: ${concurrency} connections, ${seconds} s each`);
    const big = { ...CHAT, stream: true, chunks: 256, chunkBytes: 128 };
    const loads: LoadRow[] = [];
    for (const [kind, body] of [['plain JSON answers', CHAT], ['64 KiB streams (256 events)', big]] as const) {
      loads.push(await load(many.direct, kind, body, concurrency, seconds, llmtop));
      loads.push(await load(many.proxy, kind, body, concurrency, seconds, llmtop));
    }
    // Every request through the proxy, warm-ups included, must be a call; recording follows the answer.
    const proxied = 2 * 30 + 2 * n + loads.filter((l) => l.target === 'via proxy').reduce((k, l) => k + l.requests, 0);
    let recorded = 0;
    for (let i = 0; i < 100; i++) {
      recorded = (await getJson<{ calls: number }>(llmtop.port, '/healthz')).calls;
      if (recorded >= proxied) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const t of [...Object.values(one), ...Object.values(many)]) t.agent.destroy();

    const added = (kind: string, q: number) => quantile(lat.find((r) => r.kind === kind && r.target === 'via proxy')!.ms, q) - quantile(lat.find((r) => r.kind === kind && r.target === 'direct')!.ms, q);
    return [
      `## Proxy: what llmtop's provider proxy adds (llmtop --headless --proxy; an OpenAI-shaped upstream in its own process answering at once; loopback)`,
      '',
      `Time to the answer's first body byte, ${int(n)} sequential requests of each kind over a keep-alive connection, direct and through the proxy in turn:`,
      '',
      table(
        ['answer', 'path', 'p50 ms', 'p99 ms', 'added p50 ms', 'added p99 ms'],
        lat.map((r) => [r.kind, r.target, fixed(quantile(r.ms, 0.5), 3), fixed(quantile(r.ms, 0.99), 3), r.target === 'direct' ? '' : fixed(added(r.kind, 0.5), 3), r.target === 'direct' ? '' : fixed(added(r.kind, 0.99), 3)]),
      ),
      '',
      `Throughput, ${concurrency} keep-alive connections, ${seconds} s each:`,
      '',
      table(
        ['load', 'path', 'requests/s', 'answer MiB/s', 'llmtop CPU (of one core)', 'through the proxy / direct'],
        loads.map((l) => {
          const direct = loads.find((d) => d.kind === l.kind && d.target === 'direct')!;
          return [l.kind, l.target, int(l.requests / l.seconds), fixed(l.bytes / l.seconds / 2 ** 20, 1), l.llmtopCpu === null ? '' : `${fixed(100 * l.llmtopCpu, 0)}%`, l.target === 'direct' ? '' : fixed(l.requests / l.seconds / (direct.requests / direct.seconds), 2)];
        }),
      ),
      '',
      `Recorded: ${int(recorded)} calls for ${int(proxied)} requests through the proxy (${recorded === proxied ? 'pass' : 'FAIL'}). The load generator, the upstream and llmtop share the machine's cores: "direct" has the upstream alone, "via proxy" adds llmtop's relaying and recording on the same cores.`,
    ].join('\n');
  } finally {
    await stopServer(llmtop);
    await stopServer(upstream);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runProxyBench({ quick: process.env.BENCH_QUICK === '1' })
    .then((text) => process.stdout.write(`${text}\n`))
    .catch((err: unknown) => {
      process.stderr.write(`bench proxy: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    });
}
