import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * The bin on a Node too old for it, taken from the npm registry's `node` package as CI takes
 * the others (scripts/with-node; installed once into the cache). better-sqlite3 13 needs
 * Node-API 10, which Node has from 22.14; on an older Node it crashes the process when it
 * loads, so the bin must refuse before anything else loads.
 */

const BIN = path.resolve('bin/llmtop.js');
const WITH_NODE = path.resolve('scripts/with-node');

describe('an older Node', () => {
  it.each([
    ['20.20.2', 'llmtop needs Node.js 22 or later (this is v20.20.2)'],
    ['22.12.0', 'llmtop needs Node.js 22.14 or later (this is v22.12.0)'],
  ])('Node %s: one line on stderr, exit 1, nothing started', (version, line) => {
    const r = spawnSync(WITH_NODE, [version, 'node', BIN, '--headless', '--port', '0', '--db', ':memory:'], { encoding: 'utf8', timeout: 120_000 });
    expect({ status: r.status, stderr: r.stderr, stdout: r.stdout }).toEqual({ status: 1, stderr: `${line}\n`, stdout: '' });
  }, 150_000);
});
