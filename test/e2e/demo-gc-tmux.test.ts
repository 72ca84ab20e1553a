import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { llmtopInTmux } from '../helpers/llmtop-tmux.js';

/*
 * The built bin with --demo in a real terminal for a minute, as a user runs it, every view
 * opened and closed again and again. The views' reads leave prepared statements behind and the
 * collector finalizes them many times a minute. better-sqlite3 12 aborted the process here
 * within seconds on Node 24 (`Assertion failed: (env) != nullptr` in Statement::~Statement).
 * No V8 flags: a 1 MB young generation, tried as extra pressure, hid the abort. This must end
 * with q, exit 0 and nothing on stderr, on each Node users run.
 */

const inTmux = llmtopInTmux();
const RUN_FOR_MS = 60_000;

/** A key, what shows once it took effect, and the key that leaves again. */
const VIEWS: { key: string; shows: RegExp; leave: string[] }[] = [
  { key: 'd', shows: /▸ LATENCY/, leave: ['Escape'] },
  { key: 't', shows: /▸ TRENDS/, leave: ['Escape'] },
  { key: 'e', shows: /▸ ERRORS/, leave: ['Escape'] },
  { key: 'o', shows: /Sources \d+ sender/, leave: ['Escape'] },
  { key: '?', shows: /▸ HELP/, leave: ['Escape'] },
  { key: 'c', shows: /vs previous window/, leave: ['c'] },
  { key: 'b', shows: /window \S+\s+blurred/, leave: ['b'] },
  // Seven groupings: one g regroups by provider, six more come back to provider/model.
  { key: 'g', shows: /TABLE by provider · /, leave: ['g', 'g', 'g', 'g', 'g', 'g'] },
];

describe('llmtop --demo under garbage-collector pressure', () => {
  it(
    'opens and closes every view for a minute, then quits with 0 and nothing on stderr',
    async () => {
      const { s, dir } = await inTmux({ cols: 140, rows: 45, ready: false, args: (d) => `--demo 2> ${path.join(d, 'stderr.log')}` });
      const stderr = () => fs.readFileSync(path.join(dir, 'stderr.log'), 'utf8');
      // Fails at once, with what llmtop said on its way out, when it dies.
      const waitFor = (predicate: (screen: string) => boolean, what: string, timeoutMs?: number) =>
        s.waitFor(
          (x) => {
            if (s.dead()) throw new Error(`llmtop died waiting for ${what}; stderr:\n${stderr()}`);
            return predicate(x);
          },
          what,
          timeoutMs,
        );
      const dashboard = (x: string) => x.includes('PROVIDER/MODEL') && /\d+ req\b/.test(x);
      await waitFor(dashboard, 'the demo dashboard', 30_000);
      const started = Date.now();
      let rounds = 0;
      while (Date.now() - started < RUN_FOR_MS) {
        for (const v of VIEWS) {
          s.keys(v.key);
          await waitFor((x) => v.shows.test(x), `the view of ${v.key}`);
          for (const k of v.leave) s.keys(k);
          await waitFor((x) => dashboard(x) && !v.shows.test(x), `the dashboard after ${v.key}`);
        }
        // A run's tree, and a call opened from the log.
        s.keys('r');
        await waitFor((x) => /▸ RUNS/.test(x), 'the runs');
        s.keys('Enter');
        await waitFor((x) => /▸ RUN /.test(x), "a run's tree");
        // One Escape at a time: two at once read as Alt+Escape.
        s.keys('Escape');
        await waitFor((x) => /▸ RUNS/.test(x), 'the runs again');
        s.keys('Escape');
        await waitFor(dashboard, 'the dashboard after the runs');
        s.keys('Tab', 'Enter');
        await waitFor((x) => /▸ CALL /.test(x), 'a call opened from the log');
        s.keys('Escape');
        await waitFor(dashboard, 'the dashboard after the call');
        s.keys('Tab');
        await waitFor((x) => /▸ TABLE/.test(x), 'the table focused again');
        rounds++;
      }
      expect(rounds).toBeGreaterThan(1);
      s.keys('q');
      expect(await s.exitStatus(10_000)).toBe(0);
      // Ink shows the cursor again on the way out; anything else would be news.
      expect(stderr().replaceAll('\u001b[?25h', '')).toBe('');
      expect(s.screen()).not.toMatch(/Assertion failed|node::|Aborted|Segmentation/);
    },
    3 * 60_000,
  );
});
