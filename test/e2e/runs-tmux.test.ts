import { describe, expect, it } from 'vitest';
import { tracerFor } from '../helpers/otel.js';
import { llmtopInTmux } from '../helpers/llmtop-tmux.js';

/* The built bin/llmtop.js in tmux: an agent turn sent by the OTel JS SDK, opened with r → Enter → Enter. */


const start = llmtopInTmux('runs');

describe('the runs view in a real terminal', () => {
  it('r lists the agent turn, Enter shows its span tree, Enter on a call its prompt and response', async () => {
    const { s, port } = await start({ cols: 80, rows: 24 });

    const t = tracerFor(`http://127.0.0.1:${port}`, 'proto', { 'service.name': 'travel-agent' });
    const t0 = Date.now() - 20_000;
    const root = t.start('invoke_agent trip-planner', { 'gen_ai.operation.name': 'invoke_agent' }, t0);
    const chat = (model: string, prompt: string, response: string) => ({
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': model,
      'gen_ai.usage.input_tokens': 900,
      'gen_ai.usage.output_tokens': 60,
      'gen_ai.usage.cost': 0.4,
      'gen_ai.prompt': prompt,
      'gen_ai.completion': response,
    });
    t.end(t.start('chat gpt-4.1', chat('gpt-4.1', 'Find a train from Lyon to Turin', 'Take the TGV at 07:12 via Chambéry.'), t0 + 100, root), t0 + 1100);
    t.end(t.start('execute_tool timetable', { 'gen_ai.operation.name': 'execute_tool' }, t0 + 1100, root), t0 + 1300);
    t.end(t.start('chat gpt-4o-mini', chat('gpt-4o-mini', 'Summarize the plan', 'One train, one change.'), t0 + 1300, root), t0 + 1800);
    t.end(root, t0 + 2000);
    await t.shutdown();

    await s.waitFor((x) => x.includes('gpt-4.1'), 'the dashboard with the calls');
    s.keys('r');
    const list = await s.waitFor((x) => x.includes('RUNS') && x.includes('invoke_agent trip-planner'), 'the runs view');
    expect(list).toContain('$0.8000');
    s.keys('Enter');
    const tree = await s.waitFor((x) => x.includes('RUN invoke_agent') && x.includes('execute_tool timetable'), 'the run tree');
    expect(tree).toMatch(/◆ gpt-4\.1/);
    s.keys('Down');
    s.keys('Enter');
    const detail = await s.waitFor((x) => x.includes('Take the TGV at 07:12'), 'the call with its text');
    expect(detail).toContain('Find a train from Lyon to Turin');
    for (const l of detail.replace(/\n$/, '').split('\n')) expect(l.length).toBeLessThanOrEqual(80);
    s.keys('Escape');
    await s.waitFor((x) => x.includes('RUN invoke_agent'), 'the tree again');
    s.keys('q');
    await s.waitFor(() => s.dead(), 'llmtop to exit', 5000);
  });
});
