/** What a --budget counts: spend in the current clock hour, the current day, or since llmtop started. */
export type BudgetPeriod = 'hour' | 'day' | 'session';

export interface Budget {
  limitUsd: number;
  period: BudgetPeriod;
}

/** The shares of a budget, in percent, whose crossing is announced. */
export type BudgetLevel = 80 | 100;
export const BUDGET_LEVELS: readonly BudgetLevel[] = [80, 100];

/** How fast money is being spent, and where that leads by the end of the hour and of the day. */
export interface Burn {
  /** The window the rate is measured over. */
  windowMs: number;
  perMinuteUsd: number;
  perHourUsd: number;
  /** Spent so far this hour, plus the rate until the hour ends. */
  hourProjectionUsd: number;
  /** Spent so far today, plus the rate until the day ends. */
  dayProjectionUsd: number;
}

export interface BudgetCrossing {
  level: BudgetLevel;
  atMs: number;
  spentUsd: number;
  budget: Budget;
}

export interface BudgetStatus {
  budget: Budget;
  periodStartMs: number;
  spentUsd: number;
  /** spentUsd / limitUsd: 1 is the whole budget. */
  share: number;
  /** The last crossing announced in this period, if any. */
  lastCrossing: BudgetCrossing | null;
}

/** The header's money line: the burn rate, and the budget when one was given. */
export interface Money {
  burn: Burn;
  budget: BudgetStatus | null;
}

export interface MoneySource {
  read(windowMs: number): Money;
  /** Bumped on each budget crossing: the notice is news even when no call arrived. */
  readonly version: number;
}
