import { describe, expect, it } from 'vitest';
import { searchWords, wordsQuery } from '../../src/domain/search.js';
import { clipAround, highlighted } from '../../src/views/highlight.js';

describe('words typed into a search', () => {
  it.each([
    ['refund', ['refund'], '"refund"*'],
    ['  refund   order 42 ', ['refund', 'order', '42'], '"refund"* "order"* "42"*'],
    // Punctuation and quotes are text, never FTS5 syntax.
    ['#42 gpt-4o', ['#42', 'gpt-4o'], '"#42"* "gpt-4o"*'],
    ['say "hi', ['say', 'hi'], '"say"* "hi"*'],
    ['a"b', ['a"b'], '"a""b"*'],
    ['parc*', ['parc'], '"parc"*'],
    ['', [], null],
    ['  " *  ', [], null],
  ] as const)('%j → words %j, query %j', (text, words, query) => {
    expect(searchWords(text)).toEqual(words);
    expect(wordsQuery(text)).toBe(query);
  });
});

describe('highlighted', () => {
  const MARK = { background: 'yellow', color: 'black' };
  it.each([
    ['no words', 'Where is my parcel?', [], [{ text: 'Where is my parcel?' }]],
    ['no match', 'Where is my parcel?', ['refund'], [{ text: 'Where is my parcel?' }]],
    ['one word, any case', 'Refund the refund', ['refund'], [{ text: 'Refund', ...MARK }, { text: ' the ' }, { text: 'refund', ...MARK }]],
    ['two words, overlapping', 'parcels', ['parcel', 'cels'], [{ text: 'parcels', ...MARK }]],
    ['inside a word (a prefix match of the store may sit anywhere in the line)', 'unparcelled', ['parcel'], [{ text: 'un' }, { text: 'parcel', ...MARK }, { text: 'led' }]],
    ['a lower case of another length is left unmarked', 'İstanbul parcel', ['parcel'], [{ text: 'İstanbul parcel' }]],
  ] as const)('%s', (_name, text, words, segs) => {
    expect(highlighted(text, words)).toEqual(segs);
  });

  it('keeps the style of the text around what it marks', () => {
    expect(highlighted('timed out', ['out'], { color: 'red' })).toEqual([{ text: 'timed ', color: 'red' }, { text: 'out', color: 'black', background: 'yellow' }]);
  });
});

describe('clipAround', () => {
  const text = 'Extract the invoice total from this scanned receipt, please';
  it.each([
    ['no words: from the start', [], 20, 'Extract the invoice…'],
    ['a word near the start: from the start', ['the'], 20, 'Extract the invoice…'],
    ['a word past the width: from a third of the width before it', ['receipt'], 20, '…anned receipt, ple…'],
    ['a word not there: from the start', ['refund'], 20, 'Extract the invoice…'],
    ['it all fits', ['receipt'], 80, text],
  ] as const)('%s', (_name, words, width, clipped) => {
    expect(clipAround(text, words, width)).toBe(clipped);
  });
});

it('clipAround keeps the whole word in a narrow column', () => {
  expect(clipAround('Extract the invoice total from the attached text.', ['invoice'], 10)).toBe('… invoice…');
});
