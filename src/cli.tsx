import meow from 'meow';
import { startLlmtop, StartError } from './app/llmtop.js';
import { announceOnStderr } from './cli/announce.js';
import { setupText } from './app/setup-lines.js';
import { runSnapshot } from './cli/snapshot.js';
import { startDemo } from './demo/traffic.js';
import { runExport } from './cli/export.js';
import { runCheck } from './cli/check-run.js';
import { parseLimits } from './cli/check.js';
import { startTui } from './cli/tui.js';
import { sayOnStderr } from './cli/say.js';
import { given, parseGrace, runHeadless, runWithTui, splitCommand } from './cli/wrap.js';
import { UsageError, defaultDbPath, isLoopback, missingValue, proxyOffByDefault, toConfig } from './cli/flags.js';
import { Prices, PricingFileError } from './pricing/index.js';
import { runPrices } from './cli/prices.js';
import { originalEnv } from './cli/original-env.js';
import { StoreOpenError } from './store/call-store.js';

const FLAGS = {
  port: { type: 'string', shortFlag: 'p', default: '4318' },
  host: { type: 'string', default: '127.0.0.1' },
  db: { type: 'string' },
  maxCalls: { type: 'string', default: '100000' },
  retention: { type: 'string', default: '7d' },
  window: { type: 'string', default: '5m' },
  pricing: { type: 'string' },
  content: { type: 'boolean', default: true },
  headless: { type: 'boolean', default: false },
  demo: { type: 'boolean', default: false },
  forward: { type: 'string' },
  slow: { type: 'string', default: '10s' },
  maxTokensPerCall: { type: 'string', default: '1000' },
  token: { type: 'string' },
  cors: { type: 'string' },
  grpcPort: { type: 'string', default: '4317' },
  budget: { type: 'string' },
  loop: { type: 'string' },
  stopOnLoop: { type: 'boolean', default: false },
  stopOnBudget: { type: 'boolean', default: false },
  maxLoops: { type: 'string' },
  proxy: { type: 'boolean' },
  proxyPort: { type: 'string' },
  json: { type: 'boolean', default: false },
  url: { type: 'string', default: 'http://127.0.0.1:4318' },
  since: { type: 'string', default: '1h' },
  format: { type: 'string', default: 'jsonl' },
  out: { type: 'string' },
  maxCost: { type: 'string' },
  maxP95: { type: 'string' },
  maxTtftP95: { type: 'string' },
  maxErrorRate: { type: 'string' },
  maxTokens: { type: 'string' },
  minCalls: { type: 'string' },
  report: { type: 'string' },
  grace: { type: 'string', default: '2s' },
  help: { type: 'boolean', shortFlag: 'h' },
  version: { type: 'boolean', shortFlag: 'v' },
} as const;

const VALUE_OPTIONS = ['-p', '--port', '--host', '--db', '--max-calls', '--retention', '--window', '--pricing', '--url', '--since', '--format', '--out', '--forward', '--slow', '--max-tokens-per-call', '--token', '--cors', '--grpc-port', '--max-cost', '--max-p95', '--max-ttft-p95', '--max-error-rate', '--max-tokens', '--min-calls', '--report', '--grace', '--budget', '--loop', '--max-loops', '--proxy-port'];

function fail(message: string): never {
  process.stderr.write(`llmtop: ${message}\n`);
  process.exit(2);
}

const HELP = `
  Usage
    $ llmtop [options]                      receiver + live view (in a terminal)
    $ llmtop snapshot [--json] [--url URL]  print a running llmtop's summary once
    $ llmtop export [--since 1h] [--format jsonl|csv|otlp] [--out FILE] [--db PATH]
                                            write stored calls, for a spreadsheet or a bug report;
                                            otlp: OTLP/JSON that any OTLP tool, or llmtop, loads again
    $ llmtop [options] -- CMD ARGS...       run CMD pointed at llmtop and watch it; exit with its
                                            status (its output goes to a log file, or stays on
                                            the terminal with --headless)
    $ llmtop check [limits] -- CMD ARGS...  for CI: run CMD headless, print cost, P95 and TTFT by
                                            model and run, exit 1 when a limit is broken
        --max-cost <usd>  --max-p95 <d>  --max-ttft-p95 <d>  --max-error-rate <pct>
        --max-tokens <n>  --min-calls <n>  --max-loops <n>  --report <file.md|.json>  --grace <d>  default 2s
    $ llmtop prices [MODEL...] [--json]     the price each model is billed at (per 1M tokens, tiers,
                                            context window) and its source; no MODEL: the models
                                            in the db, unpriced first. MODEL: gpt-4o or openai/gpt-4o

  Options
    -p, --port <n>        OTLP/HTTP port                      default 4318
        --host <addr>     address to listen on                default 127.0.0.1
        --db <path>       SQLite file, or :memory:            default <user cache dir>/llmtop/llmtop.db
        --max-calls <n>   ring buffer capacity, in calls      default 100000
        --retention <d>   drop calls older than this          default 7d
        --window <d>      live window (1m 5m 15m 1h 24h)      default 5m
        --pricing <file>  prices of your own, before the bundled ones: {"models": {"<model>" or
                          "<provider>/<model>": {"input", "output", "cacheRead", "cacheWrite" (USD
                          per 1M tokens), "contextWindow"}}}
        --no-content      store no prompt or response text
        --headless        no TUI: receiver, store and API only
        --grpc-port <n>   OTLP/gRPC port, 0 for none           default 4317
        --demo            feed synthetic traffic, to try llmtop without an app
        --forward <url>   relay every accepted OTLP request to this OTLP/HTTP endpoint
        --slow <d>        calls slower than this are shown in red   default 10s
        --max-tokens-per-call <n>  calls with more tokens are red    default 1000
        --token <t>       require Authorization: Bearer <t> on OTLP and API routes (or LLMTOP_TOKEN)
        --cors <origins>  allow these browser origins (comma-separated, or *)   default: CORS off
        --budget <usd>    spending limit: 5 (per day), 2/h, 5/d or 20/session; a gauge, a bell at 80% and 100%
        --loop <n/d>      flag n near-identical calls (same service, model, prompt) within d, and
                          bursts of n failures of one kind                   default 5/2m
        --stop-on-loop    with -- CMD: stop CMD when a loop is flagged; llmtop exits 120
        --stop-on-budget  with -- CMD: stop CMD when the budget is spent; llmtop exits 121
        --proxy           run the provider proxy (on by default with -- CMD): OpenAI, Anthropic and
                          Gemini calls made through it are recorded with no instrumentation
        --no-proxy        with -- CMD: leave the SDKs' base URLs alone, record OTLP only
        --proxy-port <n>  the proxy's loopback port (implies --proxy)   default: a free port
    -h, --help  -v, --version

  Point an OpenTelemetry SDK at it:
    OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318
  Or, with --proxy, an SDK's base URL (what llmtop -- CMD sets for the command):
    OPENAI_BASE_URL=http://127.0.0.1:<proxy port>/openai   (ANTHROPIC_BASE_URL .../anthropic,
    GOOGLE_GEMINI_BASE_URL .../gemini); a base URL already set is where the proxy relays to
`;

// Everything after the first `--` is the command to run, never llmtop's own options.
const { own: OWN_ARGS, command: COMMAND } = splitCommand(process.argv.slice(2));

function parseArgs() {
  const missing = missingValue(OWN_ARGS, VALUE_OPTIONS);
  if (missing) fail(`${missing} needs a value; see llmtop --help`);
  let cli;
  try {
    // Unknown flags are reported here, in one line, rather than by meow.
    cli = meow(HELP, { importMeta: import.meta, argv: OWN_ARGS, allowUnknownFlags: true, flags: FLAGS });
  } catch (err) {
    fail(`${(err as Error).message.split('\n')[0]}; see llmtop --help`);
  }
  const known = new Set<string>([...Object.keys(FLAGS), ...Object.values(FLAGS).flatMap((f) => ('shortFlag' in f ? [f.shortFlag] : []))]);
  const camel = (k: string) => k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  const unknown = Object.keys(cli.unnormalizedFlags).find((k) => !known.has(camel(k)));
  if (unknown) fail(`unknown option ${unknown.length === 1 ? '-' : '--'}${unknown}; see llmtop --help`);
  return cli;
}

const cli = parseArgs();

async function main(): Promise<void> {
  // meow answers --help and --version by itself only when they stand alone.
  if (cli.flags.help) cli.showHelp(0);
  if (cli.flags.version) cli.showVersion();
  const [command, ...rest] = cli.input;
  if (command === 'snapshot') {
    process.exitCode = await runSnapshot({ url: cli.flags.url, json: cli.flags.json, token: cli.flags.token ?? process.env.LLMTOP_TOKEN });
    return;
  }
  if (command === 'prices') {
    process.exitCode = runPrices({
      models: rest,
      json: cli.flags.json,
      db: cli.flags.db ?? defaultDbPath(),
      pricer: Prices.load(cli.flags.pricing ?? null),
      now: Date.now(),
      out: (text) => process.stdout.write(text),
    });
    return;
  }
  if (command === 'export') {
    // `export --window 1h` reads as `--since 1h`: the window to export (the live --window has a default).
    const windowGiven = process.argv.some((a) => a === '--window' || a.startsWith('--window='));
    const since = windowGiven ? cli.flags.window : cli.flags.since;
    process.exitCode = runExport({ db: cli.flags.db ?? defaultDbPath(), since, format: cli.flags.format, out: cli.flags.out, now: Date.now() });
    return;
  }
  const checkOnly = ['--max-cost', '--max-p95', '--max-ttft-p95', '--max-error-rate', '--max-tokens', '--min-calls', '--max-loops', '--report'].find((f) => given(OWN_ARGS, f));
  const wrapOnly = ['--stop-on-loop', '--stop-on-budget'].find((f) => given(OWN_ARGS, f));
  if (wrapOnly && COMMAND === null) fail(`${wrapOnly} stops a command llmtop runs: llmtop ${wrapOnly} -- CMD`);
  if (given(OWN_ARGS, '--stop-on-budget') && !given(OWN_ARGS, '--budget')) fail('--stop-on-budget needs a --budget, such as --budget 0.50/session');
  if (checkOnly && command !== 'check') fail(`${checkOnly} is an option of llmtop check; see llmtop --help`);
  if (command === 'check') {
    if (COMMAND === null || COMMAND.length === 0 || rest.length > 0) fail('llmtop check needs a command after --, such as: llmtop check --max-cost 0.50 -- npm run eval');
    // Its own store, gone with it; gRPC only when asked for (the command is told OTLP/HTTP).
    const config = toConfig(
      { ...flags(), db: cli.flags.db ?? ':memory:', headless: true, grpcPort: given(OWN_ARGS, '--grpc-port') ? cli.flags.grpcPort : '0' },
      { command: COMMAND, env: originalEnv() },
    );
    const log = (line: string) => process.stderr.write(`llmtop check: ${line}\n`);
    const off = proxyOffByDefault(flags(), { command: COMMAND, env: originalEnv() });
    if (off) log(off);
    const status = await runCheck({
      config,
      command: COMMAND,
      portExplicit: given(OWN_ARGS, '-p', '--port'),
      graceMs: parseGrace(cli.flags.grace),
      limits: parseLimits(cli.flags),
      report: cli.flags.report ?? null,
      out: (text) => process.stdout.write(text),
      log,
    });
    process.exit(status);
  }
  if (command !== undefined || rest.length > 0) fail(`unknown command "${command}"; see llmtop --help`);
  if (COMMAND !== null) return wrap(COMMAND);

  const config = toConfig(flags(), { command: null, env: originalEnv() });
  for (const p of config.proxy?.problems ?? []) process.stderr.write(`llmtop: warning: ${p}\n`);
  const running = await startLlmtop(config, undefined, undefined, undefined, sayOnStderr());
  if (config.demo) startDemo(`http://${running.address}`);
  if (!isLoopback(config.host))
    process.stderr.write(`llmtop: warning: listening on ${config.host}, beyond this machine: anyone who reaches the port can read your prompts\n`);
  const stop = once(async () => {
    await running.close();
    process.exit(0);
  });
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  if (config.headless || !process.stdout.isTTY) {
    announceOnStderr(running, config);
    const grpc = running.grpcPort === null ? '' : `, OTLP/gRPC on port ${running.grpcPort}`;
    const proxy = running.proxy ? `, provider proxy on ${running.proxy.origin}` : '';
    process.stdout.write(`llmtop listening on http://${running.address} (OTLP/HTTP and API)${grpc}${proxy}, db ${config.db}\n`);
    process.stdout.write(`${setupText(`http://${running.address}`, running.proxy).join('\n')}\n`);
    return;
  }
  await startTui(running, config, stop);
}

/** `llmtop [options] -- CMD`: CMD runs pointed at the receiver, under the TUI or headless. */
async function wrap(command: string[]): Promise<void> {
  if (command.length === 0) fail('no command after --; such as: llmtop -- node app.js');
  const config = toConfig({ ...flags(), grpcPort: given(OWN_ARGS, '--grpc-port') ? cli.flags.grpcPort : '0' }, { command, env: originalEnv() });
  const off = proxyOffByDefault(flags(), { command, env: originalEnv() });
  if (off) process.stderr.write(`llmtop: ${off}\n`);
  const options = {
    config,
    command,
    portExplicit: given(OWN_ARGS, '-p', '--port'),
    graceMs: parseGrace(cli.flags.grace),
    log: (line: string) => process.stderr.write(`llmtop: ${line}\n`),
  };
  if (config.headless || !process.stdout.isTTY) process.exit(await runHeadless(options));
  await runWithTui({ ...options, startTui: (running, stop, status) => startTui(running, config, stop, status) });
}

/** The flags, with --proxy undefined unless --proxy or --no-proxy was typed (its default depends on the command). */
function flags() {
  return { ...cli.flags, proxy: given(OWN_ARGS, '--proxy', '--no-proxy') ? cli.flags.proxy : undefined };
}

function once(fn: () => Promise<void>): () => void {
  let called = false;
  return () => {
    if (called) return;
    called = true;
    void fn();
  };
}

main().catch((err: unknown) => {
  if (err instanceof UsageError || err instanceof StartError || err instanceof StoreOpenError || err instanceof PricingFileError)
    fail(err.message);
  fail(`unexpected error: ${(err as Error).stack ?? String(err)}`);
});
