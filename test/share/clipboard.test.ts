import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { osc52 } from '../../src/share/clipboard.js';
import { copyCall } from '../../src/share/copy.js';
import { makeCall } from '../helpers/view-calls.js';

/** `y` and `Y`: the clipboard escape, and the file beside it. */

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'llmtop-copy-'));
  dirs.push(d);
  return path.join(d, 'cache');
}

describe('OSC 52', () => {
  it.each([
    ['plain', false, '\u001b]52;c;aGk=\u0007'],
    ['tmux', true, '\u001bPtmux;\u001b\u001b]52;c;aGk=\u0007\u001b\\'],
  ])('%s: the exact bytes', (_name, inTmux, bytes) => expect(osc52('hi', inTmux)).toBe(bytes));

  it('carries any text as base64, escapes and newlines included', () => {
    const text = 'ü\n\u001b[31m"x"';
    const seq = osc52(text, false);
    expect(Buffer.from(seq.slice('\u001b]52;c;'.length, -1), 'base64').toString('utf8')).toBe(text);
  });
});

describe('copyCall', () => {
  it('writes the escape and copied.json (mode 600), and says where', () => {
    const writes: string[] = [];
    const dir = tempDir();
    const call = makeCall({ id: 'c1', prompt: 'secret prompt' });
    const notice = copyCall(call, 'json', { write: (b) => writes.push(b), inTmux: false, dir });
    const file = path.join(dir, 'copied.json');
    expect(notice).toBe(`copied call as JSON to the clipboard and ${file}`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(json).toMatchObject({ id: 'c1', prompt: 'secret prompt', time: new Date(call.timeMs).toISOString() });
    expect(writes).toHaveLength(1);
    expect(Buffer.from(writes[0]!.slice(7, -1), 'base64').toString('utf8')).toBe(fs.readFileSync(file, 'utf8'));
  });

  it('Y writes copied.sh; past the OSC 52 limit only the file, and the notice says so', () => {
    const writes: string[] = [];
    const dir = tempDir();
    const notice = copyCall(makeCall({ prompt: 'x'.repeat(200_000) }), 'curl', { write: (b) => writes.push(b), inTmux: true, dir });
    expect(writes).toHaveLength(0);
    expect(notice).toBe(`curl replay too large for the clipboard: saved to ${path.join(dir, 'copied.sh')}`);
    expect(fs.readFileSync(path.join(dir, 'copied.sh'), 'utf8')).toMatch(/^# llmtop: replay/);
  });

  it('tightens a copied file an older run left readable to others', () => {
    const dir = tempDir();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'copied.json'), 'old', { mode: 0o644 });
    copyCall(makeCall(), 'json', { write: () => {}, inTmux: false, dir });
    expect(fs.statSync(path.join(dir, 'copied.json')).mode & 0o777).toBe(0o600);
  });
});
