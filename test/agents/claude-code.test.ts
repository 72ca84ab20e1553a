import { describe, expect, it } from 'vitest';
import { childEnv } from '../../src/cli/child-env.js';
import type { ApiCall } from '../sdk/shared.js';
import type { Exchange } from './fake-provider.js';
import { catalogOf, differences, documented } from './catalog.js';
import { CLAUDE_BIN, explain, installedVersion, runCli, settled } from './cli.js';
import { startFakeAnthropic, type AnthropicUsage } from './fake-anthropic.js';
import { agentRun, callsOf, captured, expectOneSessionOfTwoTurns, exportedVariables, readmeBlock, SESSION_ID, summaryRequests } from './shared.js';

/*
 * Claude Code (`claude -p`, the native binary of @anthropic-ai/claude-code) driven for real
 * against a fake Anthropic Messages API on loopback (ANTHROPIC_BASE_URL), its telemetry going
 * through the capturing relay to a real llmtop (captured/claude-code.json keeps what it sent).
 * In -p mode it makes no other request. It streams; it falls back to a plain request only after
 * a broken stream, and then reports the two provider requests as one (docs/AGENTS.md), so the
 * fake never breaks a stream here.
 *
 * Request n answers n times the base numbers, so that each call can be told apart.
 */

const SERVICE = 'claude-code';
const usage = (n: number): AnthropicUsage => ({ input_tokens: 50 * n, cache_read_input_tokens: 4000 * n, cache_creation_input_tokens: 300 * n, output_tokens: 25 * n });
const reply = (n: number) => `Claude fake reply #${n}.`;
const FIRST_TOKEN_MS = 200;

const t = agentRun({
  agent: 'claude-code',
  pkg: '@anthropic-ai/claude-code',
  note: '`claude -p` against a fake Anthropic Messages API; telemetry variables as each test says. exchanges: what the fake provider was asked and answered.',
  home: 'claude',
  fake: () => startFakeAnthropic((n) => ({ text: reply(n), usage: usage(n) }), { firstTokenMs: FIRST_TOKEN_MS }),
});

/** Offline: only the fake provider, no update checks or other traffic. */
const offline = () => ({
  HOME: t.home.home,
  TERM: 'xterm-256color',
  ANTHROPIC_BASE_URL: t.fake.url,
  ANTHROPIC_API_KEY: 'fake-anthropic-key',
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_AUTOUPDATER: '1',
});

async function claude(env: Record<string, string>, ...args: string[]) {
  const run = await runCli(CLAUDE_BIN, args, { cwd: t.home.work, env: { ...offline(), ...env } });
  expect(run.exitCode, explain(run)).toBe(0);
  return run;
}

function expectCallOf(c: ApiCall, x: Exchange, n: number, prompt: string): void {
  const u = x.answer!.usage as unknown as AnthropicUsage;
  expect(c).toMatchObject({
    service: SERVICE,
    provider: 'anthropic',
    model: x.model,
    // Anthropic counts cached tokens apart from input_tokens; llmtop counts them inside, as OTel does.
    inputTokens: u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens,
    cacheReadTokens: u.cache_read_input_tokens,
    cacheWriteTokens: u.cache_creation_input_tokens,
    outputTokens: u.output_tokens,
    reasoningTokens: 0,
    costSource: 'reported',
    status: 'ok',
    prompt,
    response: reply(n),
    source: 'claude-code',
    sessionId: expect.stringMatching(SESSION_ID),
  });
  // The fake holds the first text back: Claude Code's TTFT and duration both hold the wait.
  expect(c.ttftMs).toBeGreaterThanOrEqual(FIRST_TOKEN_MS);
  expect(c.durationMs).toBeGreaterThanOrEqual(c.ttftMs!);
  expect(c.costUsd).toBeGreaterThan(0);
}

async function expectOneCallEach(): Promise<{ served: Exchange[]; calls: ApiCall[] }> {
  const served = t.fake.served();
  expect(served.every((x) => x.stream && x.path === '/v1/messages')).toBe(true);
  const calls = await callsOf(t.app, SERVICE);
  expect(calls.map((c) => c.outputTokens)).toEqual(served.map((x) => (x.answer!.usage as unknown as AnthropicUsage).output_tokens));
  expect(await summaryRequests(t.app)).toBe(served.length);
  return { served, calls };
}

describe(`Claude Code ${installedVersion('@anthropic-ai/claude-code')} → llmtop`, () => {
  it("the README's variables (log events and metrics over OTLP/protobuf): one call, with prompt, reply and reported cost", async () => {
    await claude(exportedVariables(readmeBlock('Claude Code', 'sh', t.capture.url)), '-p', 'Say hello');
    await settled(t.capture);

    const { served, calls } = await expectOneCallEach();
    expect(served).toHaveLength(1);
    expect(calls).toHaveLength(1);
    expectCallOf(calls[0]!, served[0]!, 1, 'Say hello');
    expect(captured(t.capture, 'traces')).toEqual([]);
  });

  it("`llmtop -- claude`'s variables: the same call", async () => {
    await claude(childEnv(offline(), { host: '127.0.0.1', port: Number(new URL(t.capture.url).port), token: null }, true), '-p', 'Say hello');
    await settled(t.capture);

    const { served, calls } = await expectOneCallEach();
    expect(served).toHaveLength(1);
    expectCallOf(calls[0]!, served[0]!, 1, 'Say hello');
  });

  it('its tracing beta, OTLP/JSON, two turns (-p, then --continue): the llm_request span and its events are one call each', async () => {
    const env = {
      CLAUDE_CODE_ENABLE_TELEMETRY: '1',
      CLAUDE_CODE_ENHANCED_TELEMETRY_BETA: '1',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_ENDPOINT: t.capture.url,
      OTEL_LOG_USER_PROMPTS: '1',
      OTEL_LOG_ASSISTANT_RESPONSES: '1',
    };
    await claude(env, '-p', 'First prompt: say hello');
    await claude(env, '--continue', '-p', 'Second prompt: say goodbye');
    await settled(t.capture);

    const { served, calls } = await expectOneCallEach();
    expect(served).toHaveLength(2);
    expectCallOf(calls[0]!, served[0]!, 1, 'First prompt: say hello');
    expectCallOf(calls[1]!, served[1]!, 2, 'Second prompt: say goodbye');
    // The events' trace context is the interaction's; the call sits on the request's own span.
    const requests = captured(t.capture, 'traces').filter((s) => s.name === 'claude_code.llm_request');
    expect(calls.map((c) => c.spanId)).toEqual(requests.map((s) => s.spanId));
    const interactions = new Set(captured(t.capture, 'traces').filter((s) => s.name === 'claude_code.interaction').map((s) => s.spanId));
    expect(captured(t.capture, 'logs').filter((l) => l.name === 'api_request' && interactions.has(l.spanId))).toHaveLength(2);
    await expectOneSessionOfTwoTurns(t.app, calls, ['First prompt: say hello', 'Second prompt: say goodbye']);
  });

  it('sends the events and attributes docs/AGENTS.md lists for this version', () => {
    expect(differences(documented('claude-code'), catalogOf('claude-code', t.capture.requests), installedVersion('@anthropic-ai/claude-code'))).toEqual([]);
  });
});
