import { describe, expect, it } from 'vitest';
import type { CallJson, RunNodeJson } from '../../src/api/json.js';
import { boundTree, listedCall, pagedCall, sliceText } from '../../src/mcp/bound.js';

/* What the MCP tools cut, and what they say of it. */

const call = (over: Partial<CallJson> = {}): CallJson =>
  ({ id: 'c1', time: '2026-12-07T00:00:00.000Z', provider: 'openai', model: 'gpt-4o', status: 'ok', prompt: 'hello', response: 'world', error: null, ...over }) as CallJson;

describe('sliceText', () => {
  it.each([
    ['abcdef', 0, 3, 'abc'],
    ['abcdef', 4, 100, 'ef'],
    ['abcdef', 10, 20, ''],
    // 😀 is two UTF-16 units: a cut inside it lands before it, never halfway.
    ['ab😀cd', 0, 3, 'ab'],
    ['ab😀cd', 3, 10, '😀cd'],
    ['ab😀cd', 2, 3, '😀'],
  ])('%j from %i to %i is %j', (text, start, end, expected) => {
    expect(sliceText(text, start, end)).toBe(expected);
  });
});

describe('listedCall', () => {
  it('cuts each long text field and says its whole length; short ones are left alone', () => {
    expect(listedCall(call({ prompt: 'x'.repeat(500), response: 'ok', error: 'e'.repeat(301) }), 300)).toEqual(
      call({ prompt: 'x'.repeat(300), response: 'ok', error: 'e'.repeat(300), truncated: { prompt: { totalChars: 500 }, error: { totalChars: 301 } } } as Partial<CallJson>),
    );
    expect(listedCall(call(), 300)).toEqual(call());
    expect(listedCall(call({ prompt: null }), 0)).toEqual(call({ prompt: null, response: '', truncated: { response: { totalChars: 5 } } } as Partial<CallJson>));
  });
});

describe('pagedCall', () => {
  it('a window of the prompt and response from an offset, with where the rest starts', () => {
    const c = pagedCall(call({ prompt: 'abcdefghij', response: 'xyz' }), 4, 4);
    expect(c.prompt).toBe('efgh');
    expect(c.response).toBe('');
    expect(c.text).toEqual({
      prompt: { offset: 4, shownChars: 4, totalChars: 10, nextOffset: 8 },
      response: { offset: 3, shownChars: 0, totalChars: 3, nextOffset: null },
    });
    expect(pagedCall(call({ prompt: 'abcdefghij' }), 8, 4).text.prompt).toEqual({ offset: 8, shownChars: 2, totalChars: 10, nextOffset: null });
    expect(pagedCall(call({ response: null }), 0, 4).text.response).toBeNull();
  });

  it('a window of one unit on a surrogate pair takes the pair, so that paging moves on', () => {
    expect(pagedCall(call({ prompt: '😀😀' }), 0, 1)).toMatchObject({ prompt: '😀', text: { prompt: { nextOffset: 2 } } });
  });
});

describe('boundTree', () => {
  const node = (name: string, children: RunNodeJson[] = []): RunNodeJson => ({ spanId: name, parentSpanId: '', name, service: 's', time: '', durationMs: 1, call: null, children });
  const tree = [node('root', [node('a', [node('a1'), node('a2')]), node('b')]), node('loose')];
  const names = (nodes: RunNodeJson[]): unknown[] => nodes.map((n) => (n.children.length ? [n.name, names(n.children)] : n.name));

  it.each([
    [10, [['root', [['a', ['a1', 'a2']], 'b']], 'loose'], 0],
    [3, [['root', [['a', ['a1']]]]], 3],
    [1, ['root'], 5],
  ])('at most %i spans, depth first', (max, expected, omitted) => {
    const { spans, spansOmitted } = boundTree(tree, max);
    expect(names(spans)).toEqual(expected);
    expect(spansOmitted).toBe(omitted);
  });
});
