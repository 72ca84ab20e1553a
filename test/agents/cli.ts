import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Capture } from '../sdk/capture.js';

/*
 * Running the coding agents' CLIs as a user would, from the exact versions in devDependencies,
 * offline: a temporary HOME, stdin closed, and an environment of exactly what each test gives
 * (plus PATH), so that no key, endpoint or OTEL_* variable of the developer's leaks in.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const modules = path.join(ROOT, 'node_modules');

/** Codex's Node launcher, which starts the platform's Rust binary. */
export const CODEX_JS = path.join(modules, '@openai/codex/bin/codex.js');
/** Gemini CLI's bundle (it relaunches itself as a child with more heap). */
export const GEMINI_JS = path.join(modules, '@google/gemini-cli/bundle/gemini.js');
/** Claude Code's native binary: the platform package's, else the copy its postinstall made. */
export const CLAUDE_BIN =
  [path.join(modules, `@anthropic-ai/claude-code-${process.platform}-${process.arch}`, 'claude'), path.join(modules, '@anthropic-ai/claude-code/bin/claude.exe')].find((p) => fs.existsSync(p)) ??
  'claude-code-binary-not-installed';

export function installedVersion(pkg: string): string {
  return (JSON.parse(fs.readFileSync(path.join(modules, pkg, 'package.json'), 'utf8')) as { version: string }).version;
}

export interface Invocation {
  argv: string[];
  exitCode: number | null;
  wallMs: number;
  stdout: string;
  /** The end of stderr, for failure messages. */
  stderr: string;
}

/** Runs a CLI to its end with exactly `env` (and PATH), stdin closed. */
export function runCli(cmd: string, args: string[], opts: { cwd: string; env: Record<string, string>; timeoutMs?: number }): Promise<Invocation> {
  return new Promise((resolve) => {
    const start = Date.now();
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ argv: [path.basename(cmd), ...args], exitCode: code, wallMs: Date.now() - start, stdout, stderr: stderr.slice(-3000) });
    });
  });
}

/** A fresh HOME with a work folder in it; `remove` deletes both. */
export function tempHome(prefix: string): { home: string; work: string; remove(): void } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `llmtop-${prefix}-`));
  const work = path.join(home, 'work');
  fs.mkdirSync(work);
  return { home, work, remove: () => fs.rmSync(home, { recursive: true, force: true }) };
}

export function writeFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/**
 * Resolves once the relay has forwarded nothing for `quietMs`: the agents flush their telemetry
 * while they shut down, and the relay records a request once llmtop has answered (committed) it.
 */
export async function settled(capture: Capture, quietMs = 400, maxMs = 15_000): Promise<void> {
  const until = Date.now() + maxMs;
  let seen = -1;
  let since = Date.now();
  while (Date.now() < until) {
    if (capture.requests.length !== seen) {
      seen = capture.requests.length;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A failed run's own words, for the assertion message. */
export function explain(run: Invocation): string {
  return `${run.argv.join(' ')} exited ${run.exitCode} after ${run.wallMs} ms\nstdout: ${run.stdout.slice(-1000)}\nstderr: ${run.stderr}`;
}
