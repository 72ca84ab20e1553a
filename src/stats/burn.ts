import type { Burn } from '../domain/money.js';

const MINUTE = 60_000;
const HOUR = 3600_000;

/** Where hours and days start: the machine's local clock, unless told (tests use UTC). */
export interface Calendar {
  startOfHour(ms: number): number;
  startOfDay(ms: number): number;
}

export const LOCAL_CALENDAR: Calendar = {
  // Local, not UTC: half-hour time zones start their hours at :30 UTC.
  startOfHour: (ms) => new Date(ms).setMinutes(0, 0, 0),
  startOfDay: (ms) => new Date(ms).setHours(0, 0, 0, 0),
};

export const UTC_CALENDAR: Calendar = {
  startOfHour: (ms) => Math.floor(ms / HOUR) * HOUR,
  startOfDay: (ms) => Math.floor(ms / (24 * HOUR)) * 24 * HOUR,
};

export interface Period {
  startMs: number;
  endMs: number;
}

export function currentHour(now: number, cal: Calendar): Period {
  const startMs = cal.startOfHour(now);
  // From the start plus 90 minutes back to an hour start: right across DST shifts too.
  return { startMs, endMs: cal.startOfHour(startMs + 90 * MINUTE) };
}

export function currentDay(now: number, cal: Calendar): Period {
  const startMs = cal.startOfDay(now);
  // 36 hours on lands in the next day whether this one has 23, 24 or 25 hours.
  return { startMs, endMs: cal.startOfDay(startMs + 36 * HOUR) };
}

export interface BurnInput {
  now: number;
  windowMs: number;
  /** Spent in the window ending now. */
  windowUsd: number;
  /** Spent since the start of the current hour, and of the current day. */
  hourSpentUsd: number;
  daySpentUsd: number;
  hour: Period;
  day: Period;
}

/** The window's spend as a rate, and the projections: spent so far plus that rate until the period ends. */
export function burnRate(i: BurnInput): Burn {
  const perMs = i.windowMs > 0 ? i.windowUsd / i.windowMs : 0;
  const left = (p: Period) => Math.max(0, p.endMs - i.now);
  return {
    windowMs: i.windowMs,
    perMinuteUsd: perMs * MINUTE,
    perHourUsd: perMs * HOUR,
    hourProjectionUsd: i.hourSpentUsd + perMs * left(i.hour),
    dayProjectionUsd: i.daySpentUsd + perMs * left(i.day),
  };
}
