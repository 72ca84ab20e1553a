import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LIMITS, type Config } from '../../src/app/config.js';
import { startLlmtop, type Running } from '../../src/app/llmtop.js';
import { DEFAULT_LOOP_RULE } from '../../src/domain/loop.js';

/** The configuration of a headless llmtop on a free loopback port, in memory unless told. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    host: '127.0.0.1',
    db: ':memory:',
    maxCalls: 100_000,
    retentionMs: 7 * 24 * 3600_000,
    windowMs: 5 * 60_000,
    pricingFile: null,
    content: true,
    headless: true,
    demo: false,
    forward: null,
    slowMs: 10_000,
    maxTokensPerCall: 1000,
    token: null,
    corsOrigins: [],
    grpcPort: null,
    budget: null,
    loop: DEFAULT_LOOP_RULE,
    stopOnLoop: false,
    stopOnBudget: false,
    proxy: null,
    ...overrides,
  };
}

/** A real llmtop (real SQLite file, real HTTP server on a free loopback port) for one test. */
export async function startTestLlmtop(
  overrides: Partial<Config> = {},
  now?: () => number,
  limits: Partial<typeof LIMITS> = {},
  say?: (line: string, progress: boolean) => void,
): Promise<Running & { url: string; dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-test-'));
  const running = await startLlmtop(
    testConfig({ db: path.join(dir, 'llmtop.db'), ...overrides }),
    now,
    { ...LIMITS, ...limits },
    undefined,
    say,
  );
  return {
    ...running,
    url: `http://${running.address}`,
    dir,
    close: async () => {
      await running.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function getJson<T = any>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
