import type { Config } from '../app/config.js';
import type { Running } from '../app/llmtop.js';
import { crossingLine } from './budget.js';
import { loopLine } from './loops.js';

/** Without a TUI: each budget crossing and each loop flagged is one line on stderr. */
export function announceOnStderr(running: Running, config: Config, write: (text: string) => void = (t) => process.stderr.write(t)): void {
  running.budget?.onCrossing((c) => write(crossingLine(c)));
  running.loops.onLoop((a) => write(loopLine(a, config.loop)));
}
