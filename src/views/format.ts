/** Number formats shared by the TUI and `llmtop snapshot`, kept short for narrow columns. */

export const NONE = '-';

/** `850ms`, `1.2s`, `12.3s`, `2m05s`, `1h04m`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return NONE;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 59.95) return `${s.toFixed(1)}s`;
  const totalS = Math.round(s);
  if (totalS < 3600) return `${Math.floor(totalS / 60)}m${String(totalS % 60).padStart(2, '0')}s`;
  const totalM = Math.round(totalS / 60);
  return `${Math.floor(totalM / 60)}h${String(totalM % 60).padStart(2, '0')}m`;
}

/**
 * A prompt cache gone cold, in a few words for the log: `cache cold: idle 7m00s`, `cache cold:
 * prefix changed`; short, `cold: idle 7m00s`, `cold: new prefix`.
 */
export function formatCacheCold(c: { reason: 'expired' | 'prefix'; gapMs: number }, short = false): string {
  if (short) return c.reason === 'expired' ? `cold: idle ${formatDuration(c.gapMs)}` : 'cold: new prefix';
  return c.reason === 'expired' ? `cache cold: idle ${formatDuration(c.gapMs)}` : 'cache cold: prefix changed';
}

/** `950`, `1.2k`, `12.3k`, `123k`, `1.2M`, `3.4B`. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return NONE;
  const abs = Math.abs(n);
  if (abs < 1000) return String(Math.round(n));
  for (const [unit, size] of [
    ['k', 1e3],
    ['M', 1e6],
    ['B', 1e9],
  ] as const) {
    const v = n / size;
    // Rounding can carry into the next unit (999.96k): only accept what prints under 1000.
    if (Math.abs(v) < 99.95) return `${v.toFixed(1)}${unit}`;
    if (Math.abs(v) < 999.5) return `${Math.round(v)}${unit}`;
  }
  return `${Math.round(n / 1e12)}T`;
}

/** Tokens read like counts: `1.2k`. */
export const formatTokens = formatCount;

/** What a cost nobody knows shows as: never $0. */
export const UNPRICED = '?';

/**
 * `$0`, `$0.0123`, `$12.34`, `$1.2k`; `~` marks a cost estimated from prices rather than
 * reported by the SDK.
 */
export function formatCost(usd: number, estimated = false): string {
  const mark = estimated ? '~' : '';
  if (!Number.isFinite(usd)) return NONE;
  if (usd === 0) return `${mark}$0`;
  if (usd < 0.0001) return `${mark}<$0.0001`;
  if (usd < 1) return `${mark}$${usd.toFixed(4)}`;
  if (usd < 999.995) return `${mark}$${usd.toFixed(2)}`;
  return `${mark}$${formatCount(usd)}`;
}

/** One call's cost: `?` when no price is known for its model. */
export function formatCallCost(c: { costUsd: number | null; costSource?: string }): string {
  return c.costUsd === null ? UNPRICED : formatCost(c.costUsd, c.costSource === 'estimated');
}

/**
 * A sum of calls' costs: a floor (`≥$1.23`) when it leaves unpriced calls out, `?` when no call
 * in it had a price.
 */
export function formatSumCost(a: { costUsd: number; estimatedCostUsd?: number; unpricedCalls: number; requests?: number }): string {
  if (a.unpricedCalls > 0 && a.costUsd === 0 && (a.requests === undefined || a.unpricedCalls >= a.requests)) return UNPRICED;
  return `${a.unpricedCalls > 0 ? '≥' : ''}${formatCost(a.costUsd, (a.estimatedCostUsd ?? 0) > 0)}`;
}

/** Context use from this percent is shown in colour: the model is near the end of its window. */
export const CONTEXT_WARN_PERCENT = 80;

/** A context window's use: `87%`, `<1%`, `-` when the window is unknown. */
export function formatContext(percent: number | null): string {
  if (percent === null || !Number.isFinite(percent)) return NONE;
  if (percent > 0 && percent < 1) return '<1%';
  return `${Math.round(percent)}%`;
}

/** The colour of a context use: none below CONTEXT_WARN_PERCENT, yellow, red from 95%. */
export function contextColor(percent: number | null): string | undefined {
  if (percent === null || percent < CONTEXT_WARN_PERCENT) return undefined;
  return percent >= 95 ? 'red' : 'yellow';
}

/** A share from 0 to 1: `0%`, `<0.1%`, `2.5%`, `37%`, `100%`; `-` when there is no base. */
export function formatPercent(share: number | null): string {
  if (share === null || !Number.isFinite(share)) return NONE;
  const p = share * 100;
  if (p === 0) return '0%';
  if (p < 0.1) return '<0.1%';
  if (p < 9.95) return `${p.toFixed(1)}%`;
  return `${Math.round(p)}%`;
}

/** Per-second rates: `0.03`, `2.50`, `12.5`, `340`. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return NONE;
  if (perSecond === 0) return '0';
  if (perSecond < 0.01) return '<0.01';
  if (perSecond < 9.995) return perSecond.toFixed(2);
  if (perSecond < 99.95) return perSecond.toFixed(1);
  return formatCount(perSecond);
}

/** Output tokens per second: `8.5`, `85`, `1.2k`; `-` when no call produced output. */
export function formatSpeed(perSecond: number | null): string {
  if (perSecond === null || !Number.isFinite(perSecond)) return NONE;
  if (perSecond < 9.95) return perSecond.toFixed(1);
  return formatCount(perSecond);
}

/** Share of input tokens served from the prompt cache. */
export function cacheShare(a: { inputTokens: number; cacheReadTokens: number }): number | null {
  return a.inputTokens > 0 ? Math.min(1, a.cacheReadTokens / a.inputTokens) : null;
}

export function errorShare(a: { requests: number; errors: number }): number | null {
  return a.requests > 0 ? a.errors / a.requests : null;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** `HH:MM:SS` in the machine's time zone: what a user reading the log expects. */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** `HH:MM:SS` in UTC, for tests and captures that must not depend on TZ. */
export function formatClockUtc(ms: number): string {
  const d = new Date(ms);
  return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

const PERIOD_UNIT = { hour: 'h', day: 'day', session: 'session' } as const;

/** A --budget as typed back: `$5/day`, `$2.50/h`, `$20/session`. */
export function formatBudget(b: { limitUsd: number; period: keyof typeof PERIOD_UNIT }): string {
  const amount = Number.isInteger(b.limitUsd) ? String(b.limitUsd) : b.limitUsd.toFixed(2);
  return `$${amount}/${PERIOD_UNIT[b.period]}`;
}
