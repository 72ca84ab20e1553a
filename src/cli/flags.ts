import path from 'node:path';
import envPaths from 'env-paths';
import type { Config, ProxyConfig } from '../app/config.js';
import { httpProxyVar, upstreamsFrom } from '../proxy/routes.js';
import type { Budget } from '../domain/money.js';
import { parseBudget } from './budget.js';
import { DEFAULT_LOOP_RULE, type LoopRule } from '../domain/loop.js';
import { WINDOWS, parseDuration } from '../stats/windows.js';

/** A flag with a value that cannot be used: one line on stderr, exit 2. */
export class UsageError extends Error {}

export interface RawFlags {
  port: string;
  host: string;
  db?: string;
  maxCalls: string;
  retention: string;
  window: string;
  pricing?: string;
  content: boolean;
  headless: boolean;
  demo: boolean;
  forward?: string;
  slow: string;
  maxTokensPerCall: string;
  token?: string;
  cors?: string;
  grpcPort: string;
  budget?: string;
  loop?: string;
  stopOnLoop?: boolean;
  stopOnBudget?: boolean;
  /** --proxy / --no-proxy; undefined when neither was typed. */
  proxy?: boolean;
  proxyPort?: string;
}

/** What the configuration depends on beside the flags: the command to wrap, and the user's environment. */
export interface ConfigContext {
  /** The command after `--` (`llmtop -- CMD`, `llmtop check -- CMD`), or null. */
  command: readonly string[] | null;
  env: Readonly<Record<string, string | undefined>>;
}

export function defaultDbPath(): string {
  return path.join(envPaths('llmtop', { suffix: '' }).cache, 'llmtop.db');
}

/** Checks the flags meow parsed and turns them into the running configuration. */
export function toConfig(f: RawFlags, ctx: ConfigContext = { command: null, env: process.env }): Config {
  const port = wholeNumber(f.port, '--port');
  if (port > 65535) throw new UsageError(`--port ${f.port} is not a port number from 0 to 65535`);
  const maxCalls = wholeNumber(f.maxCalls, '--max-calls');
  const grpcPort = wholeNumber(f.grpcPort, '--grpc-port');
  if (grpcPort > 65535) throw new UsageError(`--grpc-port ${f.grpcPort} is not a port number from 0 to 65535`);
  if (maxCalls < 1) throw new UsageError(`--max-calls ${f.maxCalls} must be at least 1`);
  const retentionMs = parseDuration(f.retention);
  const duration = (text: string, flag: string) => {
    const v = parseDuration(text);
    if (v === null) throw new UsageError(`${flag} "${text}" is not a duration such as 500ms, 10s or 2m`);
    return v;
  };
  if (retentionMs === null) throw new UsageError(`--retention "${f.retention}" is not a duration such as 30m, 12h or 7d`);
  if (!(WINDOWS as readonly string[]).includes(f.window)) throw new UsageError(`--window "${f.window}" must be one of ${WINDOWS.join(', ')}`);
  if (f.host.trim() === '') throw new UsageError('--host needs an address such as 127.0.0.1');
  return {
    port,
    host: f.host,
    // Demo traffic stays out of the user's real store unless a file is named.
    db: f.db ?? (f.demo ? ':memory:' : defaultDbPath()),
    maxCalls,
    retentionMs,
    windowMs: parseDuration(f.window)!,
    pricingFile: f.pricing ?? null,
    content: f.content,
    headless: f.headless,
    demo: f.demo,
    forward: f.forward === undefined ? null : forwardUrl(f.forward),
    slowMs: duration(f.slow, '--slow'),
    maxTokensPerCall: wholeNumber(f.maxTokensPerCall, '--max-tokens-per-call'),
    token: token(f.token ?? process.env.LLMTOP_TOKEN),
    corsOrigins: f.cors === undefined ? [] : corsOrigins(f.cors),
    grpcPort: grpcPort === 0 ? null : grpcPort,
    budget: f.budget === undefined ? null : budget(f.budget),
    loop: f.loop === undefined ? DEFAULT_LOOP_RULE : loopRule(f.loop),
    stopOnLoop: f.stopOnLoop ?? false,
    stopOnBudget: f.stopOnBudget ?? false,
    proxy: proxy(f, ctx),
  };
}

/** `5/2m`: that many near-identical calls within that long. */
export function loopRule(text: string): LoopRule {
  const m = /^\s*(\d+)\s*\/\s*(\S+)\s*$/.exec(text);
  const count = m ? Number(m[1]) : NaN;
  const windowMs = m ? parseDuration(m[2]!) : null;
  if (!m || count < 2 || windowMs === null || windowMs <= 0) throw new UsageError(`--loop "${text}" is not a count of 2 or more and a duration such as 5/2m`);
  return { count, windowMs };
}

/**
 * The provider proxy is on by default when llmtop runs a command: the command is the app to
 * watch, and the proxy sees its calls without any instrumentation. Not by default when the
 * environment names an HTTP(S) proxy of the user's own, which the relay does not go through (see
 * `proxyOffByDefault`). Standalone, --proxy (or --proxy-port) turns it on, and the user points
 * the app at it.
 */
function proxy(f: RawFlags, ctx: ConfigContext): ProxyConfig | null {
  if (f.proxy === false && f.proxyPort !== undefined) throw new UsageError('--proxy-port and --no-proxy contradict each other');
  if (!(f.proxy ?? (ctx.command !== null || f.proxyPort !== undefined))) return null;
  if (proxyOffByDefault(f, ctx)) return null;
  const port = f.proxyPort === undefined ? 0 : wholeNumber(f.proxyPort, '--proxy-port');
  if (port > 65535) throw new UsageError(`--proxy-port ${f.proxyPort} is not a port number from 0 to 65535`);
  const { upstreams, problems } = upstreamsFrom(ctx.env);
  return { port, upstreams, problems, service: serviceName(ctx) };
}

/** The line that says why the proxy is off although a command is wrapped, or null. */
export function proxyOffByDefault(f: Pick<RawFlags, 'proxy' | 'proxyPort'>, ctx: ConfigContext): string | null {
  const name = ctx.command !== null && f.proxy === undefined && f.proxyPort === undefined ? httpProxyVar(ctx.env) : null;
  return name && `${name} is set, and the provider proxy does not relay through it: it is off, and only OTLP is recorded (--proxy turns it on anyway)`;
}

/** Interpreters whose script names the app better than they do. */
const INTERPRETERS = new Set(['node', 'nodejs', 'bun', 'deno', 'tsx', 'ts-node', 'python', 'python3', 'ruby']);

/** The service the proxy's calls are counted under: OTEL_SERVICE_NAME, else the command's (script's) name, else "proxy". */
export function serviceName(ctx: ConfigContext): string {
  const named = ctx.env.OTEL_SERVICE_NAME?.trim();
  if (named) return named;
  const words = (ctx.command ?? []).filter((w) => !w.startsWith('-'));
  const word = words.find((w) => !INTERPRETERS.has(path.basename(w).replace(/\.exe$/i, '').replace(/[\d.]+$/, ''))) ?? words[0];
  const name = word === undefined ? '' : path.basename(word).replace(/\.(m?[jt]s|cjs|py|rb|exe)$/i, '');
  return name || 'proxy';
}

function budget(text: string): Budget {
  const b = parseBudget(text);
  if (!b) throw new UsageError(`--budget "${text}" is not an amount in USD above 0 such as 5, $5, 2/h, 5/d or 20/session`);
  return b;
}

function token(text: string | undefined): string | null {
  if (text === undefined) return null;
  if (!/^[\x21-\x7e]{8,}$/.test(text)) throw new UsageError('--token must be at least 8 visible characters, without spaces');
  return text;
}

function corsOrigins(text: string): string[] {
  const list = text.split(',').map((o) => o.trim()).filter((o) => o !== '');
  for (const o of list) {
    if (o !== '*' && !/^https?:\/\/[^/\s]+$/.test(o)) throw new UsageError(`--cors "${o}" is not an origin such as http://localhost:3000 (or *)`);
  }
  if (list.length === 0) throw new UsageError('--cors needs origins such as http://localhost:3000, or *');
  return list;
}

function forwardUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--forward "${text}" is not a URL such as http://localhost:4318`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--forward "${text}" must be an http:// or https:// URL`);
  return text.replace(/\/$/, '');
}

/** Numbers are read from the text typed, so that a message can repeat it. */
function wholeNumber(text: string, flag: string): number {
  if (text === '') throw new UsageError(`${flag} needs a value`);
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} "${text}" is not a whole number`);
  return Number(text);
}

/** Options that take a value: given last or before another option, they were given none. */
export function missingValue(argv: readonly string[], options: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (options.includes(a) && (i === argv.length - 1 || argv[i + 1]!.startsWith('-'))) return a;
  }
  return null;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}
