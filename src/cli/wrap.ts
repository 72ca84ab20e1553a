import path from 'node:path';
import type { Config } from '../app/config.js';
import { startLlmtop, StartError, type Running } from '../app/llmtop.js';
import { childEnv } from './child-env.js';
import { sayOnStderr } from './say.js';
import { ChildStartError, describeExit, exitStatus, startChild, type Child, type ChildExit, type ChildOutput } from './child.js';
import { UsageError, defaultDbPath } from './flags.js';
import { originalEnv } from './original-env.js';
import { parseDuration } from '../stats/windows.js';
import type { CommandNotice } from '../views/panels/Header.js';
import { makeFolder } from '../files/make-folder.js';
import { announceOnStderr } from './announce.js';
import { crossingLine } from './budget.js';
import { loopLine } from './loops.js';

/** The command line split at the first `--`: llmtop's own arguments, and the command to run (null without `--`). */
export function splitCommand(argv: readonly string[]): { own: string[]; command: string[] | null } {
  const i = argv.indexOf('--');
  return i === -1 ? { own: [...argv], command: null } : { own: argv.slice(0, i), command: argv.slice(i + 1) };
}

/** Whether an option was typed (as `--port 1` or `--port=1`), rather than left at its default. */
export function given(argv: readonly string[], ...names: string[]): boolean {
  return argv.some((a) => names.includes(a) || names.some((n) => n.startsWith('--') && a.startsWith(`${n}=`)));
}

export interface WrapOptions {
  config: Config;
  command: readonly string[];
  /** --port was typed: a busy port is then an error rather than a reason to pick another. */
  portExplicit: boolean;
  graceMs: number;
  /** Starts the TUI (loaded lazily by the CLI); returns how to update the header's command notice. */
  startTui?: (running: Running, stop: () => void, command: CommandNotice) => Promise<(command: CommandNotice) => void>;
  log: (line: string) => void;
}

/**
 * Starts the receiver on the port asked for; when the port was only the default and is busy
 * (another llmtop, a Collector), on a free one: the child is told which.
 */
export async function startReceiver(config: Config, portExplicit: boolean, log: (line: string) => void): Promise<Running> {
  for (const p of config.proxy?.problems ?? []) log(`warning: ${p}`);
  try {
    return await startLlmtop(config, undefined, undefined, undefined, sayOnStderr());
  } catch (err) {
    if (portExplicit || !(err instanceof StartError) || config.port === 0) throw err;
    let running: Running;
    try {
      running = await startLlmtop({ ...config, port: 0 }, undefined, undefined, undefined, sayOnStderr());
    } catch {
      throw err;
    }
    log(`port ${config.port} is busy; listening on ${running.address} instead`);
    return running;
  }
}

/** Starts CMD pointed at the receiver; a command that cannot start is reported in one line and its status returned. */
export async function startWrapped(o: Pick<WrapOptions, 'config' | 'command' | 'log'>, running: Running, output: ChildOutput): Promise<Child | number> {
  const env = childEnv(originalEnv(), { host: o.config.host, port: running.port, token: o.config.token }, o.config.content, running.proxy);
  try {
    return await startChild(o.command, env, output);
  } catch (err) {
    if (!(err instanceof ChildStartError)) throw err;
    o.log(err.message);
    await running.close();
    return err.status;
  }
}

/** Headless, the child shares the terminal: signals sent to llmtop are passed on, and llmtop waits for it. */
export function forwardSignals(child: Child): void {
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, () => child.kill(s));
}

/**
 * Why llmtop stopped the command itself (--stop-on-loop, --stop-on-budget), and the status it then
 * exits with: its own, documented, as timeout(1) exits 124.
 */
export type StopReason = 'loop' | 'budget';
export const STOP_STATUS: Record<StopReason, number> = { loop: 120, budget: 121 };

/**
 * Arms --stop-on-loop and --stop-on-budget: the first loop flagged, or the budget reaching 100%,
 * stops the command (SIGINT, then SIGKILL after 5 s); `stopped` is told why, once.
 */
export function armStops(config: Config, running: Running, child: Child, stopped: (reason: StopReason, why: string) => void): void {
  let done = false;
  const stop = (reason: StopReason, why: string) => {
    if (done) return;
    done = true;
    stopped(reason, why);
    void stopChild(child, 'SIGINT');
  };
  if (config.stopOnLoop) running.loops.onLoop((a) => stop('loop', loopLine(a, config.loop).replace(/^llmtop: /, '').trim()));
  if (config.stopOnBudget) running.budget?.onCrossing((c) => c.level === 100 && stop('budget', crossingLine(c).replace(/^llmtop: /, '').trim()));
}

/** Waits for the child, sending it SIGKILL when a polite signal has not stopped it in time. */
async function stopChild(child: Child, signal: NodeJS.Signals): Promise<ChildExit> {
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  const exit = await child.exited;
  clearTimeout(timer);
  return exit;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `llmtop --headless -- CMD`: the child shares the terminal; signals sent to llmtop are passed
 * on; when it exits, a grace for its last exports, then llmtop exits with its status.
 */
export async function runHeadless(o: WrapOptions): Promise<number> {
  const running = await startReceiver(o.config, o.portExplicit, o.log);
  const child = await startWrapped(o, running, { inherit: true });
  if (typeof child === 'number') return child;
  const proxy = running.proxy ? `, provider proxy ${running.proxy.origin}` : '';
  o.log(`listening on http://${running.address}${proxy}, db ${o.config.db}; running ${o.command.join(' ')} (pid ${child.pid})`);
  forwardSignals(child);
  announceOnStderr(running, o.config, (t) => process.stderr.write(t));
  let stoppedFor: StopReason | null = null;
  armStops(o.config, running, child, (reason, why) => {
    stoppedFor = reason;
    o.log(`stopping ${o.command.join(' ')}: ${why}`);
  });
  const exit = await child.exited;
  // Its last exports, also when llmtop stopped it: what it sent until then is stored.
  await sleep(o.graceMs);
  await running.close();
  return stoppedFor === null ? exitStatus(exit) : STOP_STATUS[stoppedFor];
}

/**
 * `llmtop -- CMD` in a terminal: the TUI shows the calls while CMD runs, its output goes to a
 * log file, and the header says when it exited. Quitting (q, Ctrl+C) stops a command still
 * running first; llmtop then exits with the command's status.
 */
export async function runWithTui(o: WrapOptions & { startTui: NonNullable<WrapOptions['startTui']> }): Promise<void> {
  const running = await startReceiver(o.config, o.portExplicit, o.log);
  // Next to the default db, in the user's cache dir.
  const logFile = path.join(path.dirname(defaultDbPath()), 'command.log');
  makeFolder(path.dirname(logFile));
  const child = await startWrapped(o, running, { logFile });
  if (typeof child === 'number') process.exit(child);
  let exit: ChildExit | null = null;
  const status: CommandNotice = { text: o.command.join(' '), pid: child.pid, exit: null, failed: false };
  let stoppedFor: { reason: StopReason; why: string } | null = null;
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      exit ??= await stopChild(child, 'SIGINT');
      await running.close();
      // After the TUI's own exit handler has left the alternate screen.
      process.on('exit', () => o.log(`${status.text} ${stoppedFor ? `stopped: ${stoppedFor.why}` : describeExit(exit!)}; its output is in ${logFile}`));
      process.exit(stoppedFor ? STOP_STATUS[stoppedFor.reason] : exitStatus(exit));
    })();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
  const update = await o.startTui(running, stop, status);
  armStops(o.config, running, child, (reason, why) => {
    stoppedFor = { reason, why };
    update({ ...status, exit: `stopping (${reason}): ${why}`, failed: true });
  });
  void child.exited.then((e) => {
    exit = e;
    update({ ...status, exit: stoppedFor ? `stopped by llmtop (${stoppedFor.reason}): ${stoppedFor.why}` : describeExit(e), failed: stoppedFor !== null || exitStatus(e) !== 0 });
  });
}

/** --grace: a duration such as 2s, or 0 for none. */
export function parseGrace(text: string): number {
  if (/^0+(ms|s)?$/.test(text)) return 0;
  // ms() throws on an empty string rather than answering NaN.
  const v = text === '' ? null : parseDuration(text);
  if (v === null) throw new UsageError(`--grace "${text}" is not a duration such as 2s or 500ms`);
  return v;
}
