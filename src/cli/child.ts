import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

/** How a wrapped command ended. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The command could not be started at all; `status` is the shell's convention (127, 126). */
export class ChildStartError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface Child {
  pid: number;
  exited: Promise<ChildExit>;
  /** Sends a signal; nothing when the child has already exited. */
  kill(signal: NodeJS.Signals): void;
}

/**
 * Where the child's output goes: the terminal it shares with llmtop (--headless, check), or a
 * file, so that it does not scribble over the TUI's frame (stdin stays with the TUI's keys).
 */
export type ChildOutput = { inherit: true } | { logFile: string };

/** Runs CMD without a shell: the arguments reach it exactly as typed after `--`. */
export async function startChild(command: readonly string[], env: Record<string, string>, output: ChildOutput): Promise<Child> {
  const [file, ...args] = command;
  if (file === undefined) throw new ChildStartError('no command given after --', 2);
  const fd = 'logFile' in output ? fs.openSync(output.logFile, 'w') : null;
  const child = spawn(file, args, { env, stdio: fd === null ? 'inherit' : ['ignore', fd, fd] });
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new ChildStartError(`cannot run ${file}: command not found`, 127);
    if (e.code === 'EACCES') throw new ChildStartError(`cannot run ${file}: permission denied`, 126);
    throw new ChildStartError(`cannot run ${file}: ${e.message}`, 126);
  } finally {
    // The child holds its own copy of the descriptor.
    if (fd !== null) fs.closeSync(fd);
  }
  const exited = new Promise<ChildExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    pid: child.pid!,
    exited,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** The status llmtop exits with: the child's code, or 128+n for a child killed by signal n, as a shell does. */
export function exitStatus(e: ChildExit): number {
  if (e.code !== null) return e.code;
  const n = e.signal === null ? undefined : os.constants.signals[e.signal];
  return n === undefined ? 1 : 128 + n;
}

/** `exited 0`, `exited 3`, `killed by SIGTERM`. */
export function describeExit(e: ChildExit): string {
  return e.code !== null ? `exited ${e.code}` : `killed by ${e.signal ?? 'a signal'}`;
}
