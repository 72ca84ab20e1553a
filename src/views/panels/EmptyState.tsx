import { Box } from 'ink';
import { setupSteps } from '../../app/setup-lines.js';
import type { Upstream } from '../../proxy/routes.js';
import { sanitizeLine } from '../sanitize.js';
import { Line, type Seg } from './Line.js';

/** Copy-paste set-up lines for the common SDKs, shown until the first call arrives. */
export function EmptyState({ address, proxy = null, width, rows }: { address: string; proxy?: { origin: string; upstreams: readonly Upstream[] } | null; width: number; rows: number }) {
  const endpoint = `http://${sanitizeLine(address)}`;
  const lines: Seg[][] = [
    [{ text: 'Waiting for LLM calls on ', bold: true }, { text: endpoint, bold: true, color: 'cyan' }, { text: '  (OTLP/HTTP)', dim: true }],
    [],
    ...setupSteps(endpoint, proxy).flatMap((s): Seg[][] => [
      [{ text: s.label, bold: true }],
      ...(s.kind === 'code' ? s.words.map(code) : shell(s.words, width, s.kind === 'env' ? 'export ' : undefined)),
    ]),
    [],
    [{ text: 'No app at hand? Run ', dim: true }, { text: 'llmtop --demo', bold: true }, { text: ' for synthetic traffic.', dim: true }],
  ];
  return (
    <Box flexDirection="column" height={rows}>
      {lines.slice(0, rows).map((segs, i) => (
        <Line key={i} segs={segs.length ? segs : [{ text: ' ' }]} width={width} />
      ))}
    </Box>
  );
}

function code(text: string): Seg[] {
  return [{ text: `  ${text}`, color: 'green' }];
}

/**
 * Shell words packed into lines that fit, continued with ` \` so they still paste as one command;
 * with `prefix` (`export `) each word is its own statement instead.
 */
function shell(words: readonly string[], width: number, prefix?: string): Seg[][] {
  if (prefix) return words.map((w) => code(prefix + w));
  const lines: string[] = [];
  let current = '';
  for (const w of words) {
    const next = current ? `${current} ${w}` : w;
    if (current && 2 + next.length + 2 > width) {
      lines.push(current);
      current = w;
    } else {
      current = next;
    }
  }
  if (current) lines.push(current);
  return lines.map((l, i) => code(i < lines.length - 1 ? `${l} \\` : l));
}
