import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { freePort } from './ports.js';
import { TmuxSession } from './tmux.js';

const BIN = path.resolve('bin/llmtop.js');

export interface LlmtopInTmux {
  s: TmuxSession;
  port: number;
  url: string;
  /** The test's folder: the db, and the cache dir (XDG_CACHE_HOME) under `cache/`. */
  dir: string;
  /** The empty state once it shows, or '' when not waited for. */
  screen: string;
}

export interface StartOptions {
  cols: number;
  rows: number;
  /** More of llmtop's arguments, after --port, --grpc-port 0 and --db; given the test's folder. */
  args?: string | ((dir: string) => string);
  /** Wait until the empty state shows the endpoint to point an SDK at (default true). */
  ready?: boolean;
  /** Options for Node itself, before the bin (V8 flags). */
  nodeArgs?: string;
}

/**
 * The built llmtop in a real terminal (tmux), one per test, TZ=UTC, in a folder of its own; the
 * session and the folder go after each test. Call at the top of a describe or file.
 */
export function llmtopInTmux(prefix?: string): (o: StartOptions) => Promise<LlmtopInTmux> {
  let session: TmuxSession | null = null;
  let dir = '';
  afterEach(() => {
    session?.kill();
    session = null;
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = '';
  });
  return async ({ cols, rows, args = '', ready = true, nodeArgs = '' }) => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-tmux-'));
    const port = await freePort();
    // The Node running the tests, not whichever `node` comes first on the PATH. Without CI in its
    // environment, as in a developer's terminal: chalk turns colours off under CI=true.
    const command = `env -u CI ${process.execPath} ${nodeArgs} ${BIN} --port ${port} --grpc-port 0 --db ${path.join(dir, 'llmtop.db')} ${typeof args === 'string' ? args : args(dir)}`.trim();
    const s = (session = new TmuxSession(command, cols, rows, { TZ: 'UTC', XDG_CACHE_HOME: path.join(dir, 'cache') }, prefix));
    const screen = ready ? await s.waitFor((x) => x.includes(`OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:${port}`), 'the empty state') : '';
    return { s, port, url: `http://127.0.0.1:${port}`, dir, screen };
  };
}
