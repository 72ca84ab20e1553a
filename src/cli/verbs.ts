import { Prices } from '../pricing/index.js';
import { runCheck } from './check-run.js';
import { parseLimits } from './check.js';
import { runExport } from './export.js';
import { UsageError, defaultDbPath, proxyOffByDefault, toConfig } from './flags.js';
import { mcpVerb } from './mcp.js';
import type { Flags } from './options.js';
import { originalEnv } from './original-env.js';
import { runPrices } from './prices.js';
import { callVerb, callsVerb, errorsVerb, runVerb, runsVerb, sessionVerb, sessionsVerb, summaryVerb } from './read-verbs.js';
import { parseGrace } from './wrap.js';

/** What a verb is given: the words after it, the options, and where to write. */
export interface VerbInput {
  /** The words after the verb (`llmtop call ID`: [ID]). */
  args: string[];
  flags: Flags;
  /** Whether an option was typed, rather than left at its default. */
  given: (...names: string[]) => boolean;
  /** What follows `--`, or null. */
  command: string[] | null;
  /** llmtop's version, from package.json. */
  version: string;
  out: (text: string) => void;
  /** One line on stderr. */
  err: (line: string) => void;
}

export interface Verb {
  /** Returns the exit code; a UsageError is one line on stderr and exit 2. */
  run: (v: VerbInput) => Promise<number> | number;
  /** Exit as soon as it returns, rather than when the event loop drains (what it started may linger). */
  exitAtOnce?: boolean;
}

/**
 * Every verb of the command line, dispatched from src/cli.tsx; with none, llmtop runs the receiver
 * and the TUI (or `-- CMD`).
 */
export const VERBS: Record<string, Verb> = {
  summary: { run: summaryVerb('summary') },
  snapshot: { run: summaryVerb('snapshot') },
  calls: { run: callsVerb },
  call: { run: callVerb },
  runs: { run: runsVerb },
  run: { run: runVerb },
  sessions: { run: sessionsVerb },
  session: { run: sessionVerb },
  errors: { run: errorsVerb },
  mcp: { run: mcpVerb, exitAtOnce: true },
  prices: {
    run: (v) =>
      runPrices({
        models: v.args,
        json: v.flags.json,
        db: v.flags.db ?? defaultDbPath(),
        pricer: Prices.load(v.flags.pricing ?? null),
        now: Date.now(),
        out: v.out,
      }),
  },
  export: {
    run: (v) => {
      // `export --window 1h` reads as `--since 1h`: the window to export (the live --window has a default).
      const since = v.given('--window') ? v.flags.window : v.flags.since;
      return runExport({ db: v.flags.db ?? defaultDbPath(), since, format: v.flags.format, out: v.flags.out, now: Date.now() });
    },
  },
  check: {
    exitAtOnce: true,
    run: (v) => {
      if (v.command === null || v.command.length === 0 || v.args.length > 0)
        throw new UsageError('llmtop check needs a command after --, such as: llmtop check --max-cost 0.50 -- npm run eval');
      // Its own store, gone with it; gRPC only when asked for (the command is told OTLP/HTTP).
      const context = { command: v.command, env: originalEnv() };
      const config = toConfig({ ...v.flags, db: v.flags.db ?? ':memory:', headless: true, grpcPort: v.given('--grpc-port') ? v.flags.grpcPort : '0' }, context);
      const log = (line: string) => v.err(`llmtop check: ${line}`);
      const off = proxyOffByDefault(v.flags, context);
      if (off) log(off);
      return runCheck({
        config,
        command: v.command,
        portExplicit: v.given('-p', '--port'),
        graceMs: parseGrace(v.flags.grace),
        limits: parseLimits(v.flags),
        report: v.flags.report ?? null,
        out: v.out,
        log,
      });
    },
  },
};
