import path from 'node:path';
import envPaths from 'env-paths';
import type { Config } from '../app/config.js';
import { WINDOWS, parseDuration } from '../stats/windows.js';

/** A flag with a value that cannot be used: one line on stderr, exit 2. */
export class UsageError extends Error {}

export interface RawFlags {
  port: number;
  host: string;
  db?: string;
  maxCalls: number;
  retention: string;
  window: string;
  pricing?: string;
  content: boolean;
  headless: boolean;
}

export function defaultDbPath(): string {
  return path.join(envPaths('llmtop', { suffix: '' }).cache, 'llmtop.db');
}

/** Checks the flags meow parsed and turns them into the running configuration. */
export function toConfig(f: RawFlags): Config {
  if (!Number.isInteger(f.port) || f.port < 0 || f.port > 65535) throw new UsageError(`--port ${f.port} is not a port number from 0 to 65535`);
  if (!Number.isInteger(f.maxCalls) || f.maxCalls < 1) throw new UsageError(`--max-calls ${f.maxCalls} must be a whole number of at least 1`);
  const retentionMs = parseDuration(f.retention);
  if (retentionMs === null) throw new UsageError(`--retention "${f.retention}" is not a duration such as 30m, 12h or 7d`);
  if (!(WINDOWS as readonly string[]).includes(f.window)) throw new UsageError(`--window "${f.window}" must be one of ${WINDOWS.join(', ')}`);
  if (f.host.trim() === '') throw new UsageError('--host needs an address such as 127.0.0.1');
  return {
    port: f.port,
    host: f.host,
    db: f.db ?? defaultDbPath(),
    maxCalls: f.maxCalls,
    retentionMs,
    windowMs: parseDuration(f.window)!,
    pricingFile: f.pricing ?? null,
    content: f.content,
    headless: f.headless,
  };
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}
