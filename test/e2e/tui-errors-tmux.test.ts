import { describe, expect, it } from 'vitest';
import { tracerFor } from '../helpers/otel.js';
import { llmtopInTmux } from '../helpers/llmtop-tmux.js';

/*
 * The built bin/llmtop.js in a real 80x24 terminal: failures and a truncation sent by the OTel JS
 * SDK's exporter show in the errors view (e), open in the call detail, and compare (c) marks
 * every number as new against an empty previous window.
 */


const start = llmtopInTmux('errors');

describe('errors and compare in a real terminal', () => {
  it('e lists the failures per model and kind; Enter opens the latest; c compares', async () => {
    const { s, port } = await start({ cols: 80, rows: 24 });

    const t = tracerFor(`http://127.0.0.1:${port}`, 'proto', { 'service.name': 'support-bot' });
    const t0 = Date.now() - 20_000;
    const model = { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 100 };
    for (let i = 0; i < 3; i++) {
      const span = t.start('chat', { ...model, 'error.type': 'RateLimitError' }, t0 + i * 1000);
      t.end(span, t0 + i * 1000 + 300, `Rate limit reached for gpt-4o-mini, attempt ${i + 1}`);
    }
    const cut = t.start('chat', { ...model, 'gen_ai.usage.output_tokens': 256, 'gen_ai.response.finish_reasons': ['length'] }, t0 + 5000);
    t.end(cut, t0 + 7000);
    await t.shutdown();
    await s.waitFor((x) => x.includes('gpt-4o-mini'), 'the model row');

    s.keys('e');
    const view = await s.waitFor((x) => x.includes('ERRORS') && x.includes('truncated'), 'the errors view');
    expect(view.split('\n').find((l) => l.includes('rate limit') && l.includes('gpt-4o-mini'))).toMatch(/rate limit +3 /);
    expect(view).toMatch(/rate limit 3 +truncated 1/);
    for (const l of view.replace(/\n$/, '').split('\n')) expect([...l].length).toBeLessThanOrEqual(80);

    s.keys('Enter');
    const detail = await s.waitFor((x) => x.includes('▸ CALL '), 'the call detail');
    expect(detail).toContain('error (RateLimitError): Rate limit reached for gpt-4o-mini, attempt 3');
    s.keys('Escape');
    await s.waitFor((x) => x.includes('ERRORS'), 'the errors view again');
    s.keys('Escape');
    await s.waitFor((x) => x.includes('PROVIDER/MODEL'), 'the dashboard');

    s.keys('c');
    const compared = await s.waitFor((x) => x.includes('vs previous window'), 'the compared table');
    expect(compared.split('\n').find((l) => l.includes('openai/gpt-4o-mini') && !l.includes('→'))).toMatch(/4 +new .* +new/);
    s.keys('q');
    await s.waitFor(() => s.dead(), 'llmtop to exit', 5000);
  });
});
