import { afterEach, describe, expect, test } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { KEY } from '../helpers/ink-terminal.js';
import { ADDRESS, lineWith, linesOf, renderApp } from '../helpers/render-app.js';
import { dashboardCalls, makeCall, NOW, statsWith } from '../helpers/view-calls.js';

afterEach(() => cleanup());

describe('panels', () => {
  test('header: address, window, live, totals with estimated cost marked', async () => {
    const r = await renderApp(statsWith(dashboardCalls()));
    const [first, second] = linesOf(r.frame());
    expect(first).toBe(`llmtop ● live  ${ADDRESS}  window 5m`);
    // 24 calls in 5m (the gemini call is older), 1 failed; 20×1000+4×100 in, 20×200+4×50 out.
    expect(second).toBe('24 req  0.08 req/s  4.2% err  tokens in 20.4k out 4.2k  cost ~$0.6000  (~ estimated)');
  });

  test('table: one row per provider/model with requests, rate, P50, P95, TTFT, speed, tokens, cache, cost, errors', async () => {
    const r = await renderApp(statsWith(dashboardCalls()));
    const frame = r.frame();
    expect(lineWith(frame, 'PROVIDER/MODEL').split(/ +/).slice(2)).toEqual([
      'REQS', 'REQ/S', 'P50', 'P95', 'TTFT', 'TOK/S', 'TOKENS', 'CTX95', 'CACHE', 'COST', 'ERR%',
    ]);
    // gpt-4o's calls spend their whole duration before the first token: no generation time, no speed.
    expect(lineWith(frame, 'openai/gpt-4o').split(/ +/).slice(1)).toEqual([
      'openai/gpt-4o', '20', '0.07', '1.0s', '1.9s', '1.9s', '-', '24.0k', '-', '25%', '$0.2000', '0%',
    ]);
    // 50 output tokens in 3 s.
    expect(lineWith(frame, 'anthropic/claude').split(/ +/).slice(1)).toEqual([
      'anthropic/claude-sonnet-4-5', '4', '0.01', '3.0s', '3.0s', '-', '17', '600', '-', '0%', '~$0.4000', '25%',
    ]);
    expect(frame).not.toContain('gemini');
    expect(lineWith(frame, 'TABLE')).toContain('by provider/model · sort requests ▼ · 2 rows');
  });

  test('log: newest first, one line with time, model, duration, TTFT, tokens, cost, status, prompt → response', async () => {
    const r = await renderApp(statsWith(dashboardCalls()));
    const frame = r.frame();
    expect(lineWith(frame, 'LOG')).toContain('newest first · 25 calls');
    const lines = linesOf(frame);
    const first = lines.findIndex((l) => l.includes('11:59:59'));
    expect(lines[first]!.split(/ +/).slice(1)).toEqual(['11:59:59', 'gpt-4o', '100ms', '100ms', '1.0k/200', '$0.0100', 'ok', 'question', '0', '→', 'answer', '0']);
    expect(lines[first + 1]).toContain('11:59:58');
    const claudeOnly = await renderApp(statsWith(dashboardCalls().filter((c) => c.provider === 'anthropic')));
    const failed = lineWith(claudeOnly.frame(), '11:59:30');
    expect(failed).toMatch(/claude-sonnet… +3\.0s +- +100\/50 +~\$0\.1000 ERR +claude prompt 0 → ✗ rate limited/);
  });

  test('sparklines: request rate, tokens/s and cost over the window', async () => {
    const r = await renderApp(statsWith(dashboardCalls()));
    const frame = r.frame();
    const titles = lineWith(frame, 'req/s avg');
    expect(titles).toContain('req/s avg 0.08');
    // 24 calls × 1200 or 150 tokens over 300 s.
    expect(titles).toContain('tokens/s avg 82.0');
    expect(titles).toContain('cost/min · ~$0.6000 in 5m');
    // 100 columns: 25 points of 12 s; the newest holds 12 gpt calls, so the peak is 1.0 req/s.
    const top = linesOf(frame)[4]!;
    expect(top.trimStart().startsWith('1.0 ┼')).toBe(true);
    expect(linesOf(frame)[6]).toMatch(/^ +0 ┼─+/);
  });

  test('detail: Enter on a log line shows the full prompt and response', async () => {
    const long = makeCall({
      id: 'long',
      timeMs: NOW - 100,
      prompt: 'System: be brief.\nUser: what is the capital of France, and why is it that one?',
      response: 'Paris. It has been the capital since 987 with short interruptions.',
    });
    const r = await renderApp(statsWith([...dashboardCalls(), long]));
    await r.press(KEY.tab, KEY.enter);
    const frame = r.frame();
    expect(lineWith(frame, '▸ CALL')).toContain('openai/gpt-4o');
    expect(frame).toContain('System: be brief.');
    expect(frame).toContain('User: what is the capital of France, and why is it that one?');
    expect(frame).toContain('Paris. It has been the capital since 987 with short interruptions.');
    expect(frame).toContain('cost $0.0010 (reported)');
    expect(frame).not.toContain('TABLE');
  });

  test('empty state: how to point an SDK at it', async () => {
    const r = await renderApp(statsWith([]), { columns: 80, rows: 24 });
    const frame = r.frame();
    expect(frame).toContain(`Waiting for LLM calls on http://${ADDRESS}`);
    expect(frame).toContain(`export OTEL_EXPORTER_OTLP_ENDPOINT=http://${ADDRESS}`);
    expect(frame).toContain('export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf');
    expect(frame).toContain(`openlit.init(otlp_endpoint="http://${ADDRESS}")`);
    expect(frame).toContain(`Openlit.init({ otlpEndpoint: "http://${ADDRESS}" })`);
    // Claude Code, continued with backslashes so it pastes as one command at 80 columns.
    const claude = linesOf(frame).slice(linesOf(frame).findIndex((l) => l.includes('Claude Code:')) + 1, -1).join('\n');
    expect(claude).toContain('CLAUDE_CODE_ENABLE_TELEMETRY=1 OTEL_LOGS_EXPORTER=otlp \\');
    expect(claude.replace(/ \\\n +/g, ' ')).toContain(
      `CLAUDE_CODE_ENABLE_TELEMETRY=1 OTEL_LOGS_EXPORTER=otlp OTEL_METRICS_EXPORTER=otlp OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf OTEL_EXPORTER_OTLP_ENDPOINT=http://${ADDRESS} claude`,
    );
    expect(frame).not.toContain('TABLE');
  });

  test('a filter that matches nothing is not the empty state', async () => {
    const r = await renderApp(statsWith(dashboardCalls()));
    await r.press('/', 'nomatch', KEY.enter);
    const frame = r.frame();
    expect(frame).not.toContain('Waiting for LLM calls');
    // The table matches names; words of the text are looked for by the log.
    expect(frame).toContain('no provider/model in this window has "nomatch" in its name · calls whose text has it are in the l');
    expect(frame).toContain('no calls match');
  });

  test('--no-content: the header says so and the log does not pretend', async () => {
    const calls = [makeCall({ prompt: null, response: null })];
    const r = await renderApp(statsWith(calls), undefined, { info: { address: ADDRESS, noContent: true } });
    const frame = r.frame();
    expect(linesOf(frame)[0]).toContain('no content');
    expect(frame).toContain('(content not stored)');
    await r.press(KEY.tab, KEY.enter);
    expect(r.frame()).toContain('(not stored: llmtop runs with --no-content)');
  });
});
