import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fillStore } from './fill.js';

/*
 * `llmtop export` on a store of N calls, all in the last hour: wall time, peak RSS (from
 * /usr/bin/time) and file size per format. Runs the built dist/ (`npm run build` first).
 *   npx tsx bench/export.ts [calls]      default 100000
 */

const calls = Number(process.argv[2] ?? 100_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-bench-export-'));
const db = path.join(dir, 'bench.db');
const now = Date.now();
try {
  const fillS = fillStore({ db, calls, windowCalls: calls, windowSpanMs: 3_000_000, oldSpanMs: 3_600_000, nowMs: now });
  console.log(`filled ${calls} calls in ${fillS.toFixed(1)} s`);
  console.log('| format | calls | wall s | peak RSS MB | file MB | lines |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const format of ['otlp', 'jsonl']) {
    const out = path.join(dir, `export.${format}`);
    const t0 = performance.now();
    const { status, stderr } = spawnSync('/usr/bin/time', ['-v', 'node', 'bin/llmtop.js', 'export', '--db', db, '--format', format, '--window', '1h', '--out', out], { encoding: 'utf8' });
    const wall = (performance.now() - t0) / 1000;
    if (status !== 0) throw new Error(`export --format ${format} failed:\n${stderr}`);
    const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? NaN);
    const text = fs.readFileSync(out, 'utf8');
    const lines = text.split('\n').filter((l) => l !== '').length;
    console.log(`| ${format} | ${calls} | ${wall.toFixed(2)} | ${(rssKb / 1024).toFixed(0)} | ${(fs.statSync(out).size / 1e6).toFixed(0)} | ${lines} |`);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
