import { BUDGET_LEVELS, type Budget, type BudgetCrossing, type BudgetLevel, type BudgetStatus } from '../domain/money.js';
import { currentDay, currentHour, type Calendar } from '../stats/burn.js';

export interface BudgetMonitorOptions {
  budget: Budget;
  now: () => number;
  calendar: Calendar;
  /** When llmtop started: a per-session budget counts from here. */
  startedAt: number;
  /** USD spent from a time until now. */
  spentSince: (startMs: number) => number;
}

/** Sums of float costs drift: 4.999999999 spent of $5 is the whole budget. */
const EPSILON_USD = 1e-9;

/**
 * Compares the spend of the budget's period with its limit and announces each level (80%, 100%)
 * once per period; a new hour or day re-arms both. Driven by `check()`, from a timer.
 */
export class BudgetMonitor {
  private periodStartMs = Number.NaN;
  /** The highest level announced in this period, 0 for none. */
  private passed: BudgetLevel | 0 = 0;
  private last: BudgetCrossing | null = null;
  private announced = 0;
  private readonly listeners: ((c: BudgetCrossing) => void)[] = [];

  constructor(private readonly opts: BudgetMonitorOptions) {}

  get budget(): Budget {
    return this.opts.budget;
  }

  /** How many crossings were announced so far. */
  get crossings(): number {
    return this.announced;
  }

  onCrossing(listener: (c: BudgetCrossing) => void): void {
    this.listeners.push(listener);
  }

  /** Where the period stands now, without announcing anything. */
  status(): BudgetStatus {
    const { budget, now, calendar, startedAt } = this.opts;
    const t = now();
    const periodStartMs =
      budget.period === 'session' ? startedAt : budget.period === 'hour' ? currentHour(t, calendar).startMs : currentDay(t, calendar).startMs;
    const spentUsd = this.opts.spentSince(periodStartMs);
    return {
      budget,
      periodStartMs,
      spentUsd,
      share: spentUsd / budget.limitUsd,
      lastCrossing: periodStartMs === this.periodStartMs ? this.last : null,
    };
  }

  /**
   * Announces a level reached for the first time in this period. One check that passes both
   * levels announces only 100%: one bell, not two at once.
   */
  check(): BudgetStatus {
    const s = this.status();
    if (s.periodStartMs !== this.periodStartMs) {
      this.periodStartMs = s.periodStartMs;
      this.passed = 0;
      this.last = null;
    }
    const limit = s.budget.limitUsd;
    const reached = BUDGET_LEVELS.filter((l) => s.spentUsd + EPSILON_USD >= (limit * l) / 100).at(-1);
    if (reached === undefined || reached <= this.passed) return s;
    this.passed = reached;
    this.announced++;
    this.last = { level: reached, atMs: this.opts.now(), spentUsd: s.spentUsd, budget: s.budget };
    for (const l of this.listeners) l(this.last);
    return { ...s, lastCrossing: this.last };
  }
}

export const BELL = '\u0007';

/** Rings the terminal bell on each crossing, through `write` (the TUI's stdout): never from the view. */
export function bellOnCrossing(monitor: BudgetMonitor, write: (text: string) => void): void {
  monitor.onCrossing(() => write(BELL));
}
