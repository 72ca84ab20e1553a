import fs from 'node:fs';
import type { Config } from '../app/config.js';
import { exitStatus } from './child.js';
import { evaluate, notes, summarize, type Limits } from './check.js';
import { renderReport, renderTable, reportFormat } from './check-report.js';
import { UsageError } from './flags.js';
import { forwardSignals, startReceiver, startWrapped } from './wrap.js';

export interface CheckOptions {
  config: Config;
  command: readonly string[];
  portExplicit: boolean;
  graceMs: number;
  limits: Limits;
  report: string | null;
  out: (text: string) => void;
  /** One line on stderr, prefixed `llmtop check: `. */
  log: (line: string) => void;
}

/**
 * `llmtop check -- CMD`: runs CMD headless against a receiver of its own, then prints the
 * tables, writes the report and returns the exit status: the command's own failure first, then
 * 1 for a broken limit, else 0.
 */
export async function runCheck(o: CheckOptions): Promise<number> {
  const format = o.report === null ? null : reportFormat(o.report);
  if (o.report !== null && format === null) throw new UsageError(`--report "${o.report}" must end in .md or .json`);
  const running = await startReceiver(o.config, o.portExplicit, o.log);
  const child = await startWrapped(o, running, { inherit: true });
  if (typeof child === 'number') return child;
  forwardSignals(child);
  const exit = await child.exited;
  // Exports still in flight, or from processes the command left behind.
  await new Promise((r) => setTimeout(r, o.graceMs));
  const calls = [...running.store.export(0)];
  const loops = running.loops.alerts();
  await running.close();

  const summary = summarize(calls);
  const breaches = evaluate(summary.totals, o.limits, loops);
  const result = { command: o.command, exit, limits: o.limits, breaches, notes: notes(summary, o.limits), summary };
  o.out(renderTable(result));
  if (o.report !== null && format !== null) {
    try {
      fs.writeFileSync(o.report, renderReport(result, format));
    } catch (err) {
      o.log(`cannot write --report ${o.report}: ${(err as Error).message}`);
      return exitStatus(exit) || 1;
    }
  }
  if (calls.length === 0) {
    const viaProxy = o.config.proxy ? ', or does it call OpenAI, Anthropic or Gemini through an SDK that reads its base URL from the environment (OPENAI_BASE_URL, ...)' : '';
    o.log(`no LLM calls arrived; is ${o.command[0]} instrumented with OpenTelemetry, and does it read OTEL_EXPORTER_OTLP_ENDPOINT${viaProxy}?`);
  }
  for (const b of breaches) o.log(b.message);
  for (const n of result.notes) o.log(n);
  return exitStatus(exit) || (breaches.length > 0 ? 1 : 0);
}
