import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A real terminal: tmux runs a command in a pane of a given size; the screen is read back as text. */
export class TmuxSession {
  readonly name: string;
  private readonly statusFile: string;

  /** `prefix` names the session (and its tmux server), so that parallel checkouts can tell theirs apart. */
  constructor(command: string, cols: number, rows: number, env: Record<string, string> = {}, prefix = 'llmtop-test') {
    this.name = `${prefix}-${crypto.randomBytes(4).toString('hex')}`;
    this.statusFile = path.join(os.tmpdir(), `${this.name}.status`);
    const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    // The shell around the command writes its exit status to a file: tmux started from a Node
    // process at times loses the pane's status. `trap :` keeps the shell alive through a Ctrl+C
    // while leaving the command's own SIGINT at its default.
    const wrapped = `trap : INT; ${command}; echo $? > ${this.statusFile}`;
    this.tmux('new-session', '-d', '-s', this.name, '-x', String(cols), '-y', String(rows), ...envArgs, wrapped);
    // Keep the pane after the program exits, so its last screen and exit status can be read.
    this.tmux('set-option', '-t', this.name, 'remain-on-exit', 'on');
  }

  /** Each session has a tmux server of its own (-L), so that nothing else using tmux disturbs it. */
  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.name, ...args], { encoding: 'utf8' });
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', this.name);
  }

  /** The screen with its colours, as SGR escape sequences. */
  screenWithColors(): string {
    return this.tmux('capture-pane', '-p', '-e', '-t', this.name);
  }

  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.name, ...keys);
  }

  /** Types text literally, as a paste would: escape sequences included. */
  type(text: string): void {
    this.tmux('send-keys', '-t', this.name, '-l', text);
  }

  /** Whether the program rang the terminal bell (tmux flags the window; the session is detached). */
  rang(): boolean {
    return this.tmux('display-message', '-p', '-t', this.name, '#{window_bell_flag}').trim() === '1';
  }

  /** Whether the program in the pane has exited. */
  dead(): boolean {
    return this.tmux('display-message', '-p', '-t', this.name, '#{pane_dead}').trim() === '1';
  }

  /** Waits for the program in the pane to exit and returns its status. */
  async exitStatus(timeoutMs = 10_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const text = fs.existsSync(this.statusFile) ? fs.readFileSync(this.statusFile, 'utf8') : '';
      if (/^\d+\n$/.test(text)) return Number(text.trim());
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for an exit status; the screen was:\n${this.screen()}`);
  }

  async waitFor(predicate: (screen: string) => boolean, what: string, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = this.screen();
      if (predicate(last)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}; the screen was:\n${last}`);
  }

  kill(): void {
    try {
      execFileSync('tmux', ['-L', this.name, 'kill-server'], { stdio: 'ignore' });
      fs.rmSync(this.statusFile, { force: true });
    } catch {
      // already gone
    }
  }
}
