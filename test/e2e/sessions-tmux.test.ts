import { describe, expect, it } from 'vitest';
import { llmtopInTmux } from '../helpers/llmtop-tmux.js';
import { sendSessionTraffic } from '../helpers/session-traffic.js';

/*
 * The built bin/llmtop.js in tmux at 80x24 and 140x45, fed the two known sessions of
 * test/helpers/session-traffic.ts by the OTel JS SDK: S lists them, Enter shows a session's turns
 * with the cost so far and the context, Enter on a turn opens its run, Esc comes back.
 */

const start = llmtopInTmux('sessions');

const lines = (screen: string) => screen.replace(/\n$/, '').split('\n');
const lineWith = (screen: string, text: string) => lines(screen).find((l) => l.includes(text)) ?? '';
/** Yellow (SGR 33) text on the screen with its colours: the context column from 80%. */
const yellow = (coloured: string, text: string) => new RegExp(`\\x1b\\[(?:[0-9;]*;)?33(?:;[0-9;]*)?m[^\\x1b]*${text.replace(/[.$]/g, '\\$&')}`).test(coloured);

describe('sessions in a real terminal', () => {
  it('80x24: S lists the sessions, Enter their turns with the cost so far and the context, Enter a turn its run', async () => {
    const { s, url } = await start({ cols: 80, rows: 24 });
    await sendSessionTraffic(url);
    await s.waitFor((x) => x.includes('now run the l'), 'the calls in the log');
    s.keys('S');
    const list = await s.waitFor((x) => x.includes('SESSIONS 2 sessions in 5m'), 'the sessions');
    // Latest activity first: the agent session, then the conversation.
    const [agent, chat] = lines(list).filter((l) => / active /.test(l));
    expect(agent).toMatch(/^› \d\d:\d\d:\d\d \d\d:\d\d:\d\d +2 +3 +122k +\$0\.1000 +21% active claude-code · clau…$/);
    expect(chat).toMatch(/^  \d\d:\d\d:\d\d \d\d:\d\d:\d\d +3 +4 +207k +\$0\.6100 +85% active travel-chat · gpt-…$/);
    expect(yellow(s.screenWithColors(), '85%')).toBe(true);

    s.keys('Down', 'Enter');
    const turns = await s.waitFor((x) => x.includes('SESSION trip-42'), "trip-42's turns");
    expect(lineWith(turns, 'SESSION trip-42')).toContain('trip-42 · travel-chat · 3 turns · $0.6100 · active');
    expect(lineWith(turns, 'Plan a')).toMatch(/ 1 +32\.0k\/500 +\$0\.1000 +\$0\.1000 █░░░░  25% Plan a weekend in T…$/);
    expect(lineWith(turns, 'Find a')).toMatch(/ 2 +65\.0k\/900 +\$0\.2100 +\$0\.3100 ███░░  50% Find a train from L…$/);
    expect(lineWith(turns, 'And a')).toMatch(/ 1 +109k\/200 +\$0\.3000 +\$0\.6100 ████░  85% And a hotel near th…$/);
    for (const l of lines(turns)) expect(l.length).toBeLessThanOrEqual(80);

    s.keys('Down', 'Enter');
    const run = await s.waitFor((x) => x.includes('RUN invoke_agent travel-planner'), "the second turn's run");
    expect(lineWith(run, 'RUN invoke_agent')).toContain('2 calls · $0.2100');
    expect(lineWith(run, '◆ gpt-4o ')).toMatch(/◆ gpt-4o +64\.0k→800 tok +ctx 50% +\$0\.2000 +1\.5s +chat gpt-4o$/);
    s.keys('Escape');
    await s.waitFor((x) => x.includes('SESSION trip-42') && /› \d\d:\d\d:\d\d +2 /.test(x), 'the turns again, the second selected');
    s.keys('Escape');
    await s.waitFor((x) => x.includes('SESSIONS 2 sessions'), 'the sessions again');
  });

  it('140x45: models and prompts in full, CTX95 per model in the table and CTX% in the log', async () => {
    const { s, url } = await start({ cols: 140, rows: 45 });
    await sendSessionTraffic(url);
    const dash = await s.waitFor((x) => x.includes('now run the linter'), 'the calls in the log');
    expect(lineWith(dash, 'PROVIDER/MODEL')).toMatch(/ IN +OUT +CTX95 +CACHE +COST /);
    // gpt-4o: 25%, 50%, 85%; claude-sonnet-4-5: 20.2%, 20.3%, 20.6%. Of three, the sketch's P95 (as
    // for latency) is the value below which 95% of the ranks between first and last lie: the second.
    expect(lineWith(dash, 'openai/gpt-4o ')).toMatch(/ 1\.5k +50% +0% /);
    expect(lineWith(dash, 'anthropic/claude-sonnet-4-5')).toMatch(/ 20% +99% /);
    expect(lineWith(dash, 'And a hotel')).toMatch(/109k\/200 +85% +\$0\.3000 ok/);
    expect(lineWith(dash, 'ping')).toMatch(/10\/5 +<1% +\$0\.0010 ok/);

    s.keys('S');
    const list = await s.waitFor((x) => x.includes('SESSIONS 2 sessions'), 'the sessions');
    expect(lineWith(list, 'travel-chat')).toMatch(/ 85% active travel-chat · gpt-4o, gpt-4o-mini$/);
    expect(lineWith(list, 'claude-code')).toMatch(/ 21% active claude-code · claude-sonnet-4-5-20250929$/);
    s.keys('Enter');
    const turns = await s.waitFor((x) => x.includes('SESSION cc-7'), "cc-7's turns");
    expect(lineWith(turns, 'fix the failing')).toMatch(/ 2 +80\.9k\/180 +\$0\.0800 +\$0\.0800 █░░░░  20% fix the failing test in cart\.test\.ts$/);
    expect(lineWith(turns, 'now run')).toMatch(/ 1 +41\.2k\/40 +\$0\.0200 +\$0\.1000 █░░░░  21% now run the linter$/);
    for (const l of lines(turns)) expect(l.length).toBeLessThanOrEqual(140);
    expect(lines(turns)).toHaveLength(45);
  });
});
