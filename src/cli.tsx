import meow from 'meow';
import { startLlmtop, StartError } from './app/llmtop.js';
import { announceOnStderr } from './cli/announce.js';
import { setupText } from './app/setup-lines.js';
import { startDemo } from './demo/traffic.js';
import { startTui } from './cli/tui.js';
import { sayOnStderr } from './cli/say.js';
import { given, parseGrace, runHeadless, runWithTui, splitCommand } from './cli/wrap.js';
import { UsageError, isLoopback, missingValue, proxyOffByDefault, toConfig } from './cli/flags.js';
import { HELP } from './cli/help.js';
import { FLAGS, OWNED_OPTIONS, VALUE_OPTIONS } from './cli/options.js';
import { VERBS } from './cli/verbs.js';
import { originalEnv } from './cli/original-env.js';
import { PricingFileError } from './pricing/index.js';
import { StoreOpenError } from './store/call-store.js';

function fail(message: string): never {
  process.stderr.write(`llmtop: ${message}\n`);
  process.exit(2);
}

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
  const misplaced = Object.entries(OWNED_OPTIONS).find(([flag, verbs]) => given(OWN_ARGS, flag) && !verbs.includes(command ?? ''));
  if (misplaced) fail(`${misplaced[0]} is an option of ${owners(misplaced[1])}; see llmtop --help`);
  const wrapOnly = ['--stop-on-loop', '--stop-on-budget'].find((f) => given(OWN_ARGS, f));
  if (wrapOnly && COMMAND === null) fail(`${wrapOnly} stops a command llmtop runs: llmtop ${wrapOnly} -- CMD`);
  if (given(OWN_ARGS, '--stop-on-budget') && !given(OWN_ARGS, '--budget')) fail('--stop-on-budget needs a --budget, such as --budget 0.50/session');
  const verb = command !== undefined && Object.hasOwn(VERBS, command) ? VERBS[command] : undefined;
  if (verb) {
    const status = await verb.run({
      args: rest,
      flags: flags(),
      given: (...names) => given(OWN_ARGS, ...names),
      command: COMMAND,
      version: cli.pkg.version ?? '0.0.0',
      out: (text) => process.stdout.write(text),
      err: (line) => process.stderr.write(`${line}\n`),
    });
    if (verb.exitAtOnce) process.exit(status);
    process.exitCode = status;
    return;
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

/** `llmtop check`, `llmtop calls, runs and errors`. */
function owners(verbs: readonly string[]): string {
  const names = verbs.filter((v) => v !== 'snapshot');
  return `llmtop ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`}`;
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
