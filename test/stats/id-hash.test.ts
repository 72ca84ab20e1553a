import { describe, expect, it } from 'vitest';
import { hashId } from '../../src/stats/id-hash.js';

describe('hashId', () => {
  it('hashes ids that differ in one character, or only in order, apart', () => {
    const seen = new Set<string>();
    const ids = ['ab', 'ba', 'a', 'b', '', 'trace:span', 'trace:spam', 'trace:spa'];
    for (let i = 0; i < 100_000; i++) ids.push(`0123456789abcdef0123456789abcdef:${i.toString(16).padStart(16, '0')}`);
    for (const id of ids) {
      const h = hashId(id);
      seen.add(`${h.hi}:${h.lo}`);
    }
    expect(seen.size).toBe(ids.length);
  });
});
