import stringWidth from 'string-width';
import { describe, expect, test } from 'vitest';
import { cell, clipLine, fit, sanitizeLine, sanitizeText, truncate, wrapText } from '../../src/views/sanitize.js';

describe('sanitizeLine: wire text becomes visible, one line', () => {
  test.each([
    ['plain text', 'plain text'],
    ['SGR colour', '\u001b[31mred\u001b[0m', '^[[31mred^[[0m'],
    ['cursor movement', 'a\u001b[2J\u001b[H', 'a^[[2J^[[H'],
    ['OSC window title', '\u001b]0;pwned\u0007', '^[]0;pwned^G'],
    ['OSC 52 clipboard write', '\u001b]52;c;ZXZpbA==\u001b\\', '^[]52;c;ZXZpbA==^[\\'],
    ['C1 CSI', '\u009b31mx', '\\x9b31mx'],
    ['C1 OSC', '\u009d0;t\u009c', '\\x9d0;t\\x9c'],
    ['carriage return overwrite', 'safe\rEVIL', 'safe^MEVIL'],
    ['backspace', 'ab\bc', 'ab^Hc'],
    ['DEL', 'a\u007fb', 'a^?b'],
    ['NUL and BEL', '\u0000\u0007', '^@^G'],
    ['newline', 'one\ntwo', 'one ⏎ two'],
    ['CR LF is one break', 'one\r\ntwo', 'one ⏎ two'],
    ['line separator', 'a\u2028b', 'a ⏎ b'],
    ['tab', 'a\tb', 'a b'],
    ['bidi override', 'abc\u202edef', 'abc<U+202E>def'],
    ['bidi isolate', '\u2066x\u2069', '<U+2066>x<U+2069>'],
    ['lone surrogate', 'a\ud800b', 'a\ufffdb'],
    ['emoji kept', 'hi 😀 👨‍👩‍👧', 'hi 😀 👨‍👩‍👧'],
    ['CJK kept', '模型', '模型'],
  ])('%s', (_name, input, expected = input) => {
    const out = sanitizeLine(input);
    expect(out).toBe(expected);
    expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });
});

describe('sanitizeText: multi-line', () => {
  test.each([
    ['keeps newlines', 'a\nb', 'a\nb'],
    ['CR LF to newline', 'a\r\nb', 'a\nb'],
    ['lone CR visible', 'a\rb', 'a^Mb'],
    ['tab to spaces', '\tx', '    x'],
    ['escape visible', '\u001b[1mB', '^[[1mB'],
  ])('%s', (_name, input, expected) => {
    expect(sanitizeText(input)).toBe(expected);
  });
});

describe('truncate and fit keep columns', () => {
  test.each([
    ['ascii fits', 'abc', 5, 'abc'],
    ['ascii cut', 'abcdef', 4, 'abc…'],
    ['CJK cut on a character', '模型模型', 5, '模型…'],
    ['emoji not split', 'a😀😀', 4, 'a😀…'],
    ['wide char that does not fit', 'a😀😀', 3, 'a…'],
    ['ZWJ family kept whole', '👨‍👩‍👧👨‍👩‍👧', 3, '👨‍👩‍👧…'],
    ['zero width', 'x', 0, ''],
  ])('%s', (_name, input, width, expected) => {
    const t = truncate(input, width);
    expect(t).toBe(expected);
    expect(stringWidth(t)).toBeLessThanOrEqual(width);
  });

  test.each([
    ['模型', 6],
    ['a😀😀', 3],
    ['gpt-4o', 10],
    ['very-long-model-name-here', 8],
  ])('fit(%j, %i) is exactly that wide, both alignments', (text, width) => {
    expect(stringWidth(fit(text, width))).toBe(width);
    expect(stringWidth(fit(text, width, 'right'))).toBe(width);
  });

  test('right alignment pads on the left', () => {
    expect(fit('12', 5, 'right')).toBe('   12');
  });

  test('cell sanitizes and fits wire text', () => {
    expect(cell('\u001b[31mx', 8)).toBe('^[[31mx ');
    expect(cell(null, 3)).toBe('   ');
  });
});

describe('clipLine on huge text', () => {
  test('a megabyte prompt is cut before sanitizing, still marked as cut', () => {
    const huge = 'x'.repeat(1_000_000);
    const start = performance.now();
    const out = clipLine(huge, 40);
    expect(performance.now() - start).toBeLessThan(50);
    expect(out).toBe('x'.repeat(39) + '…');
  });

  test('many zero-width characters still end in an ellipsis when cut', () => {
    const out = clipLine('a' + '\u0301'.repeat(10_000) + 'tail', 10);
    expect(out.endsWith('…')).toBe(true);
    expect(out).not.toContain('tail');
  });
});

describe('wrapText', () => {
  test('wraps at spaces, keeps breaks, hard-wraps long words', () => {
    expect(wrapText('the quick brown fox\nabcdefghij', 9)).toEqual(['the quick', 'brown fox', 'abcdefghi', 'j']);
  });

  test('wide characters never overflow a line', () => {
    const lines = wrapText('模型模型模型 😀😀😀😀', 5);
    for (const l of lines) expect(stringWidth(l)).toBeLessThanOrEqual(5);
    expect(lines.join('')).toBe('模型模型模型😀😀😀😀');
  });

  test('escapes in multi-line text become visible', () => {
    expect(wrapText('a\u001b]0;x\u0007\nb', 40)).toEqual(['a^[]0;x^G', 'b']);
  });
});
