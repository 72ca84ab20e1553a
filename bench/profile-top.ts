import fs from 'node:fs';
import path from 'node:path';

/*
 * A text summary of a V8 .cpuprofile (from `node --cpu-prof`): where the self time went, by
 * function and by source file. Used by bench/run.ts with BENCH_PROFILE=1, or alone:
 *   npx tsx bench/profile-top.ts [--top=N] FILE.cpuprofile...
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

function shortUrl(url: string): string {
  if (!url) return '';
  const p = url.replace(/^file:\/\//, '');
  const nm = p.lastIndexOf('node_modules/');
  if (nm >= 0) return p.slice(nm + 'node_modules/'.length);
  const dist = p.lastIndexOf('/dist/');
  if (dist >= 0) return p.slice(dist + 1);
  return path.basename(p);
}

export function summarizeProfile(file: string, top = 15): string {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const total = profile.nodes.reduce((n, node) => n + (node.hitCount ?? 0), 0);
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const f = node.callFrame;
    const where = shortUrl(f.url);
    const name = `${f.functionName || '(anonymous)'}${where ? ` ${where}:${f.lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + hits);
    const area = where ? where.replace(/:\d+$/, '') : f.functionName || '(anonymous)';
    byFile.set(area, (byFile.get(area) ?? 0) + hits);
  }
  const pct = (n: number) => `${((100 * n) / Math.max(1, total)).toFixed(1).padStart(5)}%`;
  const seconds = (profile.endTime - profile.startTime) / 1e6;
  const lines = [`${path.basename(file)}: ${total} samples over ${seconds.toFixed(1)} s`, '  self time by function:'];
  for (const [name, hits] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(hits)}  ${name}`);
  lines.push('  self time by file:');
  for (const [name, hits] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(hits)}  ${name}`);
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const args = process.argv.slice(2);
  const top = Number(args.find((a) => a.startsWith('--top='))?.slice('--top='.length) ?? 15);
  const files = args.filter((a) => !a.startsWith('--'));
  if (files.length === 0 || !Number.isInteger(top)) {
    process.stderr.write('usage: tsx bench/profile-top.ts [--top=N] FILE.cpuprofile...\n');
    process.exit(2);
  }
  for (const f of files) process.stdout.write(`${summarizeProfile(f, top)}\n\n`);
}
