import { describe, expect, test } from 'vitest';
import { burnRate, currentDay, currentHour, UTC_CALENDAR } from '../../src/stats/burn.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** 2025-03-10 14:15:00 UTC: 45 minutes left in the hour, 9h45m in the day. */
const NOW = Date.UTC(2025, 2, 10, 14, 15);

describe('currentHour and currentDay', () => {
  test.each([
    ['mid-hour', NOW, Date.UTC(2025, 2, 10, 14), Date.UTC(2025, 2, 10, 15), Date.UTC(2025, 2, 10), Date.UTC(2025, 2, 11)],
    ['on the hour', Date.UTC(2025, 2, 10, 15), Date.UTC(2025, 2, 10, 15), Date.UTC(2025, 2, 10, 16), Date.UTC(2025, 2, 10), Date.UTC(2025, 2, 11)],
    ['last minute of the day', Date.UTC(2025, 2, 10, 23, 59), Date.UTC(2025, 2, 10, 23), Date.UTC(2025, 2, 11), Date.UTC(2025, 2, 10), Date.UTC(2025, 2, 11)],
    ['midnight', Date.UTC(2025, 2, 11), Date.UTC(2025, 2, 11), Date.UTC(2025, 2, 11, 1), Date.UTC(2025, 2, 11), Date.UTC(2025, 2, 12)],
  ])('%s', (_name, now, hourStart, hourEnd, dayStart, dayEnd) => {
    expect(currentHour(now, UTC_CALENDAR)).toEqual({ startMs: hourStart, endMs: hourEnd });
    expect(currentDay(now, UTC_CALENDAR)).toEqual({ startMs: dayStart, endMs: dayEnd });
  });
});

describe('burnRate', () => {
  const hour = currentHour(NOW, UTC_CALENDAR);
  const day = currentDay(NOW, UTC_CALENDAR);
  test.each([
    // name, window, spent in window, this hour, today → $/min, $/h, by end of hour, by end of day
    ['$1 over 5m', 5 * MIN, 1, 2, 10, 0.2, 12, 2 + 0.2 * 45, 10 + 0.2 * 585],
    ['nothing spent', 5 * MIN, 0, 0, 0, 0, 0, 0, 0],
    ['quiet now, spent earlier today', 5 * MIN, 0, 0, 7.5, 0, 0, 0, 7.5],
    ['$6 over the last hour', HOUR, 6, 1.5, 4, 0.1, 6, 1.5 + 0.1 * 45, 4 + 0.1 * 585],
    ['$0.03 over 1m', MIN, 0.03, 0.03, 0.03, 0.03, 1.8, 0.03 + 0.03 * 45, 0.03 + 0.03 * 585],
  ])('%s', (_name, windowMs, windowUsd, hourSpentUsd, daySpentUsd, perMin, perHour, byHour, byDay) => {
    const b = burnRate({ now: NOW, windowMs, windowUsd, hourSpentUsd, daySpentUsd, hour, day });
    expect(b.windowMs).toBe(windowMs);
    expect(b.perMinuteUsd).toBeCloseTo(perMin, 9);
    expect(b.perHourUsd).toBeCloseTo(perHour, 9);
    expect(b.hourProjectionUsd).toBeCloseTo(byHour, 9);
    expect(b.dayProjectionUsd).toBeCloseTo(byDay, 9);
  });

  test('at the very end of the day the projection is what was spent', () => {
    const end = Date.UTC(2025, 2, 10, 23, 59, 59, 999);
    const b = burnRate({ now: end, windowMs: 5 * MIN, windowUsd: 5, hourSpentUsd: 3, daySpentUsd: 20, hour: currentHour(end, UTC_CALENDAR), day: currentDay(end, UTC_CALENDAR) });
    expect(b.dayProjectionUsd).toBeCloseTo(20, 4);
    expect(b.hourProjectionUsd).toBeCloseTo(3, 4);
  });
});
