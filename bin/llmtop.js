#!/usr/bin/env node
// Before anything else loads: better-sqlite3 13 needs Node-API 10, which Node has from 22.14;
// on an older Node it crashes the process instead of failing to load.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 14)) {
  process.stderr.write(`llmtop needs Node.js ${major < 22 ? '22' : '22.14'} or later (this is ${process.version})\n`);
  process.exit(1);
}
// V8 lets ingest grow the young generation to 128 MiB, a third of llmtop's memory at a million
// calls, and sizes it only from a command-line flag: start again with one (same process, same
// pid and terminal), where Node can (22.15 and later, not Windows) and no flag says otherwise.
// 4 MiB semi-spaces (a young generation of 8 MiB): at a million calls, 14 MiB less than with 8,
// for no ingest speed measured.
// The same start gives glibc one malloc arena: it gave each of V8's and libuv's threads its own,
// and what those freed stayed there (13 MiB at a million calls, 0.6 of it in use). glibc reads
// MALLOC_ARENA_MAX once, as the process starts; below, it leaves the environment again.
const SEMI_SPACE = '--max-semi-space-size=4';
const ARENAS = 'MALLOC_ARENA_MAX';
if (process.platform !== 'win32' && typeof process.execve === 'function' && ![...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('--max-semi-space-size')))
  process.execve(process.execPath, [process.execPath, SEMI_SPACE, ...process.execArgv, ...process.argv.slice(1)], {
    ...process.env,
    ...(process.env[ARENAS] === undefined && { [ARENAS]: '1', LLMTOP_SET_ARENAS: '1' }),
  });
if (process.env.LLMTOP_SET_ARENAS) {
  delete process.env[ARENAS];
  delete process.env.LLMTOP_SET_ARENAS;
}
// A command run by `llmtop -- CMD` gets the environment as it was before the changes below.
const { rememberEnv } = await import('../dist/cli/original-env.js');
rememberEnv(process.env);
// React's production build renders about twice as fast; set before React is loaded.
process.env.NODE_ENV ??= 'production';
// Ink draws only a last frame when CI is set; in a real terminal the user wants the live view.
if (process.stdout.isTTY) for (const k of ['CI', 'CONTINUOUS_INTEGRATION']) if (k in process.env) process.env[k] = 'false';
// V8 grows the heap by up to 4x its live size between full collections; ingest makes much
// short-lived garbage, so llmtop's peak memory was twice what it holds. 40% growth: a million
// calls peak near 380 instead of 500 MiB, for about 5% of ingest speed (bench/README.md).
(await import('node:v8')).setFlagsFromString('--heap-growing-percent=40');
await import('../dist/cli.js');
