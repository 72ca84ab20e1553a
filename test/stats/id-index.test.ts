import { describe, expect, it } from 'vitest';
import { hashId, IdIndex } from '../../src/stats/id-index.js';

describe('IdIndex', () => {
  it('finds, updates and forgets ids through growth and many deletions, as a Map would', () => {
    const index = new IdIndex(16);
    const model = new Map<string, number>();
    let seed = 3;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 50_000; i++) {
      const id = `${Math.floor(rand() * 20_000).toString(16).padStart(32, '0')}:span`;
      const op = rand();
      if (op < 0.6) {
        index.set(hashId(id), i);
        model.set(id, i);
      } else expect(index.delete(hashId(id))).toBe(model.delete(id));
    }
    expect(index.size).toBe(model.size);
    for (let k = 0; k < 20_000; k++) {
      const id = `${k.toString(16).padStart(32, '0')}:span`;
      expect(index.get(hashId(id))).toBe(model.get(id));
    }
  });

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
