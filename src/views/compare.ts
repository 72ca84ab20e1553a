import type { GroupKey } from '../domain/call.js';
import type { Aggregate, Group } from '../domain/summary.js';
import { groupId } from './columns.js';

/**
 * The table against the previous window of the same length (`c`): each number's change, and
 * whether it went the wrong way. Pure, so the arrows and colours are tested without a terminal.
 */

/** Which way is bad for a number: up (latency, cost, errors), down (speed, cache hits), or neither (traffic). */
export type BadWay = 'up' | 'down' | null;
export type Verdict = 'worse' | 'better' | 'neutral';

export interface Change {
  /** `↑12%`, `↓8%`, `↑3x`, `new`, `=`; empty when neither window has the number. */
  text: string;
  verdict: Verdict;
}

/** The change from `previous` to `current`. */
export function change(current: number | null, previous: number | null, bad: BadWay): Change {
  const cur = current ?? 0;
  const prev = previous ?? 0;
  if (current === null && previous === null) return { text: '', verdict: 'neutral' };
  if (prev === 0) return cur === 0 ? { text: '=', verdict: 'neutral' } : { text: 'new', verdict: judge(1, bad) };
  const ratio = cur / prev;
  const percent = Math.round(Math.abs(ratio - 1) * 100);
  if (percent === 0) return { text: '=', verdict: 'neutral' };
  const way = ratio > 1 ? 1 : -1;
  const arrow = way > 0 ? '↑' : '↓';
  // Past ten times, a percentage is too wide for the column and harder to read than a factor.
  const text = ratio >= 10 ? `${arrow}${Math.round(ratio)}x` : `${arrow}${percent}%`;
  return { text, verdict: judge(way, bad) };
}

function judge(way: 1 | -1, bad: BadWay): Verdict {
  if (bad === null) return 'neutral';
  return (way > 0) === (bad === 'up') ? 'worse' : 'better';
}

/** The previous window's rows by group id, to find each current row's counterpart. */
export function previousRows(groups: readonly Group[], groupBy: readonly GroupKey[]): (g: Group) => Aggregate | null {
  const byId = new Map(groups.map((g) => [groupId(g, groupBy), g]));
  return (g) => byId.get(groupId(g, groupBy)) ?? null;
}
