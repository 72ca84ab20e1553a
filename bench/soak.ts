import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTENT_TYPE, IdSource, makeTraffic } from './load.js';
import { getJson, killAll, memoryMiB, startServer, stopServer } from './procs.js';

/*
 * The soak of issue 5: llmtop headless with a file db, fed a steady 2,000 calls a second
 * (a 100-span protobuf export every 50 ms over keep-alive) for 10 minutes. Every 30 s: RSS,
 * export latency and refusals of that interval. Flat RSS and latency, nothing refused, every
 * acknowledged span stored: that is the pass. `npm run bench:soak`; SOAK_SECONDS to shorten.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const RATE = Number(process.env.SOAK_RATE ?? 2000);
const SPANS = 100;
const INTERVAL_S = 30;

interface Interval {
  at: number;
  sent: number;
  acked: number;
  refused: number;
  failed: number;
  latencies: number[];
}

function pct(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-soak-'));
  const db = path.join(dir, 'soak.db');
  // BENCH_NODE_ARGS: V8 or Node flags for llmtop's process (--heap-prof to see what a leak holds).
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const server = await startServer('llmtop', [...nodeArgs, 'bin/llmtop.js', '--headless', '--port', '0', '--grpc-port', '0', '--db', db], { cwd: ROOT, timeoutMs: 60_000 });
  const traffic = makeTraffic('protobuf', { batches: 64, spansPerBatch: SPANS });
  const ids = new IdSource();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const everyMs = (1000 * SPANS) / RATE;
  const intervals: Interval[] = [];
  let current: Interval = { at: 0, sent: 0, acked: 0, refused: 0, failed: 0, latencies: [] };
  let acked = 0;
  const t0 = performance.now();
  let n = 0;
  const pending = new Set<Promise<void>>();
  console.error(`soak: ${RATE} calls/s for ${SECONDS} s, RSS every ${INTERVAL_S} s`);
  while (performance.now() - t0 < SECONDS * 1000) {
    const due = t0 + n * everyMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const t = traffic.templates[n % traffic.templates.length]!;
    const body = Buffer.from(t.body);
    ids.patch(t, body, 'protobuf');
    n++;
    const interval = current;
    interval.sent += SPANS;
    const started = performance.now();
    const p = new Promise<void>((resolve) => {
      const req = http.request({ agent, host: '127.0.0.1', port: server.port, method: 'POST', path: '/v1/traces', headers: { 'content-type': CONTENT_TYPE.protobuf } }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) {
            interval.acked += SPANS;
            acked += SPANS;
            interval.latencies.push(performance.now() - started);
          } else if (res.statusCode === 429 || res.statusCode === 503) interval.refused += SPANS;
          else interval.failed += SPANS;
          resolve();
        });
      });
      req.on('error', () => {
        interval.failed += SPANS;
        resolve();
      });
      req.end(body);
    });
    pending.add(p);
    void p.then(() => pending.delete(p));
    const elapsed = (performance.now() - t0) / 1000;
    if (elapsed >= (intervals.length + 1) * INTERVAL_S) {
      current.at = Math.round(elapsed);
      intervals.push(current);
      const m = memoryMiB(server.pid);
      console.error(`soak: ${current.at} s, RSS ${m.rss.toFixed(0)} MiB, p99 ${pct(current.latencies, 0.99).toFixed(1)} ms, refused ${current.refused}`);
      (current as Interval & { rss?: number }).rss = m.rss;
      current = { at: 0, sent: 0, acked: 0, refused: 0, failed: 0, latencies: [] };
    }
  }
  await Promise.all(pending);
  const health = await getJson<{ calls: number }>(server.port, '/healthz');
  const mem = memoryMiB(server.pid);
  const end = await stopServer(server);
  agent.destroy();
  fs.rmSync(dir, { recursive: true, force: true });

  const rows = intervals.map((i) => {
    const rss = (i as Interval & { rss?: number }).rss ?? NaN;
    return `| ${i.at} | ${(i.acked / INTERVAL_S).toFixed(0)} | ${pct(i.latencies, 0.5).toFixed(1)} | ${pct(i.latencies, 0.99).toFixed(1)} | ${i.refused} | ${i.failed} | ${rss.toFixed(0)} |`;
  });
  const stored = Math.min(acked, 100_000);
  const report = [
    '# llmtop soak',
    '',
    `- machine: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores, Node ${process.version}`,
    `- command: \`${SECONDS === 600 ? '' : `SOAK_SECONDS=${SECONDS} `}npm run bench:soak\`; ${new Date().toISOString()}`,
    `- load: ${RATE} calls/s as ${SPANS}-span protobuf exports every ${everyMs} ms for ${SECONDS} s, llmtop --headless with a file db (ring of 100,000)`,
    '',
    '| s | calls/s acked | p50 ms | p99 ms | refused | failed | RSS MiB |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Acknowledged ${acked.toLocaleString('en-US')} calls; /healthz held ${health.calls.toLocaleString('en-US')} at the end (the ring keeps ${stored.toLocaleString('en-US')}: ${health.calls === stored ? 'pass' : 'FAIL'}); peak RSS ${mem.hwm.toFixed(0)} MiB; shutdown ${end.code === 0 ? 'clean' : `code ${end.code} ${end.signal ?? ''}`}.`,
  ].join('\n');
  console.log(report);
  fs.writeFileSync(path.join(ROOT, 'bench', SECONDS === 600 ? 'soak-results.md' : 'soak-results-short.md'), `${report}\n`);
}

main().catch((err: unknown) => {
  killAll();
  console.error(err);
  process.exit(1);
});
