import stringWidth from 'string-width';
import { describe, expect, test } from 'vitest';
import { axisLabel, plot } from '../../src/views/panels/Sparklines.js';

describe('sparkline plot', () => {
  test('always height+1 lines, within the width, labelled from 0 to the peak', () => {
    const lines = plot([0, 1, 4, 2], 2, 20).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^ +4\.0 ┼/);
    expect(lines[2]).toMatch(/^ +0 ┼/);
    for (const l of lines) expect(stringWidth(l)).toBeLessThanOrEqual(20);
  });

  test('a flat zero series keeps its height', () => {
    expect(plot([0, 0, 0], 4, 20).split('\n')).toHaveLength(5);
  });

  test('cut to the width when the series is longer', () => {
    for (const l of plot(new Array(100).fill(1), 2, 30).split('\n')) expect(stringWidth(l)).toBeLessThanOrEqual(30);
  });

  test.each([
    [0, '0'],
    [0.004, '4e-3'],
    [0.25, '0.25'],
    [2.5, '2.5'],
    [12, '12'],
    [1500, '1.5k'],
  ])('axis label %s → %s', (x, text) => expect(axisLabel(x)).toBe(text));
});
