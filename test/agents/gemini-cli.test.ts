import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { childEnv } from '../../src/cli/child-env.js';
import type { ApiCall } from '../sdk/shared.js';
import type { Exchange } from './fake-provider.js';
import { catalogOf, differences, documented } from './catalog.js';
import { GEMINI_JS, explain, installedVersion, runCli, settled, writeFile } from './cli.js';
import { startFakeGemini, type GeminiUsage } from './fake-gemini.js';
import { agentRun, callsOf, captured, expectOneSessionOfTwoTurns, readmeBlock, SESSION_ID, summaryRequests } from './shared.js';

/*
 * Gemini CLI (`gemini -p`, @google/gemini-cli) driven for real against a fake Gemini API on
 * loopback (GOOGLE_GEMINI_BASE_URL), its telemetry going through the capturing relay to a real
 * llmtop (captured/gemini-cli.json keeps what it sent). Its main request is always streamed
 * (:streamGenerateContent); with the default model `auto` a routing request comes first
 * (:generateContent, not streamed), which the fake answers with the JSON the router asks for.
 *
 * The CLI runs under the Node running the tests; it starts slowly (seconds of CPU per prompt).
 * Request n answers n times the base numbers, so that each call can be told apart.
 */

const SERVICE = 'gemini-cli';
const PINNED = 'gemini-2.5-flash';
const usage = (n: number): GeminiUsage => ({ promptTokenCount: 900 * n, candidatesTokenCount: 30 * n, cachedContentTokenCount: 600 * n, thoughtsTokenCount: 12 * n });
const reply = (n: number) => `Gemini fake reply #${n}.`;
const FIRST_TOKEN_MS = 200;
const ROUTED = JSON.stringify({ complexity_reasoning: 'A greeting.', complexity_score: 5 });

/** The router's request asks for JSON with a complexity_score: plain text would make it retry for a minute and a half. */
function turn(n: number, body: any) {
  const config = body?.generationConfig ?? {};
  const wantsJson = config.responseMimeType === 'application/json' || config.responseJsonSchema || config.responseSchema;
  return { text: wantsJson ? ROUTED : reply(n), usage: usage(n) };
}

const t = agentRun({
  agent: 'gemini-cli',
  pkg: '@google/gemini-cli',
  note: '`gemini -p` against a fake Gemini API; telemetry set up as each test says. exchanges: what the fake provider was asked and answered.',
  home: 'gemini',
  fake: () => startFakeGemini(turn, { firstTokenMs: FIRST_TOKEN_MS }),
});

/** settings.json: API-key auth (a base URL alone makes the CLI pick the "gateway" auth it then refuses), plus `more`. */
function configure(more: Record<string, unknown> = {}): void {
  const settings = {
    security: { auth: { selectedType: 'gemini-api-key' } },
    privacy: { usageStatisticsEnabled: false },
    general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
    ...more,
  };
  writeFile(path.join(t.home.home, '.gemini', 'settings.json'), JSON.stringify(settings, null, 2));
}

async function gemini(env: Record<string, string>, ...args: string[]) {
  const run = await runCli(process.execPath, [GEMINI_JS, ...args], {
    cwd: t.home.work,
    env: { HOME: t.home.home, GEMINI_API_KEY: 'fake-gemini-key', GOOGLE_GEMINI_BASE_URL: t.fake.url, GEMINI_CLI_TRUST_WORKSPACE: 'true', TERM: 'xterm-256color', ...env },
  });
  expect(run.exitCode, explain(run)).toBe(0);
  return run;
}

function expectCallOf(c: ApiCall, x: Exchange, response: string, prompt: string): void {
  const u = x.answer!.usage as unknown as GeminiUsage;
  expect(c).toMatchObject({
    service: SERVICE,
    provider: 'google',
    model: x.model,
    operation: 'generate_content',
    inputTokens: u.promptTokenCount,
    cacheReadTokens: u.cachedContentTokenCount,
    cacheWriteTokens: 0,
    // Gemini counts the thoughts apart; llmtop counts them in the output, as OpenAI does.
    outputTokens: u.candidatesTokenCount + u.thoughtsTokenCount,
    reasoningTokens: u.thoughtsTokenCount,
    status: 'ok',
    prompt,
    response,
    source: 'gemini-cli',
    sessionId: expect.stringMatching(SESSION_ID),
  });
  // A streamed answer's duration holds the fake's wait for the first chunk.
  expect(c.durationMs).toBeGreaterThanOrEqual(x.stream ? FIRST_TOKEN_MS : 1);
}

/** One call per request the fake served, in order, and the summary says as many. */
async function expectOneCallEach(): Promise<{ served: Exchange[]; calls: ApiCall[] }> {
  const served = t.fake.served();
  const calls = await callsOf(t.app, SERVICE);
  expect(calls.map((c) => `${c.model} ${c.inputTokens}`)).toEqual(served.map((x) => `${x.model} ${(x.answer!.usage as unknown as GeminiUsage).promptTokenCount}`));
  expect(await summaryRequests(t.app)).toBe(served.length);
  return { served, calls };
}

describe(`Gemini CLI ${installedVersion('@google/gemini-cli')} → llmtop`, () => {
  it("the README's settings.json, default model: the routing request and the streamed answer, a call each", async () => {
    configure({ telemetry: JSON.parse(readmeBlock('Gemini CLI', 'json', t.capture.url)).telemetry });
    await gemini({}, '-p', 'Say hello');
    await settled(t.capture);

    const { served, calls } = await expectOneCallEach();
    expect(served.map((x) => `${x.path.split(':')[1]} ${x.stream}`)).toEqual(['generateContent false', 'streamGenerateContent true']);
    expect(calls).toHaveLength(2);
    expectCallOf(calls[0]!, served[0]!, ROUTED, 'Say hello');
    expectCallOf(calls[1]!, served[1]!, reply(2), 'Say hello');

    // Each request is an llm_call span and its log events, some without trace context: one call.
    const spans = captured(t.capture, 'traces').filter((s) => s.name === 'llm_call');
    expect(calls.map((c) => c.spanId)).toEqual(spans.map((s) => s.spanId));
    const logs = captured(t.capture, 'logs');
    const streamedResponse = logs.find((l) => l.name === 'gemini_cli.api_response' && l.attributes.model === served[1]!.model)!;
    expect(streamedResponse.spanId).toBe('');
    expect(logs.filter((l) => l.name === 'gen_ai.client.inference.operation.details')).toHaveLength(4);
  });

  it("`llmtop -- gemini`'s variables, a pinned model, two turns (-p, then --resume latest): a call each", async () => {
    configure();
    const env = childEnv({}, { host: '127.0.0.1', port: Number(new URL(t.capture.url).port), token: null }, true);
    await gemini(env, '-m', PINNED, '-p', 'First prompt: say hello');
    await gemini(env, '-m', PINNED, '--resume', 'latest', '-p', 'Second prompt: say goodbye');
    await settled(t.capture);

    const { served, calls } = await expectOneCallEach();
    expect(served.map((x) => `${x.model} ${x.stream}`)).toEqual([`${PINNED} true`, `${PINNED} true`]);
    expectCallOf(calls[0]!, served[0]!, reply(1), 'First prompt: say hello');
    expectCallOf(calls[1]!, served[1]!, reply(2), 'Second prompt: say goodbye');
    await expectOneSessionOfTwoTurns(t.app, calls, ['First prompt: say hello', 'Second prompt: say goodbye']);
  });

  it('telemetry.traces on, a pinned model: the span with its own usage and a message per chunk, and the events, one call', async () => {
    const telemetry = { ...JSON.parse(readmeBlock('Gemini CLI', 'json', t.capture.url)).telemetry, traces: true };
    configure({ telemetry });
    await gemini({}, '-m', PINNED, '-p', 'Say hello');
    await settled(t.capture);

    const { served, calls } = await expectOneCallEach();
    expect(served).toHaveLength(1);
    expectCallOf(calls[0]!, served[0]!, reply(1), 'Say hello');
    const span = captured(t.capture, 'traces').find((s) => s.name === 'llm_call')!;
    expect(span.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 900, 'gen_ai.usage.output_tokens': 30 });
    expect(JSON.parse(String(span.attributes['gen_ai.output.messages']))).toHaveLength(3);
    expect(calls[0]!.spanId).toBe(span.spanId);
  });

  it('sends the events and attributes docs/AGENTS.md lists for this version', () => {
    expect(differences(documented('gemini-cli'), catalogOf('gemini-cli', t.capture.requests), installedVersion('@google/gemini-cli'))).toEqual([]);
  });
});
