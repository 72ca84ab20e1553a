import { describe, expect, it } from 'vitest';
import type { CommandNotice } from '../../src/views/panels/Header.js';
import { ADDRESS, lineWith, renderApp } from '../helpers/render-app.js';
import { dashboardCalls, statsWith } from '../helpers/view-calls.js';

/** With `llmtop -- CMD`, the header says whether the command runs, or how it ended. */

const tick = () => new Promise((r) => setTimeout(r, 120));
const notice = (exit: string | null, failed = false, text = 'node app.js'): CommandNotice => ({ text, pid: 4242, exit, failed });

describe('the wrapped command in the header', () => {
  it.each([
    [notice(null), 'running (pid 4242): node app.js'],
    [notice('exited 0'), 'exited 0: node app.js'],
    [notice('killed by SIGTERM', true), 'killed by SIGTERM: node app.js'],
    // a command's text is shown as typed, control characters made visible
    [notice(null, false, 'node \u001b[2Japp.js'), 'running (pid 4242): node ^[[2Japp.js'],
  ])('%j → %s', async (command, text) => {
    const stats = statsWith(dashboardCalls());
    const { frame, unmount } = await renderApp(stats, { columns: 100, rows: 30 }, { info: { address: ADDRESS, noContent: false, command } });
    await tick();
    expect(lineWith(frame(), 'llmtop')).toContain(text);
    unmount();
  });

  it('at 80 columns, a long command line is cut, its state is not', async () => {
    const stats = statsWith(dashboardCalls());
    const command = notice('exited 3', true, `node ${'very/long/path/'.repeat(8)}app.js --with many --options`);
    const { frame, unmount } = await renderApp(stats, { columns: 80, rows: 24 }, { info: { address: ADDRESS, noContent: false, command } });
    await tick();
    const line = lineWith(frame(), 'llmtop');
    expect(line).toContain('exited 3: node very/long');
    expect([...line].length).toBeLessThanOrEqual(80);
    unmount();
  });

  it('says nothing of a command when there is none', async () => {
    const stats = statsWith(dashboardCalls());
    const { frame, unmount } = await renderApp(stats, { columns: 100, rows: 30 });
    await tick();
    expect(frame()).not.toMatch(/running \(pid|exited/);
    unmount();
  });
});
