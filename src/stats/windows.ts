import ms from 'ms';

/** The live windows a user can switch between, shortest first. */
export const WINDOWS = ['1m', '5m', '15m', '1h', '24h'] as const;

/** Milliseconds of a duration such as "5m" or "7d"; null when it is not one. */
export function parseDuration(text: string): number | null {
  const v = ms(text as ms.StringValue);
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null;
}

export function formatWindow(windowMs: number): string {
  return ms(windowMs);
}
