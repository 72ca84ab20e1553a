import { afterEach, describe, expect, it } from 'vitest';
import { makeCall } from '../helpers/view-calls.js';

// The marks are what this file checks: chalk (under Ink) reads FORCE_COLOR once, when it loads,
// and llmtop's modules load Ink.
const before = process.env.FORCE_COLOR;
process.env.FORCE_COLOR = '1';
const { cleanup } = await import('ink-testing-library');
const { LiveDashboard } = await import('../../src/app/dashboard-source.js');
const { startTestLlmtop } = await import('../helpers/llmtop.js');
const { KEY } = await import('../helpers/ink-terminal.js');
const { lineWith, renderApp } = await import('../helpers/render-app.js');
if (before === undefined) delete process.env.FORCE_COLOR;
else process.env.FORCE_COLOR = before;

/*
 * `/` finds text too: typed words are looked for in prompts, responses and errors over the whole
 * store (a real llmtop's), beside the name filter of the live window; the log lists what they
 * match, newest first, says how many stored calls match, and marks the words in the log and in
 * the call detail.
 */

const YELLOW_BG = '\u001b[43m';
const plain = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

let app: Awaited<ReturnType<typeof startTestLlmtop>> | null = null;
afterEach(async () => {
  cleanup();
  await app?.close();
  app = null;
});

describe('/ searches the text of the stored calls', () => {
  it('finds a call from yesterday by a word of its prompt, counts the matches, and marks the word', async () => {
    const now = Date.now();
    app = await startTestLlmtop({}, () => now);
    // Yesterday's calls are out of the window and out of memory: only the store holds them.
    app.store.commit({
      upserted: [
        makeCall({ id: 'old-1', timeMs: now - 86400_000, model: 'gpt-4o', prompt: 'Please refund order 42', response: 'The refund is on its way.' }),
        makeCall({ id: 'old-2', timeMs: now - 86300_000, model: 'gpt-4o', prompt: 'Track my parcel', response: 'It left the depot.' }),
        makeCall({ id: 'old-3', timeMs: now - 86200_000, model: 'gpt-4o', status: 'error', prompt: 'Refunds policy?', response: null, error: 'refund service timed out' }),
      ],
      deleted: [],
    });
    app.stats.apply({ upserted: [makeCall({ id: 'live', timeMs: now - 5000, model: 'gpt-4o-mini', prompt: 'hello', response: 'hi' })], deleted: [], replaced: [] });
    const source = new LiveDashboard(app.stats, { search: app.search, runs: { index: app.runs, call: (id) => app!.store.call(id) } });
    const r = await renderApp(source, { columns: 120, rows: 30 });
    await r.press('/', 'refund', KEY.enter);
    const frame = r.frame();
    expect(plain(lineWith(frame, 'LOG'))).toContain('newest first · 2 calls · text matches 2 in the store');
    // Newest first: the failed one, its error holding the word, then the refund itself.
    const lines = frame.split('\n').filter((l) => /refund/i.test(plain(l)) && plain(l).includes(' → '));
    expect(lines).toHaveLength(2);
    expect(plain(lines[0]!)).toMatch(/ERR Refunds p.* → ✗ refund se/);
    // Cut around what was found.
    expect(plain(lines[1]!)).toMatch(/ok {2}…se refund… → The refund…/);
    for (const l of lines) expect(l).toContain(`${YELLOW_BG}`);
    // The live call that matches neither by name nor by text is not listed.
    expect(plain(frame)).not.toContain('hello');

    // The detail shows the whole text, the word marked there too.
    await r.press(KEY.tab, KEY.down, KEY.enter);
    const detail = r.frame();
    expect(plain(detail)).toContain('CALL openai/gpt-4o');
    const answer = detail.split('\n').find((l) => plain(l).includes('The refund is on its way'))!;
    expect(plain(answer)).toBe('The refund is on its way.');
    expect(answer).toMatch(/\u001b\[43m(\u001b\[\d+m)*refund/);
  });

  it('a name still filters as before, and words that match nothing say so', async () => {
    const now = Date.now();
    app = await startTestLlmtop({}, () => now);
    app.stats.apply({ upserted: [makeCall({ id: 'live', timeMs: now - 5000, model: 'gpt-4o-mini', prompt: 'hello', response: 'hi' })], deleted: [], replaced: [] });
    const source = new LiveDashboard(app.stats, { search: app.search });
    const r = await renderApp(source, { columns: 120, rows: 30 });
    await r.press('/', 'mini', KEY.enter);
    expect(plain(lineWith(r.frame(), 'LOG'))).toContain('newest first · 1 calls · text matches 0 in the store');
    expect(plain(r.frame())).toContain('hello');
    await r.press('/', KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace, 'zzzz', KEY.enter);
    expect(plain(lineWith(r.frame(), 'LOG'))).toContain('newest first · 0 calls · text matches 0 in the store');
    expect(plain(r.frame())).toContain('no calls match');
  });
});
