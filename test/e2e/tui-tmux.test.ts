import { describe, expect, it } from 'vitest';
import { tracerFor } from '../helpers/otel.js';
import { llmtopInTmux } from '../helpers/llmtop-tmux.js';

/*
 * The built bin/llmtop.js in a real terminal (tmux), fed real OTLP traffic by the OTel JS SDK's
 * protobuf exporter; the screen is read as a user would see it.
 */


const inTmux = llmtopInTmux();
/** Ready when the empty state shows the address to point an SDK at. */
const start = (cols: number, rows: number) => inTmux({ cols, rows });

async function sendTraffic(url: string) {
  const t = tracerFor(url, 'proto', { 'service.name': 'support-bot', 'deployment.environment': 'production' });
  const t0 = Date.now() - 30_000;
  for (let i = 0; i < 20; i++) {
    const span = t.start(
      'chat',
      {
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.request.is_stream': true,
        'gen_ai.usage.input_tokens': 100,
        'gen_ai.usage.output_tokens': 50,
        'gen_ai.usage.cost': 0.25,
        'gen_ai.server.time_to_first_token': 0.3,
        'gen_ai.prompt': i === 19 ? 'Where is my parcel #7781?' : `question ${i}`,
        'gen_ai.completion': i === 19 ? 'Your parcel left the depot this morning and arrives tomorrow before noon.' : `answer ${i}`,
      },
      t0 + i * 1000,
    );
    t.end(span, t0 + i * 1000 + 2000);
  }
  const slow = t.start('chat', { 'gen_ai.system': 'anthropic', 'gen_ai.request.model': 'claude-haiku-4-5', 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 5 }, t0);
  t.end(slow, t0 + 4000);
  await t.shutdown();
}

describe('llmtop in a real terminal', () => {
  it('shows the provider/model rows with P95 and TTFT, the cost and the prompt; Enter shows the full response; q quits', async () => {
    const { url, s } = await start(140, 45);
    await sendTraffic(url);
    const screen = await s.waitFor((x) => x.includes('openai/gpt-4o-mini') && x.includes('anthropic/claude-haiku-4-5'), 'the model rows');
    const row = screen.split('\n').find((l) => l.includes('openai/gpt-4o-mini') && !l.includes('→'))!;
    expect(row).toMatch(/\b20\b/); // requests
    expect(row).toMatch(/2\.0s/); // P50 and P95 latency
    expect(row).toMatch(/30\dms/); // P95 TTFT, about 300ms
    expect(row).toContain('$5.00'); // 20 calls at $0.25 reported
    expect(screen).toContain('Where is my parcel'); // the prompt in the log, cut to its column

    // Focus the log; the newest call is selected first; open it.
    s.keys('Tab');
    await s.waitFor((x) => /›.*Where is my parcel/.test(x), 'the log focused on the newest call');
    s.keys('Enter');
    const detail = await s.waitFor((x) => x.includes('arrives tomorrow before noon'), 'the full response');
    expect(detail).toContain('Where is my parcel #7781?');
    s.keys('Escape');
    await s.waitFor((x) => x.includes('PROVIDER/MODEL'), 'the dashboard again');

    s.keys('q');
    await s.waitFor(() => s.dead(), 'llmtop to exit', 5000);
  });

  it('survives escape sequences typed or pasted at the keyboard', async () => {
    const { s } = await start(100, 30);
    s.type('\u001b[31mred\u001b[0m\u001b]0;title\u0007');
    s.keys('?');
    await s.waitFor((x) => x.includes('HELP'), 'the help after the paste');
    expect(s.dead()).toBe(false);
    s.keys('Escape');
    await s.waitFor((x) => !x.includes('HELP'), 'the help to close');
    s.keys('q');
    await s.waitFor(() => s.dead(), 'llmtop to exit', 5000);
  });

  it('fits 80x24 with traffic', async () => {
    const { url, s } = await start(80, 24);
    await sendTraffic(url);
    const screen = await s.waitFor((x) => x.includes('gpt-4o-mini'), 'the model row');
    const lines = screen.replace(/\n$/, '').split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(80);
    expect(screen).toMatch(/q quit/);
  });
});
