import { cleanup } from 'ink-testing-library';
import stringWidth from 'string-width';
import { afterEach, describe, expect, test } from 'vitest';
import { LiveDashboard } from '../../src/app/dashboard-source.js';
import { startTestLlmtop } from '../helpers/llmtop.js';
import { tracerFor } from '../helpers/otel.js';
import { lineWith, linesOf, renderApp } from '../helpers/render-app.js';

/* The `o` view over a real receiver fed by the OTel SDK's exporter. */

let running: Awaited<ReturnType<typeof startTestLlmtop>> | null = null;
afterEach(async () => {
  cleanup();
  await running?.close();
  running = null;
});

describe('sources (o)', () => {
  test('one row per sender with its fields, the hints under them, and it fits 80x24', async () => {
    running = await startTestLlmtop();
    const t = tracerFor(running.url, 'proto', { 'service.name': 'chatbot', 'telemetry.sdk.name': 'opentelemetry', 'telemetry.sdk.language': 'nodejs', 'telemetry.sdk.version': '2.0.1' });
    const now = Date.now();
    t.end(t.start('chat', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 3, 'gen_ai.usage.output_tokens': 2 }, now - 500), now);
    await t.flush();
    await fetch(`${running.url}/v1/logs`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x' });
    const source = new LiveDashboard(running.stats, { sources: running.sources });
    const r = await renderApp(running.stats, { columns: 80, rows: 24 }, { source });
    await r.press('o');
    const frame = r.frame();
    expect(lineWith(frame, 'chatbot')).toContain('opentelemetry nodejs 2.0.1 · test-instrumentation 1.0.0');
    expect(lineWith(frame, 'http/protobuf none')).toMatch(/seen .* ago {2}[\d.<]+ items\/s/);
    expect(lineWith(frame, 'http/text/plain none')).toContain('0 items/s');
    expect(lineWith(frame, 'refused 415×1')).toContain('Content-Type "text/plain" is not supported');
    expect(lineWith(frame, 'chatbot: none of 1 calls carry prompt text')).toBeDefined();
    expect(lineWith(frame, 'turn on:')).toContain('OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true');
    expect(lineWith(frame, 'o sources')).toBeDefined();
    const lines = linesOf(frame);
    expect(lines.length).toBeLessThanOrEqual(23);
    for (const l of lines) expect(stringWidth(l), l).toBeLessThanOrEqual(80);
    await r.press('o');
    expect(r.frame()).not.toContain('Sources');
    await t.shutdown();
  });
});
