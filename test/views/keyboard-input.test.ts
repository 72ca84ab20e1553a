import { describe, expect, it } from 'vitest';
import { keysOnly, splitIncomplete } from '../../src/views/keyboard-input.js';

describe('keyboard input for Ink', () => {
  it.each([
    ['plain text', 'q', 'q'],
    ['arrows', '\u001b[A\u001b[B', '\u001b[A\u001b[B'],
    ['Shift+Tab', '\u001b[Z', '\u001b[Z'],
    ['PgUp, PgDn, Delete', '\u001b[5~\u001b[6~\u001b[3~', '\u001b[5~\u001b[6~\u001b[3~'],
    ['Ctrl+arrow', '\u001b[1;5C', '\u001b[1;5C'],
    ['F5', '\u001b[15~', '\u001b[15~'],
    ['a lone Esc', '\u001b', '\u001b'],
    ['a pasted colour code, which crashes Ink', 'a\u001b[31mred\u001b[0m', 'ared'],
    ['bracketed paste markers', '\u001b[200~hi\u001b[201~', 'hi'],
    ['a title OSC', '\u001b]0;pwned\u0007x', 'x'],
    ['cursor position report', '\u001b[12;40R', ''],
  ])('%s', (_name, input, expected) => expect(keysOnly(input)).toBe(expected));

  it('holds back a sequence cut at the end of a chunk', () => {
    expect(splitIncomplete('ab\u001b[3')).toEqual({ text: 'ab', rest: '\u001b[3' });
    expect(splitIncomplete('ab\u001b')).toEqual({ text: 'ab\u001b', rest: '' });
    expect(splitIncomplete('\u001b[A')).toEqual({ text: '\u001b[A', rest: '' });
  });
});
