import type { Budget, BudgetCrossing, BudgetPeriod } from '../domain/money.js';
import { formatBudget, formatCost } from '../views/format.js';

const PERIODS: Record<string, BudgetPeriod> = {
  h: 'hour',
  hour: 'hour',
  d: 'day',
  day: 'day',
  session: 'session',
};

/** `5`, `$5`, `2.50/h`, `5/d`, `20/session`: USD per day unless a period follows. Null when the text is none of these. */
export function parseBudget(text: string): Budget | null {
  const m = /^\s*\$?(\d+(?:\.\d+)?|\.\d+)\s*(?:\/\s*([a-z]+))?\s*$/i.exec(text);
  if (!m) return null;
  const limitUsd = Number(m[1]);
  const period = m[2] === undefined ? 'day' : PERIODS[m[2].toLowerCase()];
  if (!period || !(limitUsd > 0) || !Number.isFinite(limitUsd)) return null;
  return { limitUsd, period };
}

/** The --headless announcement of a crossing, for stderr. */
export function crossingLine(c: BudgetCrossing): string {
  return `llmtop: budget ${c.level}% reached: ${formatCost(c.spentUsd)} of ${formatBudget(c.budget)}\n`;
}
