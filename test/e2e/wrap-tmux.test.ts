import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { llmtopInTmux } from '../helpers/llmtop-tmux.js';

/*
 * `llmtop -- node app` in a real terminal (tmux): the app (OTel JS SDK, configured only by the
 * environment llmtop gives it) shows up in the TUI; llmtop exits with the app's status.
 */

const APP = path.resolve('test/cli/fixtures/genai-app.mjs');

const inTmux = llmtopInTmux('wrap');

/** Starts llmtop wrapping the app, which sends 3 calls, then waits until `go` exists and exits with `exit`. */
async function start(exit: number) {
  const { s, dir } = await inTmux({ cols: 80, rows: 24, ready: false, args: (d) => `-- node ${APP} --calls 3 --wait-for ${path.join(d, 'go')} --exit ${exit}` });
  return { s, go: path.join(dir, 'go'), log: path.join(dir, 'cache', 'llmtop', 'command.log') };
}

describe('llmtop -- CMD in a real terminal', () => {
  it("shows the command's calls while it runs, then how it exited; q exits with its status and says where its output went", async () => {
    const { s, go, log } = await start(3);
    const screen = await s.waitFor((x) => /running \(pid \d+\): node/.test(x) && x.includes('openai/gpt-4o-mini'), 'the running command and its calls');
    const row = screen.split('\n').find((l) => l.includes('openai/gpt-4o-mini') && !l.includes('→'))!;
    expect(row).toMatch(/\b3\b/); // requests
    const lines = screen.replace(/\n$/, '').split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(80);
    // The provider proxy is on by default; this app sends OTLP only.
    await s.waitFor((x) => /proxy 0 otlp 3/.test(x), 'the header to count the calls by how they came');
    // its output went to the log, not over the frame
    expect(screen).not.toContain('genai-app: sent');
    // The app writes its line after its exports are acknowledged, which can be after they show.
    await vi.waitFor(() => expect(fs.readFileSync(log, 'utf8')).toBe('genai-app: sent 3 calls\n'), { timeout: 10_000 });

    fs.writeFileSync(go, '');
    await s.waitFor((x) => /exited 3: node/.test(x), 'the header to say the command exited 3');
    expect(s.dead()).toBe(false); // the TUI stays, to read the results
    s.keys('q');
    expect(await s.exitStatus()).toBe(3);
    expect(s.screen().replace(/\n/g, '')).toContain(`its output is in ${log}`);
  });

  it('Ctrl+C stops a command still running first, and llmtop exits 130 as the shell would', async () => {
    const { s } = await start(0);
    await s.waitFor((x) => /running \(pid \d+\)/.test(x) && x.includes('openai/gpt-4o-mini'), 'the running command');
    s.keys('C-c');
    expect(await s.exitStatus()).toBe(130);
    expect(s.screen().replace(/\n/g, '')).toContain('killed by SIGINT');
  });
});
