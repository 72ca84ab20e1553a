import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.js';

/*
 * The built `llmtop --headless -- CMD` with --stop-on-loop and --stop-on-budget, wrapping an app
 * that keeps calling (the OTel JS SDK's protobuf exporter, configured only by the environment
 * llmtop gives it): a loop stops it, a varied workload does not, a spent budget does; llmtop
 * then exits with its own status, and every call the app made until then is in the db.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin', 'llmtop.js');
const APP = path.join(ROOT, 'test', 'cli', 'fixtures', 'repeat-app.mjs');

let tmp: string;
beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-stop-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Outcome {
  code: number | null;
  stderr: string;
  /** Calls the app made, as it wrote them on its way out. */
  made: number;
  /** Calls in the db afterwards. */
  stored: number;
}

async function wrap(name: string, flags: string[], appArgs: string[]): Promise<Outcome> {
  const db = path.join(tmp, `${name}.db`);
  const countOut = path.join(tmp, `${name}.count`);
  const child = spawn(process.execPath, [BIN, '--headless', '--port', String(await freePort()), '--db', db, ...flags, '--', process.execPath, APP, ...appArgs, '--count-out', countOut], {
    cwd: tmp,
    env: { ...process.env, XDG_CACHE_HOME: path.join(tmp, 'cache'), NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  const conn = new Database(db, { readonly: true });
  const stored = conn.prepare("SELECT count(*) FROM calls WHERE service = 'repeat-app'").pluck().get() as number;
  conn.close();
  return { code, stderr, made: Number(fs.readFileSync(countOut, 'utf8')), stored };
}

const lines = (o: Outcome) => o.stderr.split('\n').filter((l) => l.startsWith('llmtop: ') && !l.includes('listening on'));

describe('llmtop -- CMD with stop switches', () => {
  it('--stop-on-loop: the same call again and again is stopped once 5 are seen within 2 minutes; llmtop exits 120', async () => {
    const o = await wrap('loop', ['--stop-on-loop'], ['--same', '--calls', '100', '--interval', '100']);
    expect(o.code, o.stderr).toBe(120);
    // Stopped at the threshold, not at the end: the 5th call flags it, a call or two may be under way.
    expect(o.made).toBeGreaterThanOrEqual(5);
    expect(o.made).toBeLessThan(15);
    expect(o.stored).toBe(o.made);
    // The repeated prompt's first line, cut at 80 columns.
    expect(lines(o)[0]).toMatch(/^llmtop: loop: repeat-app gpt-4o-mini, 5 near-identical calls within 2m \(\$0\.0050 so far\): "Fix the failing test in src\/cart\.test\.ts \(run [0-9a-f-]+…"$/);
    expect(lines(o)[1]).toMatch(/^llmtop: stopping .*repeat-app\.mjs .*: loop: repeat-app gpt-4o-mini, 5 near-identical calls/);
  });

  it('a slow but varied workload of 50 distinct prompts raises no loop and runs to its end', async () => {
    const o = await wrap('varied', ['--stop-on-loop'], ['--calls', '50', '--interval', '20']);
    expect(o.code, o.stderr).toBe(0);
    expect({ made: o.made, stored: o.stored }).toEqual({ made: 50, stored: 50 });
    expect(lines(o)).toEqual([]);
  });

  it('--stop-on-budget: crossing --budget 0.01/session stops the command; llmtop exits 121 with every call stored', async () => {
    const o = await wrap('budget', ['--budget', '0.01/session', '--stop-on-budget'], ['--calls', '100', '--interval', '200', '--cost', '0.004']);
    expect(o.code, o.stderr).toBe(121);
    // $0.012 after the third call; the budget is checked every second.
    expect(o.made).toBeGreaterThanOrEqual(3);
    expect(o.made).toBeLessThan(15);
    expect(o.stored).toBe(o.made);
    // Checked every second: a call or two may have come on top of the $0.0120 that crossed it.
    expect(lines(o).some((l) => /^llmtop: budget 100% reached: \$0\.0\d{3} of \$0\.01\/session$/.test(l)), o.stderr).toBe(true);
    expect(lines(o).some((l) => /^llmtop: stopping .*: budget 100% reached/.test(l))).toBe(true);
  });

  it('--stop-on-loop without a command, and --stop-on-budget without a budget: one line, exit 2', async () => {
    for (const [args, message] of [
      [['--stop-on-loop'], 'llmtop: --stop-on-loop stops a command llmtop runs: llmtop --stop-on-loop -- CMD'],
      [['--stop-on-budget', '--', 'true'], 'llmtop: --stop-on-budget needs a --budget, such as --budget 0.50/session'],
    ] as const) {
      const child = spawn(process.execPath, [BIN, '--headless', '--port', '0', '--db', path.join(tmp, 'x.db'), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect({ code, stderr }).toEqual({ code: 2, stderr: `${message}\n` });
    }
  });
});
