import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { tracerFor } from '../helpers/otel.js';
import { llmtopInTmux } from '../helpers/llmtop-tmux.js';

/* The built llmtop in tmux, fed by the OTel JS SDK: `b` blurs the screen, `y` copies a call. */

const start = llmtopInTmux('share');

it('b hides the prompts and says blurred; y copies the selected call to copied.json in the cache dir', async () => {
  // The llmtop cache dir, where copied.json goes, is inside the test's folder.
  const { s, port, dir } = await start({ cols: 100, rows: 30 });

  const t = tracerFor(`http://127.0.0.1:${port}`, 'proto', { 'service.name': 'support-bot' });
  const t0 = Date.now() - 10_000;
  for (let i = 0; i < 3; i++) {
    const span = t.start('chat', { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.prompt': `private question ${i}`, 'gen_ai.completion': `private answer ${i}` }, t0 + i * 1000);
    t.end(span, t0 + i * 1000 + 500);
  }
  await t.shutdown();
  await s.waitFor((x) => x.includes('private question 2'), 'the prompts in the log');

  s.keys('b');
  const blurred = await s.waitFor((x) => x.includes('blurred'), 'the header to say blurred');
  expect(blurred).not.toContain('private');

  s.keys('y');
  const file = path.join(dir, 'cache', 'llmtop', 'copied.json');
  await s.waitFor((x) => x.includes('copied call as JSON'), 'the copy notice');
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ model: 'gpt-4o-mini', prompt: 'private question 2', response: 'private answer 2', service: 'support-bot' });
  // The screen stays blurred while copying.
  expect(s.screen()).not.toContain('private');
  s.keys('q');
  await s.waitFor(() => s.dead(), 'llmtop to exit', 5000);
});
