import type { LoopAlert, LoopRule } from '../domain/loop.js';
import { formatWindow } from '../stats/windows.js';
import { formatSumCost } from '../views/format.js';
import { clipLine, sanitizeLine } from '../views/sanitize.js';

/** The --headless announcement of a loop flagged, for stderr: one line, wire text made safe. */
export function loopLine(a: LoopAlert, rule: LoopRule): string {
  const where = `${sanitizeLine(a.service)} ${sanitizeLine(a.model)}`;
  const cost = `${formatSumCost({ costUsd: a.costUsd, unpricedCalls: a.unpricedCalls })} so far`;
  return a.kind === 'loop'
    ? `llmtop: loop: ${where}, ${a.count} near-identical calls within ${formatWindow(rule.windowMs)} (${cost}): "${clipLine(a.what, 80)}"\n`
    : `llmtop: retry storm: ${where}, ${a.count} failed calls (${sanitizeLine(a.what)}) within ${formatWindow(rule.windowMs)} (${cost})\n`;
}
