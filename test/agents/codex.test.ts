import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApiCall } from '../sdk/shared.js';
import type { Exchange } from './fake-provider.js';
import { catalogOf, documented, differences } from './catalog.js';
import { CODEX_JS, explain, installedVersion, runCli, settled, writeFile } from './cli.js';
import { startFakeResponses, type ResponsesUsage } from './fake-responses.js';
import { agentRun, callsOf, captured, expectOneSessionOfTwoTurns, readmeBlock, SESSION_ID, summaryRequests } from './shared.js';

/*
 * Codex (`codex exec`, the Rust CLI behind @openai/codex) driven for real against a fake
 * OpenAI Responses API on loopback, its telemetry going through the capturing relay to a real
 * llmtop (captured/codex.json keeps what it sent). Codex only streams the Responses API (SSE;
 * its `wire_api = "chat"` is gone), so there is no plain request to test. Each process also
 * POSTs {base_url}/analytics/codex/turn-costs, which is no model request: the fake answers it
 * 404 and it counts for nothing.
 *
 * Turn n answers n times the base numbers, so that each call can be told apart.
 */

const SERVICE = 'codex_exec';
const MODEL = 'gpt-5.1-codex';
const usage = (n: number): ResponsesUsage => ({ input_tokens: 1200 * n, cached_tokens: 1000 * n, output_tokens: 42 * n, reasoning_tokens: 7 * n });
const reply = (n: number) => `Codex fake reply #${n}.`;
const FIRST_TOKEN_MS = 300;

const t = agentRun({
  agent: 'codex',
  pkg: '@openai/codex',
  note: '`codex exec` against a fake OpenAI Responses API (always SSE); [otel] exporters in config.toml, as each test says. exchanges: what the fake provider was asked and answered.',
  home: 'codex',
  fake: () => startFakeResponses((n) => ({ text: reply(n), usage: usage(n) }), { firstTokenMs: FIRST_TOKEN_MS }),
});

/** config.toml: the fake as a custom provider, then the test's [otel] table. */
function configure(otel: string): void {
  writeFile(
    path.join(t.home.home, '.codex', 'config.toml'),
    `model = "${MODEL}"
model_provider = "fake"
check_for_update_on_startup = false

[model_providers.fake]
name = "Fake OpenAI"
base_url = "${t.fake.url}/v1"
env_key = "FAKE_OPENAI_API_KEY"
wire_api = "responses"
request_max_retries = 0
stream_max_retries = 0

[analytics]
enabled = false

${otel}
`,
  );
}

/** `codex exec ...` in the test's HOME; outside a git repository it needs --skip-git-repo-check. */
async function codex(...args: string[]) {
  const run = await runCli(process.execPath, [CODEX_JS, 'exec', '--skip-git-repo-check', ...args], {
    cwd: t.home.work,
    env: { HOME: t.home.home, CODEX_HOME: path.join(t.home.home, '.codex'), FAKE_OPENAI_API_KEY: 'fake-openai-key', TERM: 'xterm' },
  });
  expect(run.exitCode, explain(run)).toBe(0);
  return run;
}

/** [otel] exporting all three signals over OTLP/HTTP in the given encoding. */
function allSignals(protocol: 'json' | 'binary'): string {
  const exporter = (signal: string) => `{ otlp-http = { endpoint = "${t.capture.url}/v1/${signal}", protocol = "${protocol}" } }`;
  return `[otel]
environment = "e2e"
log_user_prompt = true
log_agent_responses = true
exporter = ${exporter('logs')}
trace_exporter = ${exporter('traces')}
metrics_exporter = ${exporter('metrics')}`;
}

/** The fields a call must have for the n-th model request the fake served. */
function expectCallOf(c: ApiCall, x: Exchange, n: number, prompt: string): void {
  const u = x.answer!.usage as unknown as ResponsesUsage;
  expect(c).toMatchObject({
    service: SERVICE,
    provider: 'openai',
    model: MODEL,
    inputTokens: u.input_tokens,
    cacheReadTokens: u.cached_tokens,
    cacheWriteTokens: 0,
    outputTokens: u.output_tokens,
    reasoningTokens: u.reasoning_tokens,
    // Codex reports no time to first token of a request, only of a turn.
    ttftMs: null,
    status: 'ok',
    prompt,
    response: reply(n),
    source: 'codex',
    sessionId: expect.stringMatching(SESSION_ID),
  });
  // The cost is estimated from the price data (Codex reports none): not this test's business.
  // From the request's start to its end: the fake holds the first text back.
  expect(c.durationMs).toBeGreaterThanOrEqual(FIRST_TOKEN_MS);
}

async function expectServedOnce(): Promise<{ served: Exchange[]; calls: ApiCall[] }> {
  const served = t.fake.served();
  expect(served.every((x) => x.stream && x.path === '/v1/responses')).toBe(true);
  expect(t.fake.exchanges.filter((x) => x.answer === null).map((x) => x.path)).toEqual(expect.arrayContaining(['/v1/analytics/codex/turn-costs']));
  const calls = await callsOf(t.app, SERVICE);
  expect(calls.map((c) => c.outputTokens)).toEqual(served.map((x) => (x.answer!.usage as unknown as ResponsesUsage).output_tokens));
  expect(await summaryRequests(t.app)).toBe(served.length);
  return { served, calls };
}

describe(`Codex ${installedVersion('@openai/codex')} → llmtop`, () => {
  it('logs, traces and metrics over OTLP/JSON: one call for the one request, none of the internal spans', async () => {
    configure(allSignals('json'));
    await codex('Say hello');
    await settled(t.capture);

    const { served, calls } = await expectServedOnce();
    expect(served).toHaveLength(1);
    expect(calls).toHaveLength(1);
    const c = calls[0]!;
    expectCallOf(c, served[0]!, 1, 'Say hello');
    expect(c.environment).toBe('');
    // The call is the HTTP request Codex made: the span whose context it sent to the provider.
    const [, traceId, spanId] = served[0]!.headers.traceparent!.split('-');
    expect({ traceId: c.traceId, spanId: c.spanId }).toEqual({ traceId, spanId });

    // What would have made calls before: hundreds of internal spans, a dozen naming the model
    // (and session_task.turn with the turn's totals, when it ends before the last export), one
    // with the request's usage but no model.
    const spans = captured(t.capture, 'traces');
    expect(spans.length).toBeGreaterThan(100);
    expect(spans.filter((s) => s.attributes.model === MODEL).map((s) => s.name)).toEqual(
      expect.arrayContaining(['get_model_info', 'run_sampling_request', 'try_run_sampling_request', 'model_client.stream_responses_api']),
    );
    expect(spans.find((s) => s.name === 'handle_responses' && s.attributes['gen_ai.usage.input_tokens'] !== undefined)?.attributes.model).toBeUndefined();
    // ... and two response.completed events per request, one of them without usage.
    expect(captured(t.capture, 'logs').filter((l) => l.attributes['event.kind'] === 'response.completed')).toHaveLength(2);
  });

  it('OTLP/protobuf, two turns (exec, then exec resume --last): a call each, with its own prompt and reply', async () => {
    configure(allSignals('binary'));
    await codex('First prompt: say hello');
    await codex('resume', '--last', 'Second prompt: say goodbye');
    await settled(t.capture);

    const { served, calls } = await expectServedOnce();
    expect(served).toHaveLength(2);
    expect(calls).toHaveLength(2);
    expectCallOf(calls[0]!, served[0]!, 1, 'First prompt: say hello');
    expectCallOf(calls[1]!, served[1]!, 2, 'Second prompt: say goodbye');
    await expectOneSessionOfTwoTurns(t.app, calls, ['First prompt: say hello', 'Second prompt: say goodbye']);
  });

  it("the README's set-up (log events only, protobuf): the same call", async () => {
    configure(readmeBlock('Codex', 'toml', t.capture.url));
    await codex('Say hello');
    await settled(t.capture);

    const { served, calls } = await expectServedOnce();
    expect(served).toHaveLength(1);
    expect(calls).toHaveLength(1);
    expectCallOf(calls[0]!, served[0]!, 1, 'Say hello');
    expect(captured(t.capture, 'traces')).toEqual([]);
  });

  it('sends the events and attributes docs/AGENTS.md lists for this version', () => {
    const doc = documented('codex');
    expect(differences(doc, catalogOf('codex', t.capture.requests), installedVersion('@openai/codex'))).toEqual([]);
  });
});
