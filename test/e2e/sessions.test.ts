import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLlmtop, type Running } from '../../src/app/llmtop.js';
import { getJson, testConfig } from '../helpers/llmtop.js';
import { CLAUDE_SESSION, TRIP, sendSessionTraffic, type SessionTraffic } from '../helpers/session-traffic.js';

/*
 * Sessions end to end: the OTel JS SDK's exporters send a chat's conversation over three traces
 * and Claude Code–shaped events of an agent session (test/helpers/session-traffic.ts) to a real
 * llmtop on a real SQLite file; the sessions, their turns, cumulative cost and peak context
 * then come out exactly, over the API, after a restart on the same file, through
 * `llmtop sessions` / `llmtop session ID`, and through `llmtop mcp`'s tools.
 */

const BIN = path.resolve('bin/llmtop.js');

let dir: string;
let db: string;
let running: Running;
let sent: SessionTraffic;
const app = { get url() { return `http://${running.address}`; } };
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-sessions-'));
  db = path.join(dir, 'llmtop.db');
  running = await startLlmtop(testConfig({ db }));
  sent = await sendSessionTraffic(app.url);
});
afterAll(async () => {
  await running.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** trip-42 as the API must list it (its last call ends 1.6 s after the third turn starts). */
const trip = () => ({
  id: TRIP,
  service: 'travel-chat',
  status: 'active',
  start: iso(sent.t0 + 100),
  lastActivity: iso(sent.t0 + 120_000 + 1_600),
  turnCount: 3,
  calls: 4,
  errors: 0,
  models: ['gpt-4o', 'gpt-4o-mini'],
  inputTokens: 205_800,
  outputTokens: 1_600,
  costUsd: expect.closeTo(0.61, 9),
  unpricedCalls: 0,
  peakContextPercent: expect.closeTo(85, 9),
});

const claude = () => ({
  id: CLAUDE_SESSION,
  service: 'claude-code',
  status: 'active',
  // Claude Code's api_request is stamped at the request's end: the call started duration_ms before.
  start: iso(sent.t0 + 31_000),
  lastActivity: iso(sent.t0 + 155_000),
  turnCount: 2,
  calls: 3,
  errors: 0,
  models: ['claude-sonnet-4-5-20250929'],
  inputTokens: 122_160,
  outputTokens: 220,
  costUsd: expect.closeTo(0.1, 9),
  unpricedCalls: 0,
  peakContextPercent: expect.closeTo(20.615, 9),
});

describe('sessions over the API', () => {
  it('lists both sessions, latest activity first, and leaves the call without a conversation out', async () => {
    const { sessions } = await getJson(`${app.url}/api/v1/sessions`);
    expect(sessions).toEqual([claude(), trip()]);
    const { calls } = await getJson(`${app.url}/api/v1/calls`);
    expect(calls).toHaveLength(8);
    expect(calls.filter((c: { sessionId: string | null }) => c.sessionId === null).map((c: { prompt: string }) => c.prompt)).toEqual(['ping']);
  });

  it('sorts by cost, calls and context, and limits', async () => {
    const ids = async (q: string) => (await getJson(`${app.url}/api/v1/sessions?${q}`)).sessions.map((s: { id: string }) => s.id);
    expect(await ids('sort=cost')).toEqual([TRIP, CLAUDE_SESSION]);
    expect(await ids('sort=calls')).toEqual([TRIP, CLAUDE_SESSION]);
    expect(await ids('sort=context')).toEqual([TRIP, CLAUDE_SESSION]);
    expect(await ids('limit=1')).toEqual([CLAUDE_SESSION]);
    // trip-42's last call ended 48 s before the sending, cc-7's 15 s before.
    expect(await ids('window=40s')).toEqual([CLAUDE_SESSION]);
    expect(await ids('window=1m')).toEqual([CLAUDE_SESSION, TRIP]);
    const bad = await fetch(`${app.url}/api/v1/sessions?sort=name`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'sort "name" is not one of time, cost, calls, context' });
  });

  it("gives a conversation's turns in order: the prompt's first line, calls, tokens, cost, cost so far, context", async () => {
    const s = await getJson(`${app.url}/api/v1/sessions/${TRIP}`);
    expect(s).toEqual({
      ...trip(),
      turns: [
        { traceId: sent.tripTraces[0], time: iso(sent.t0 + 100), durationMs: 1500, prompt: 'Plan a weekend in Turin', calls: 1, errors: 0, inputTokens: 32_000, outputTokens: 500, costUsd: 0.1, unpricedCalls: 0, cumulativeCostUsd: 0.1, contextPercent: 25 },
        { traceId: sent.tripTraces[1], time: iso(sent.t0 + 60_100), durationMs: 3500, prompt: 'Find a train from Lyon', calls: 2, errors: 0, inputTokens: 65_000, outputTokens: 900, costUsd: expect.closeTo(0.21, 9), unpricedCalls: 0, cumulativeCostUsd: expect.closeTo(0.31, 9), contextPercent: 50 },
        { traceId: sent.tripTraces[2], time: iso(sent.t0 + 120_100), durationMs: 1500, prompt: 'And a hotel near the station?', calls: 1, errors: 0, inputTokens: 108_800, outputTokens: 200, costUsd: 0.3, unpricedCalls: 0, cumulativeCostUsd: expect.closeTo(0.61, 9), contextPercent: 85 },
      ],
    });
  });

  it("gives an agent session's turns by user prompt, context counting the cache", async () => {
    const s = await getJson(`${app.url}/api/v1/sessions/${CLAUDE_SESSION}`);
    expect(s).toEqual({
      ...claude(),
      turns: [
        { traceId: null, time: iso(sent.t0 + 31_000), durationMs: 11_000, prompt: 'fix the failing test in cart.test.ts', calls: 2, errors: 0, inputTokens: 80_930, outputTokens: 180, costUsd: expect.closeTo(0.08, 9), unpricedCalls: 0, cumulativeCostUsd: expect.closeTo(0.08, 9), contextPercent: expect.closeTo(20.29, 9) },
        { traceId: null, time: iso(sent.t0 + 153_000), durationMs: 2000, prompt: 'now run the linter', calls: 1, errors: 0, inputTokens: 41_230, outputTokens: 40, costUsd: 0.02, unpricedCalls: 0, cumulativeCostUsd: expect.closeTo(0.1, 9), contextPercent: expect.closeTo(20.615, 9) },
      ],
    });
  });

  it('answers 404 for a session it does not hold, and reads a URL-encoded id', async () => {
    const res = await fetch(`${app.url}/api/v1/sessions/no-such-session`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'no session "no-such-session" in the store' });
    expect((await getJson(`${app.url}/api/v1/sessions/${encodeURIComponent(TRIP)}`)).id).toBe(TRIP);
  });
});

describe('llmtop sessions and llmtop session ID (the built bin)', () => {
  // Not spawnSync: the llmtop it reads runs in this process.
  const llmtop = (...args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, [BIN, ...args], { env: { ...process.env, LLMTOP_TOKEN: '', TZ: 'UTC' } }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
      ),
    );

  it('--json prints the API\'s answer, from a running llmtop and from the db file', async () => {
    for (const source of [['--url', app.url], ['--db', db]]) {
      expect(JSON.parse((await llmtop('sessions', '--json', ...source)).stdout)).toEqual(await getJson(`${app.url}/api/v1/sessions`));
      expect(JSON.parse((await llmtop('session', TRIP, '--json', ...source)).stdout)).toEqual(await getJson(`${app.url}/api/v1/sessions/${TRIP}`));
    }
  });

  it('prints a line per session and a line per turn, with the cost so far', async () => {
    const list = await llmtop('sessions', '--sort', 'cost', '--url', app.url);
    expect(list.code, list.stderr).toBe(0);
    const rows = list.stdout.split('\n');
    expect(rows[0]).toMatch(/^START\s+LAST\s+STATUS\s+TURNS\s+CALLS\s+TOKENS\s+COST\s+CTX\s+SERVICE\s+MODELS\s+SESSION ID$/);
    expect(rows[1]).toMatch(/ active\s+3\s+4\s+206k→1\.6k\s+\$0\.6100\s+85%\s+travel-chat\s+gpt-4o, gpt-4o-mini\s+trip-42$/);
    expect(rows[2]).toMatch(/ active\s+2\s+3\s+122k→220\s+\$0\.1000\s+21%\s+claude-code\s+claude-sonnet-4-5-20250929\s+cc-7$/);
    expect(rows.at(-2)).toBe("2 sessions in the live window, most cost first; llmtop session ID for one's turns");

    const one = await llmtop('session', CLAUDE_SESSION, '--db', db);
    expect(one.code, one.stderr).toBe(0);
    const lines = one.stdout.split('\n');
    expect(lines[0]).toBe('session cc-7  claude-code  active');
    expect(lines[1]).toMatch(/· 2 turns, 3 calls, 0 errors · tokens 122k→220 · cost \$0\.1000 · peak context 21%$/);
    expect(lines[5]).toMatch(/^1 .* fix the failing test in cart\.test\.ts\s+2\s+80\.9k→180\s+\$0\.0800\s+\$0\.0800\s+20%\s+-$/);
    expect(lines[6]).toMatch(/^2 .* now run the linter\s+1\s+41\.2k→40\s+\$0\.0200\s+\$0\.1000\s+21%\s+-$/);
  });

  it('an unknown session: one line, exit 1; a bad sort: one line, exit 2', async () => {
    expect(await llmtop('session', 'nope', '--url', app.url)).toEqual({ code: 1, stdout: '', stderr: 'llmtop: no session "nope" in the store\n' });
    expect(await llmtop('sessions', '--sort', 'duration', '--url', app.url)).toEqual({ code: 2, stdout: '', stderr: 'llmtop: --sort "duration" is not one of time, cost, calls, context\n' });
  });
});

describe("llmtop mcp's session tools", () => {
  it('list_sessions and get_session answer as the API, turns bounded by max_turns', async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp', '--url', app.url], stderr: 'pipe', env: { ...(process.env as Record<string, string>), LLMTOP_TOKEN: '' } });
    const client = new Client({ name: 'llmtop-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const call = async (name: string, args: Record<string, unknown>) => {
        const r = (await client.callTool({ name, arguments: args })) as CallToolResult;
        expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
        return r.structuredContent as any;
      };
      expect(await call('list_sessions', { sort: 'context' })).toEqual(await getJson(`${app.url}/api/v1/sessions?window=1h&sort=context`));
      const whole = await getJson(`${app.url}/api/v1/sessions/${TRIP}`);
      expect(await call('get_session', { id: TRIP })).toEqual({ ...whole, turnsOmitted: 0 });
      expect(await call('get_session', { id: TRIP, max_turns: 1 })).toEqual({ ...whole, turns: whole.turns.slice(2), turnsOmitted: 2 });
      const missing = (await client.callTool({ name: 'get_session', arguments: { id: 'nope' } })) as CallToolResult;
      expect(missing).toMatchObject({ isError: true, content: [{ type: 'text', text: 'no session "nope" in the store' }] });
    } finally {
      await client.close();
    }
  });
});

describe('after a restart', () => {
  it('survives a restart on the same file', async () => {
    const before = await getJson(`${app.url}/api/v1/sessions/${TRIP}`);
    const list = await getJson(`${app.url}/api/v1/sessions`);
    await running.close();
    running = await startLlmtop(testConfig({ db }));
    expect(await getJson(`${app.url}/api/v1/sessions`)).toEqual(list);
    expect(await getJson(`${app.url}/api/v1/sessions/${TRIP}`)).toEqual(before);
  });
});
