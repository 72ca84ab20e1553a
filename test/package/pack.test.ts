import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genAiSpanJson, randomHex, tracesJson } from '../helpers/otlp-payloads.js';
import { readTarball } from './tarball.js';

/*
 * The published package, as a user gets it: `npm pack` (whose `prepare` script builds dist/),
 * the tarball installed with npm into an empty folder, then the installed `llmtop` bin run:
 * `--version`, and `--headless`, which takes a GenAI span over OTLP/HTTP and gives it back on
 * /api/v1/calls. better-sqlite3 13 brings prebuilt Node-API binaries inside its package: the
 * install compiles nothing and downloads no binary, and takes seconds. CI runs this under each
 * Node users run (.ci/run).
 *
 * npm pack runs in a copy of the repository (without dist/, .git and node_modules, which is
 * linked): `prepare` then builds dist/ from nothing, as it would in a fresh clone, and does
 * not rewrite the repository's own dist/ while other test files run the built CLI from it.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const LISTENING = /^llmtop listening on http:\/\/127\.0\.0\.1:(\d+)\b/m;
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const LEFT_OUT_OF_COPY = new Set(['node_modules', '.git', 'dist', '.bench']);

let tmp: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-pack-'));
});
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
});

/**
 * The environment for npm and the installed llmtop: this process's, without what `npm test`
 * adds about this package (which would point a nested npm back at the repository).
 */
function baseEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_(package_|lifecycle_|command$|execpath$|node_execpath$|config_local_prefix$)/i.test(k) || k === 'INIT_CWD') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (no stdin), killing it past `timeoutMs`. */
function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Outcome> {
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')}: still running after ${opts.timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function ok(what: string, o: Outcome): Outcome {
  if (o.code !== 0) throw new Error(`${what} failed (code ${o.code}, signal ${o.signal})\nstdout: ${o.stdout}\nstderr: ${o.stderr}`);
  return o;
}

function exited(child: ChildProcess, timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no exit within ${timeoutMs} ms`)), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

/** A copy of the repository to pack, with the repository's node_modules linked in for `prepare`. */
function stageRepository(): string {
  const stage = path.join(tmp, 'repo');
  fs.cpSync(ROOT, stage, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(ROOT, src);
      return !LEFT_OUT_OF_COPY.has(rel.split(path.sep)[0]!);
    },
  });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
  return stage;
}

describe('the npm package', () => {
  it(
    'packs with the built dist/, installs into an empty folder, and the installed llmtop answers --version and serves --headless',
    async () => {
      const started = Date.now();
      const step = (name: string) => console.log(`[pack test] ${name} at ${((Date.now() - started) / 1000).toFixed(1)} s`);

      // 1. npm pack: `prepare` builds dist/ in the copy, the tarball goes to a temp folder.
      const stage = stageRepository();
      expect(fs.existsSync(path.join(stage, 'dist'))).toBe(false);
      const packs = path.join(tmp, 'packs');
      fs.mkdirSync(packs);
      ok('npm pack', await run(NPM, ['pack', '--pack-destination', packs], { cwd: stage, env: baseEnv(), timeoutMs: 3 * 60_000 }));
      const tarballs = fs.readdirSync(packs).filter((f) => f.endsWith('.tgz'));
      expect(tarballs).toEqual([`${PKG.name}-${PKG.version}.tgz`]);
      const tarball = path.join(packs, tarballs[0]!);
      step('packed');

      // 2. What the tarball holds.
      const entries = readTarball(tarball);
      const files = entries.filter((e) => e.type === '0').map((e) => e.path);
      expect(files.length).toBeGreaterThan(5);
      for (const f of files) expect(f.startsWith('package/'), f).toBe(true);
      for (const f of ['bin/llmtop.js', 'dist/cli.js', 'README.md', 'LICENSE', 'package.json']) expect(files, f).toContain(`package/${f}`);
      for (const dir of ['src/', 'test/', 'bench/', 'node_modules/']) {
        expect(
          files.filter((f) => f.startsWith(`package/${dir}`)),
          `${dir} in the tarball`,
        ).toEqual([]);
      }
      const packed = JSON.parse(entries.find((e) => e.path === 'package/package.json')!.data.toString('utf8')) as { version: string; bin: Record<string, string> };
      expect(packed.version).toBe(PKG.version);
      expect(packed.bin).toEqual({ llmtop: 'bin/llmtop.js' });
      expect(entries.find((e) => e.path === 'package/bin/llmtop.js')!.data.toString('utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);

      // 3. Installed into an empty folder (a package.json only, so that npm installs here and
      //    not into a parent folder that happens to hold one).
      const app = path.join(tmp, 'app');
      fs.mkdirSync(app);
      fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'llmtop-pack-test', version: '1.0.0', private: true }));
      const installStarted = Date.now();
      const install = ok(
        'npm install <tarball>',
        await run(NPM, ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: app, env: baseEnv(), timeoutMs: 9 * 60_000 }),
      );
      step(`installed in ${((Date.now() - installStarted) / 1000).toFixed(1)} s on Node ${process.version}`);
      // Nothing compiled: the binding is the one shipped for this platform, not a build of it.
      expect(fs.existsSync(path.join(app, 'node_modules', 'better-sqlite3', 'build'))).toBe(false);
      // npm 11 names the install scripts it has not been told to allow. llmtop needs none: its own
      // `prepare` builds dist/ in a clone and npm does not run it for a package installed from a
      // tarball or the registry; protobufjs's `postinstall` only checks a version scheme.
      const scripts = [...install.stderr.matchAll(/^npm warn install-scripts\s+(\S+)@\S+ \(/gm)].map((m) => m[1]);
      expect(scripts.filter((name) => name !== 'protobufjs' && name !== PKG.name)).toEqual([]);
      const bin = path.join(app, 'node_modules', '.bin', process.platform === 'win32' ? 'llmtop.cmd' : 'llmtop');
      expect(fs.existsSync(bin)).toBe(true);
      expect(fs.existsSync(path.join(app, 'node_modules', PKG.name, 'src'))).toBe(false);

      // The installed llmtop runs with nothing of the repository around it.
      const home = path.join(tmp, 'home');
      fs.mkdirSync(home);
      const runEnv = baseEnv({ HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), NO_COLOR: '1', FORCE_COLOR: '0' });

      // 4. --version prints the package's version.
      const version = ok('llmtop --version', await run(bin, ['--version'], { cwd: app, env: runEnv, timeoutMs: 30_000 }));
      expect(version.stdout.trim()).toBe(PKG.version);

      // 5. --headless: listening line, one span in, the call back out, SIGTERM, exit 0.
      const db = path.join(tmp, 'x.db');
      const child = spawn(bin, ['--headless', '--port', '0', '--grpc-port', '0', '--db', db], {
        cwd: app,
        env: runEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let stdout = '';
      let stderr = '';
      child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line in 30 s; stdout: ${stdout}; stderr: ${stderr}`)), 30_000);
        child.stdout!.on('data', (c: Buffer) => {
          stdout += c.toString();
          const m = LISTENING.exec(stdout);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        });
        child.on('exit', (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`llmtop exited (${code ?? signal}) before listening; stdout: ${stdout}; stderr: ${stderr}`));
        });
      });
      expect(port).toBeGreaterThan(0);
      expect(stdout).toContain(db);
      const url = `http://127.0.0.1:${port}`;

      const traceId = randomHex(16);
      const spanId = randomHex(8);
      const span = genAiSpanJson({ traceId, spanId, model: 'gpt-4o-mini', provider: 'openai', inputTokens: 42, outputTokens: 7, startMs: Date.now() - 2_000 });
      const post = await fetch(`${url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(tracesJson([span], 'pack-test')),
      });
      expect(post.status, await post.clone().text()).toBe(200);
      await post.arrayBuffer();

      const res = await fetch(`${url}/api/v1/calls?limit=10`);
      expect(res.status).toBe(200);
      const { calls } = (await res.json()) as { calls: Record<string, unknown>[] };
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({
        traceId,
        spanId,
        service: 'pack-test',
        provider: 'openai',
        model: 'gpt-4o-mini',
        inputTokens: 42,
        outputTokens: 7,
        status: 'ok',
      });

      child.kill('SIGTERM');
      const end = await exited(child, 15_000);
      expect({ ...end, stderr }).toEqual({ code: 0, signal: null, stderr: '' });
      expect(fs.existsSync(db)).toBe(true);
      step('done');
    },
    10 * 60_000,
  );
});
