import meow from 'meow';
import type { Config } from './app/config.js';
import { startLlmtop, StartError, type Running } from './app/llmtop.js';
import { setupText } from './app/setup-lines.js';
import { runSnapshot } from './cli/snapshot.js';
import { startDemo } from './demo/traffic.js';
import { runExport } from './cli/export.js';
import { UsageError, defaultDbPath, isLoopback, missingValue, toConfig } from './cli/flags.js';
import { PricingFileError } from './pricing/index.js';
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
  json: { type: 'boolean', default: false },
  url: { type: 'string', default: 'http://127.0.0.1:4318' },
  since: { type: 'string', default: '1h' },
  format: { type: 'string', default: 'jsonl' },
  out: { type: 'string' },
  help: { type: 'boolean', shortFlag: 'h' },
  version: { type: 'boolean', shortFlag: 'v' },
} as const;

const VALUE_OPTIONS = ['-p', '--port', '--host', '--db', '--max-calls', '--retention', '--window', '--pricing', '--url', '--since', '--format', '--out', '--forward', '--slow', '--max-tokens-per-call', '--token', '--cors', '--grpc-port'];

function fail(message: string): never {
  process.stderr.write(`llmtop: ${message}\n`);
  process.exit(2);
}

const HELP = `
  Usage
    $ llmtop [options]                      receiver + live view (in a terminal)
    $ llmtop snapshot [--json] [--url URL]  print a running llmtop's summary once
    $ llmtop export [--since 1h] [--format jsonl|csv] [--out FILE] [--db PATH]
                                            write stored calls, for a spreadsheet or a bug report

  Options
    -p, --port <n>        OTLP/HTTP port                      default 4318
        --host <addr>     address to listen on                default 127.0.0.1
        --db <path>       SQLite file, or :memory:            default <user cache dir>/llmtop/llmtop.db
        --max-calls <n>   ring buffer capacity, in calls      default 100000
        --retention <d>   drop calls older than this          default 7d
        --window <d>      live window (1m 5m 15m 1h 24h)      default 5m
        --pricing <file>  JSON prices that extend or override the built-in table
        --no-content      store no prompt or response text
        --headless        no TUI: receiver, store and API only
        --grpc-port <n>   OTLP/gRPC port, 0 for none           default 4317
        --demo            feed synthetic traffic, to try llmtop without an app
        --forward <url>   relay every accepted OTLP request to this OTLP/HTTP endpoint
        --slow <d>        calls slower than this are shown in red   default 10s
        --max-tokens-per-call <n>  calls with more tokens are red    default 1000
        --token <t>       require Authorization: Bearer <t> on OTLP and API routes (or LLMTOP_TOKEN)
        --cors <origins>  allow these browser origins (comma-separated, or *)   default: CORS off
    -h, --help  -v, --version

  Point an OpenTelemetry SDK at it:
    OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318
`;

function parseArgs() {
  const missing = missingValue(process.argv.slice(2), VALUE_OPTIONS);
  if (missing) fail(`${missing} needs a value; see llmtop --help`);
  let cli;
  try {
    // Unknown flags are reported here, in one line, rather than by meow.
    cli = meow(HELP, { importMeta: import.meta, allowUnknownFlags: true, flags: FLAGS });
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
  if (command === 'export') {
    process.exitCode = runExport({ db: cli.flags.db ?? defaultDbPath(), since: cli.flags.since, format: cli.flags.format, out: cli.flags.out, now: Date.now() });
    return;
  }
  if (command !== undefined || rest.length > 0) fail(`unknown command "${command}"; see llmtop --help`);

  const config = toConfig(cli.flags);
  const running = await startLlmtop(config);
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
    const grpc = running.grpcPort === null ? '' : `, OTLP/gRPC on port ${running.grpcPort}`;
    process.stdout.write(`llmtop listening on http://${running.address} (OTLP/HTTP and API)${grpc}, db ${config.db}\n`);
    process.stdout.write(`${setupText(`http://${running.address}`).join('\n')}\n`);
    return;
  }
  await startTui(running, config, stop);
}

/** The views are loaded only for the terminal: --headless never pays for React and Ink. */
async function startTui(running: Running, config: Config, stop: () => void): Promise<void> {
  const [{ render }, { App }, { keyboardInput }, { StoreTrends }, { LiveDashboard }] = await Promise.all([
    import('ink'),
    import('./views/App.js'),
    import('./views/keyboard-input.js'),
    import('./app/trends.js'),
    import('./app/dashboard-source.js'),
  ]);
  const trends = new StoreTrends({ query: (spec) => running.store.query(spec) });
  // The alternate screen, as top uses: the shell's scrollback is left as it was on quit.
  process.stdout.write('\u001b[?1049h');
  process.on('exit', () => process.stdout.write('\u001b[?1049l'));
  const app = render(
    <App
      source={new LiveDashboard(running.stats, running.relay, running.sources)}
      info={{ address: running.address, noContent: !config.content }}
      initialWindowMs={config.windowMs}
      thresholds={{ durationMs: config.slowMs, tokens: config.maxTokensPerCall }}
      trends={trends}
      onQuit={stop}
    />,
    {
      exitOnCtrlC: false,
      stdin: keyboardInput(process.stdin),
      // Not incrementalRendering: in Ink 6.8 it leaves stale lines when the layout changes
      // (seen under tmux going from the empty state to the dashboard).
      maxFps: 8,
    },
  );
  void app.waitUntilExit().then(stop);
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
