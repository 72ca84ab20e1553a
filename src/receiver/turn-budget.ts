/**
 * Decoding and normalizing an export holds the event loop for milliseconds (a 100-span JSON
 * export, about 5). Requests whose bodies all arrived in one turn would each be decoded before a
 * read that came with them: a summary asked during full-speed ingest could wait behind eight of
 * them and a commit. Work runs while the turn's budget lasts; the rest waits for the next turn,
 * after the reads that arrived meanwhile. A turn runs from one check phase (setImmediate) to the
 * next, and its first work always runs, so that everything queued gets its turn.
 */
export class TurnBudget {
  /** When this turn's first work ran; null when none has yet. */
  private turnStart: number | null = null;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly budgetMs: number,
    private readonly now: () => number = () => performance.now(),
    private readonly nextTurn: (fn: () => void) => void = setImmediate,
  ) {}

  /** Runs `work` now while this turn's budget lasts, else in a later turn, in the order it came; settles with its result. */
  readonly run = <T>(work: () => T): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const job = () => {
        try {
          resolve(work());
        } catch (err) {
          reject(err as Error);
        }
      };
      // Work is waiting only while this turn's budget is spent: what comes now waits behind it.
      if (this.withinBudget()) job();
      else this.waiting.push(job);
    });

  private withinBudget(): boolean {
    const t = this.now();
    if (this.turnStart === null) {
      this.turnStart = t;
      this.nextTurn(this.startTurn);
      return true;
    }
    return t - this.turnStart < this.budgetMs;
  }

  private readonly startTurn = (): void => {
    this.turnStart = null;
    while (this.waiting.length > 0 && this.withinBudget()) this.waiting.shift()!();
  };
}
