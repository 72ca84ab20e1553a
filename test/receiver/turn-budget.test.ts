import { describe, expect, it } from 'vitest';
import { TurnBudget } from '../../src/receiver/turn-budget.js';

/** A budget on a fake clock, whose turns start when the test says so. */
function harness(budgetMs: number) {
  let now = 0;
  const turns: (() => void)[] = [];
  const budget = new TurnBudget(budgetMs, () => now, (fn) => turns.push(fn));
  const ran: string[] = [];
  /** Work that takes `ms` of the clock once admitted. */
  const work = (name: string, ms: number) =>
    budget.run(() => {
      ran.push(name);
      now += ms;
      return name;
    });
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  const nextTurn = async () => {
    const due = turns.splice(0);
    for (const fn of due) fn();
    await settle();
  };
  return { work, settle, nextTurn, ran, turns };
}

describe('TurnBudget', () => {
  it('lets work in while the turn lasts, and the rest in later turns in the order it came', async () => {
    const h = harness(8);
    for (const [name, ms] of [['a', 5], ['b', 5], ['c', 5], ['d', 5], ['e', 5]] as const) void h.work(name, ms);
    await h.settle();
    // b starts at 5 ms, inside the budget; c would start at 10.
    expect(h.ran).toEqual(['a', 'b']);
    await h.nextTurn();
    expect(h.ran).toEqual(['a', 'b', 'c', 'd']);
    await h.nextTurn();
    expect(h.ran).toEqual(['a', 'b', 'c', 'd', 'e']);
    await h.nextTurn();
    expect(h.turns).toEqual([]);
  });

  it('runs work that arrives in a turn with budget left at once, after the work that waited for that turn', async () => {
    const h = harness(8);
    void h.work('a', 10);
    void h.work('b', 1);
    await h.settle();
    expect(h.ran).toEqual(['a']);
    await h.nextTurn();
    // b went first in the new turn; c, arriving in it with budget left, after b.
    void h.work('c', 1);
    await h.settle();
    expect(h.ran).toEqual(['a', 'b', 'c']);
  });

  it('always lets the first work of a turn in, however long it takes', async () => {
    const h = harness(8);
    void h.work('long', 50);
    await h.settle();
    expect(h.ran).toEqual(['long']);
    await h.nextTurn();
    void h.work('next', 50);
    await h.settle();
    expect(h.ran).toEqual(['long', 'next']);
  });

  it('settles with what the work gave back, or with what it threw, in its turn', async () => {
    const h = harness(8);
    await expect(h.work('a', 10)).resolves.toBe('a');
    const waiting = h.work('b', 1);
    const failing = new TurnBudget(8, () => 0, () => {}).run(() => {
      throw new RangeError('index out of range');
    });
    await expect(failing).rejects.toThrow('index out of range');
    await h.nextTurn();
    await expect(waiting).resolves.toBe('b');
  });
});
