import { describe, expect, test } from 'vitest';
import {
  cacheShare,
  errorShare,
  formatClockUtc,
  formatCost,
  formatCount,
  formatDuration,
  formatPercent,
  formatRate,
} from '../../src/views/format.js';

describe('format', () => {
  test.each([
    [null, '-'],
    [0, '0ms'],
    [850, '850ms'],
    [999.4, '999ms'],
    [1200, '1.2s'],
    [12_340, '12.3s'],
    [59_999, '1m00s'],
    [125_000, '2m05s'],
    [3_840_000, '1h04m'],
  ])('duration %s → %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  test.each([
    [0, '0'],
    [999, '999'],
    [1234, '1.2k'],
    [12_345, '12.3k'],
    [123_456, '123k'],
    [999_960, '1.0M'],
    [2_500_000_000, '2.5B'],
  ])('count %s → %s', (n, text) => expect(formatCount(n)).toBe(text));

  test.each([
    [0, false, '$0'],
    [0.00001, false, '<$0.0001'],
    [0.0123, false, '$0.0123'],
    [0.0123, true, '~$0.0123'],
    [12.3, false, '$12.30'],
    [1500, true, '~$1.5k'],
  ])('cost %s (estimated %s) → %s', (usd, est, text) => expect(formatCost(usd, est)).toBe(text));

  test.each([
    [null, '-'],
    [0, '0%'],
    [0.0004, '<0.1%'],
    [0.05, '5.0%'],
    [0.375, '38%'],
    [1, '100%'],
  ])('percent %s → %s', (share, text) => expect(formatPercent(share)).toBe(text));

  test.each([
    [0, '0'],
    [0.001, '<0.01'],
    [0.25, '0.25'],
    [12.34, '12.3'],
    [1500, '1.5k'],
  ])('rate %s → %s', (r, text) => expect(formatRate(r)).toBe(text));

  test('cache share is cache reads over input tokens; none without input', () => {
    expect(cacheShare({ inputTokens: 200, cacheReadTokens: 50 })).toBe(0.25);
    expect(cacheShare({ inputTokens: 0, cacheReadTokens: 0 })).toBeNull();
    expect(errorShare({ requests: 4, errors: 1 })).toBe(0.25);
  });

  test('clock in UTC does not depend on TZ', () => {
    expect(formatClockUtc(Date.UTC(2025, 0, 2, 3, 4, 5))).toBe('03:04:05');
  });
});
