import { describe, expect, test } from 'vitest';
import { crossingLine, parseBudget } from '../../src/cli/budget.js';

describe('parseBudget', () => {
  test.each([
    ['5', { limitUsd: 5, period: 'day' }],
    ['$5', { limitUsd: 5, period: 'day' }],
    ['2.50', { limitUsd: 2.5, period: 'day' }],
    ['.5', { limitUsd: 0.5, period: 'day' }],
    ['2/h', { limitUsd: 2, period: 'hour' }],
    ['$2/hour', { limitUsd: 2, period: 'hour' }],
    ['5/d', { limitUsd: 5, period: 'day' }],
    ['5/day', { limitUsd: 5, period: 'day' }],
    ['20/session', { limitUsd: 20, period: 'session' }],
    ['20/SESSION', { limitUsd: 20, period: 'session' }],
    [' 3 / h ', { limitUsd: 3, period: 'hour' }],
  ])('%j', (text, budget) => {
    expect(parseBudget(text)).toEqual(budget);
  });

  test.each(['', 'lots', '0', '$0', '0/h', '-5', '5/week', '5/', '/h', '$', '5$', '1e3', '5 usd', '5/h/d', 'Infinity'])('%j is refused', (text) => {
    expect(parseBudget(text)).toBeNull();
  });
});

test('the --headless line names the level, the spend and the budget', () => {
  expect(crossingLine({ level: 80, atMs: 0, spentUsd: 4.0123, budget: { limitUsd: 5, period: 'day' } })).toBe(
    'llmtop: budget 80% reached: $4.01 of $5/day\n',
  );
  expect(crossingLine({ level: 100, atMs: 0, spentUsd: 2.5, budget: { limitUsd: 2.5, period: 'hour' } })).toBe(
    'llmtop: budget 100% reached: $2.50 of $2.50/h\n',
  );
});
