import { App, type AppProps } from '../../src/views/App.js';
import type { DashboardSource } from '../../src/views/source.js';
import { formatClockUtc } from '../../src/views/format.js';
import { renderAt } from './ink-terminal.js';

export const ADDRESS = '127.0.0.1:4318';

/** <App> on a real source (a LiveStats, or a LiveDashboard over one) at a terminal size, with UTC times and a fast ticker. */
export function renderApp(stats: DashboardSource, size = { columns: 100, rows: 30 }, props: Partial<AppProps> = {}) {
  return renderAt(
    <App
      source={stats}
      info={{ address: ADDRESS, noContent: false }}
      initialWindowMs={300_000}
      fps={20}
      formatTime={formatClockUtc}
      {...props}
    />,
    size,
  );
}

/** The frame's lines. */
export const linesOf = (frame: string) => frame.split('\n');

/** The line that contains `text`; fails loudly when none does. */
export function lineWith(frame: string, text: string): string {
  const line = linesOf(frame).find((l) => l.includes(text));
  if (line === undefined) throw new Error(`no line with ${JSON.stringify(text)} in:\n${frame}`);
  return line;
}
