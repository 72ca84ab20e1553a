import { describe, expect, it } from 'vitest';
import { hashId } from '../../src/stats/id-hash.js';

describe('hashId', () => {
  it('hashes ids that differ in one character, or only in order, apart', () => {
    const ids = ['ab', 'ba', 'a', 'b', '', 'trace:span', 'trace:spam', 'trace:spa', '0123456789abcdef0123456789abcdef0123456789abcdef', '0123456789abcdef0123456789abcdef0123456789abcdee'];
    expect(new Set(ids.map(hashId)).size).toBe(ids.length);
  });

  it('spreads ids over 32 bits: 100,000 ids collide about as often as random numbers would (~1)', () => {
    const seen = new Set<number>();
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const h = hashId(`0123456789abcdef0123456789abcdef${i.toString(16).padStart(16, '0')}`);
      expect(h >>> 0).toBe(h);
      seen.add(h);
    }
    expect(n - seen.size).toBeLessThanOrEqual(4);
  });
});
