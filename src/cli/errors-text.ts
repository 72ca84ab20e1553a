import type { ErrorsJson } from '../api/json.js';
import { clipLine, sanitizeLine } from '../views/sanitize.js';
import { localStamp, plural, textTable } from './table-text.js';

/** `llmtop errors`: the errors view as text, a row per model and kind, with its newest call's id. */
export function errorsText(answer: ErrorsJson): string {
  if (answer.errors.length === 0) return `No errors, truncations or near-context calls in the last ${answer.window}.\n`;
  const total = answer.errors.reduce((n, r) => n + r.count, 0);
  const lines = [`window ${answer.window}: ${plural(total, 'problem')} in ${plural(answer.errors.length, 'row')} (a call can fall in more than one)`];
  lines.push(
    ...textTable(
      [{ title: 'COUNT', align: 'right' }, { title: 'KIND' }, { title: 'MODEL', max: 36 }, { title: 'LATEST' }, { title: 'MESSAGE' }],
      answer.errors.map((r) => ({
        cells: [
          r.count.toLocaleString('en-US'),
          r.label,
          clipLine(r.provider ? `${r.provider}/${r.model}` : r.model, 36),
          localStamp(r.latest.time),
          clipLine(r.message, 80),
        ],
        below: [`latest: llmtop call ${sanitizeLine(r.latest.id)}`],
      })),
    ),
  );
  return `${lines.join('\n')}\n`;
}
