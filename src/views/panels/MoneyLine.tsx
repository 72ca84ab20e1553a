import type { BudgetStatus, Burn, Money } from '../../domain/money.js';
import { formatBudget, formatCost } from '../format.js';
import { displayWidth } from '../sanitize.js';
import { Line, type Seg } from './Line.js';

/** The header's third line: burn rate, projections, and the --budget gauge with its last crossing. */
export function MoneyLine({ money, width, formatTime }: { money: Money | null; width: number; formatTime: (ms: number) => string }) {
  return <Line segs={money ? moneySegs(money, width, formatTime) : []} width={width} />;
}

type BurnForm = 'full' | 'short' | 'shorter' | 'hourly' | 'day';
type GaugeForm = 'full' | 'short' | 'small';

/** From the most to the least said; the first that fits the width is shown. */
const FORMS: readonly [BurnForm, GaugeForm, boolean][] = [
  ['full', 'full', true],
  ['short', 'full', true],
  ['short', 'short', true],
  ['shorter', 'short', true],
  ['hourly', 'short', true],
  ['hourly', 'small', true],
  ['day', 'small', true],
  ['day', 'small', false],
];

export function moneySegs({ burn, budget }: Money, width: number, formatTime: (ms: number) => string): Seg[] {
  let segs: Seg[] = [];
  for (const [b, g, notice] of FORMS) {
    segs = [...burnSegs(burn, b)];
    if (budget) segs.push({ text: '  ' }, ...gaugeSegs(budget, g));
    if (budget?.lastCrossing && notice) segs.push({ text: '  ' }, noticeSeg(budget, formatTime));
    if (segs.reduce((n, s) => n + displayWidth(s.text), 0) <= width) break;
  }
  return segs;
}

function burnSegs(burn: Burn, form: BurnForm): Seg[] {
  const perMin: Seg = { text: `${formatCost(burn.perMinuteUsd)}/min`, bold: true };
  const perHour: Seg = { text: `${formatCost(burn.perHourUsd)}/h`, bold: true };
  const hour: Seg = { text: formatCost(burn.hourProjectionUsd), bold: true, color: 'yellow' };
  const day: Seg = { text: formatCost(burn.dayProjectionUsd), bold: true, color: 'yellow' };
  const dim = (text: string): Seg => ({ text, dim: true });
  switch (form) {
    case 'full':
      return [dim('burn '), perMin, dim('  '), perHour, dim('  → '), hour, dim(' by end of hour  → '), day, dim(' by end of day')];
    case 'short':
      return [dim('burn '), perMin, dim('  '), perHour, dim('  → '), hour, dim(' this hour  → '), day, dim(' today')];
    case 'shorter':
      return [perMin, dim(' '), perHour, dim(' → '), hour, dim(' hour → '), day, dim(' day')];
    case 'hourly':
      return [perHour, dim(' → '), hour, dim(' hour → '), day, dim(' day')];
    case 'day':
      return [perHour, dim(' → '), day, dim(' day')];
  }
}

/**
 * Whole percent, rounded down so that 79.6% does not read 80% while still green; sums of float
 * costs drift (2.4999999 of 5), hence the little slack.
 */
function percentOf(share: number): number {
  return Math.floor(Math.max(0, share) * 100 + 1e-6);
}

/** Green, yellow from 80%, red from 100%. */
function gaugeColor(percent: number): 'green' | 'yellow' | 'red' {
  return percent >= 100 ? 'red' : percent >= 80 ? 'yellow' : 'green';
}

function gaugeSegs(b: BudgetStatus, form: GaugeForm): Seg[] {
  const cells = form === 'small' ? 5 : 10;
  const filled = Math.round(Math.min(1, Math.max(0, b.share)) * cells);
  const percent = percentOf(b.share);
  const color = gaugeColor(percent);
  return [
    ...(form === 'full' ? [{ text: 'budget ', dim: true }] : []),
    { text: '[', dim: true },
    { text: '█'.repeat(filled), color },
    { text: '░'.repeat(cells - filled), dim: true },
    { text: '] ', dim: true },
    { text: `${percent}%`, bold: true, color },
    { text: ` of ${formatBudget(b.budget)}`, dim: true },
  ];
}

function noticeSeg(b: BudgetStatus, formatTime: (ms: number) => string): Seg {
  const c = b.lastCrossing!;
  return { text: `⚠ ${c.level}% reached ${formatTime(c.atMs)}`, bold: true, color: c.level >= 100 ? 'red' : 'yellow' };
}
