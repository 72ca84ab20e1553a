import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { tracerFor } from '../helpers/otel.js';
import { freePort } from '../helpers/ports.js';
import { TmuxSession } from '../helpers/tmux.js';

/* The built llmtop in tmux, fed by the OTel JS SDK: `b` blurs the screen, `y` copies a call. */

const BIN = path.resolve('bin/llmtop.js');
let session: TmuxSession | null = null;
let dir = '';
afterEach(() => {
  session?.kill();
  session = null;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it('b hides the prompts and says blurred; y copies the selected call to copied.json in the cache dir', async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-share-'));
  const port = await freePort();
  // XDG_CACHE_HOME: the llmtop cache dir, where copied.json goes, inside the test's directory.
  session = new TmuxSession(`node ${BIN} --port ${port} --grpc-port 0 --db ${path.join(dir, 'tui.db')}`, 100, 30, { TZ: 'UTC', XDG_CACHE_HOME: dir }, 'f-share');
  const s = session;
  await s.waitFor((x) => x.includes(`127.0.0.1:${port}`), 'the empty state');

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
  const file = path.join(dir, 'llmtop', 'copied.json');
  await s.waitFor((x) => x.includes('copied call as JSON'), 'the copy notice');
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ model: 'gpt-4o-mini', prompt: 'private question 2', response: 'private answer 2', service: 'support-bot' });
  // The screen stays blurred while copying.
  expect(s.screen()).not.toContain('private');
  s.keys('q');
  await s.waitFor(() => s.dead(), 'llmtop to exit', 5000);
});
