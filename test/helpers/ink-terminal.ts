import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';

/** Lets Ink parse input, re-render and flush (escape keys wait a setImmediate). */
export async function settle(ms = 30): Promise<void> {
  await new Promise<void>((resolve) => setTimeout(resolve, ms));
  // Under load the timer can fire before React's passive effects (queued with setImmediate) ran.
  await new Promise<void>((resolve) => setImmediate(resolve));
}

export const KEY = {
  up: '\u001B[A',
  down: '\u001B[B',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
  home: '\u001B[H',
  end: '\u001B[F',
  tab: '\t',
  shiftTab: '\u001B[Z',
  enter: '\r',
  esc: '\u001B',
  backspace: '\u007F',
  ctrlC: '\u0003',
} as const;

/**
 * ink-testing-library at a given terminal size: its stdout is fixed at 100 columns with no rows,
 * so the size is set on the instance and announced with 'resize', as a real terminal does.
 */
export async function renderAt(tree: ReactElement, size: { columns: number; rows: number }) {
  const r = render(tree);
  Object.defineProperty(r.stdout, 'columns', { value: size.columns, configurable: true });
  Object.defineProperty(r.stdout, 'rows', { value: size.rows, configurable: true });
  r.stdout.emit('resize');
  await settle();
  return {
    ...r,
    frame: () => r.lastFrame() ?? '',
    /** Writes keys one at a time, letting Ink handle each. */
    press: async (...keys: string[]) => {
      for (const k of keys) {
        r.stdin.write(k);
        await settle();
      }
    },
    /** Settles until the frame shows what `predicate` looks for (a key after one that changed the rows waits a render). */
    waitFor: async (predicate: (frame: string) => boolean, what: string): Promise<string> => {
      for (let i = 0; i < 100; i++) {
        const frame = r.lastFrame() ?? '';
        if (predicate(frame)) return frame;
        await settle();
      }
      throw new Error(`timed out waiting for ${what}; the frame was:\n${r.lastFrame() ?? ''}`);
    },
    resize: async (columns: number, rows: number) => {
      Object.defineProperty(r.stdout, 'columns', { value: columns, configurable: true });
      Object.defineProperty(r.stdout, 'rows', { value: rows, configurable: true });
      r.stdout.emit('resize');
      await settle();
    },
  };
}

/** Removes the SGR colour codes Ink itself writes, so what is left of ESC can only be wire text. */
export function stripSgr(frame: string): string {
  return frame.replace(/\u001B\[[0-9;]*m/g, '');
}
