import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';

/** A real terminal: tmux runs a command in a pane of a given size; the screen is read back as text. */
export class TmuxSession {
  readonly name: string;

  /** `prefix` names the session, so parallel suites can tell their sessions apart. */
  constructor(command: string, cols: number, rows: number, env: Record<string, string> = {}, prefix = 'llmtop-test') {
    this.name = `${prefix}-${crypto.randomBytes(4).toString('hex')}`;
    const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    this.tmux('new-session', '-d', '-s', this.name, '-x', String(cols), '-y', String(rows), ...envArgs, command);
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

  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.name, ...keys);
  }

  /** Types text literally, as a paste would: escape sequences included. */
  type(text: string): void {
    this.tmux('send-keys', '-t', this.name, '-l', text);
  }

  /** Whether the program in the pane has exited. */
  dead(): boolean {
    return this.tmux('display-message', '-p', '-t', this.name, '#{pane_dead}').trim() === '1';
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
    } catch {
      // already gone
    }
  }
}
