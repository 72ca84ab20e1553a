import path from 'node:path';
import { BELL, bellOnCrossing } from '../app/budget.js';
import type { Config } from '../app/config.js';
import type { Running } from '../app/llmtop.js';
import type { CommandNotice } from '../views/panels/Header.js';
import { defaultDbPath } from './flags.js';

/** The views are loaded only for the terminal: --headless never pays for React and Ink. */
export async function startTui(running: Running, config: Config, stop: () => void, command?: CommandNotice): Promise<(command: CommandNotice) => void> {
  const [{ render }, { App }, { keyboardInput }, { StoreTrends }, { LiveDashboard }, { copyCall }] = await Promise.all([
    import('ink'),
    import('../views/App.js'),
    import('../views/keyboard-input.js'),
    import('../app/trends.js'),
    import('../app/dashboard-source.js'),
    import('../share/copy.js'),
  ]);
  // The bell goes to the terminal from here, never from the view; the header shows the notice.
  if (running.budget) bellOnCrossing(running.budget, (text) => process.stdout.write(text));
  // One bell for each new loop; the header and the errors view say which.
  running.loops.onLoop(() => process.stdout.write(BELL));
  const copyTarget = { write: (bytes: string) => process.stdout.write(bytes), inTmux: Boolean(process.env.TMUX), dir: path.dirname(defaultDbPath()) };
  const trends = new StoreTrends({ query: (spec) => running.store.query(spec) });
  // The alternate screen, as top uses: the shell's scrollback is left as it was on quit.
  process.stdout.write('\u001b[?1049h');
  process.on('exit', () => process.stdout.write('\u001b[?1049l'));
  const source = new LiveDashboard(running.stats, {
    relay: running.relay,
    money: running.money,
    runs: { index: running.runs, call: (id) => running.store.call(id, running.runs.callTime(id)) },
    sources: running.sources,
    search: running.search,
    sessions: { list: running.sessions, get: running.session },
    loops: running.loops,
    cache: running.cache,
    capture: running.capture,
  });
  const app = (command?: CommandNotice) => (
    <App
      source={source}
      info={{ address: running.address, noContent: !config.content, command, proxy: running.proxy }}
      initialWindowMs={config.windowMs}
      thresholds={{ durationMs: config.slowMs, tokens: config.maxTokensPerCall }}
      trends={trends}
      copy={(call, format) => copyCall(call, format, copyTarget)}
      onQuit={stop}
    />
  );
  const ink = render(
    app(command),
    {
      exitOnCtrlC: false,
      stdin: keyboardInput(process.stdin),
      // Not incrementalRendering: in Ink 6.8 it leaves stale lines when the layout changes
      // (seen under tmux going from the empty state to the dashboard).
      maxFps: 8,
    },
  );
  void ink.waitUntilExit().then(stop);
  // The header follows the wrapped command: running, then how it exited.
  return (c) => ink.rerender(app(c));
}
