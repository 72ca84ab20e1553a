import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AGENT_EVENTS, qualifiedEventName } from '../../src/normalize/agents.js';
import type { CapturedRequest } from '../sdk/capture.js';
import { plain } from './shared.js';

/*
 * What a coding agent's CLI sends, as a catalog of names and attribute keys: log events by
 * event.name, and the spans that matter to llmtop. docs/AGENTS.md holds the catalog of each
 * version seen; the agents' tests compare a fresh one against it, so that a new CLI version
 * that changes shape fails a test that names the change.
 *
 * `npx tsx test/agents/catalog.ts codex` prints the tables for the doc from the committed
 * capture (test/sdk/captured/codex.json; LLMTOP_UPDATE_CAPTURES=1 rewrites it).
 */

export type Cli = 'codex' | 'gemini-cli' | 'claude-code';

const CLI: Record<Cli, { title: string; pkg: string; capture: string }> = {
  codex: { title: 'Codex', pkg: '@openai/codex', capture: 'codex' },
  'gemini-cli': { title: 'Gemini CLI', pkg: '@google/gemini-cli', capture: 'gemini-cli' },
  'claude-code': { title: 'Claude Code', pkg: '@anthropic-ai/claude-code', capture: 'claude-code' },
};

/** Codex's spans that matter: those that name a model or carry gen_ai.* usage, and its HTTP request. */
function spanMatters(cli: Cli, name: string, attrs: Record<string, unknown>): boolean {
  if (cli !== 'codex') return true;
  return 'model' in attrs || Object.keys(attrs).some((k) => k.startsWith('gen_ai.')) || name === 'endpoint_session.stream_encoded_json_with';
}

export interface Entry {
  keys: Set<string>;
  count: number;
  /** Records with trace context. */
  traced: number;
}

export interface Catalog {
  events: Map<string, Entry>;
  spans: Map<string, Entry>;
  metrics: Set<string>;
}

function add(map: Map<string, Entry>, name: string, attrs: Record<string, unknown>, traced: boolean): void {
  let e = map.get(name);
  if (!e) map.set(name, (e = { keys: new Set(), count: 0, traced: 0 }));
  for (const k of Object.keys(attrs)) e.keys.add(k);
  e.count++;
  if (traced) e.traced++;
}

/** The catalog of captured OTLP/JSON requests. */
export function catalogOf(cli: Cli, requests: readonly CapturedRequest[]): Catalog {
  const c: Catalog = { events: new Map(), spans: new Map(), metrics: new Set() };
  for (const r of requests) {
    const body = r.body as any;
    for (const rs of body?.resourceLogs ?? [])
      for (const sl of rs.scopeLogs ?? [])
        for (const l of sl.logRecords ?? []) {
          const attrs = plain(l.attributes);
          const name = attrs['event.name'];
          if (typeof name === 'string' && name !== '') add(c.events, qualifiedEventName(name, sl.scope?.name ?? ''), attrs, Boolean(l.traceId));
        }
    for (const rs of body?.resourceSpans ?? [])
      for (const ss of rs.scopeSpans ?? [])
        for (const s of ss.spans ?? []) {
          const attrs = plain(s.attributes);
          if (spanMatters(cli, s.name, attrs)) add(c.spans, s.name, attrs, Boolean(s.parentSpanId));
        }
    for (const rm of body?.resourceMetrics ?? []) for (const sm of rm.scopeMetrics ?? []) for (const m of sm.metrics ?? []) c.metrics.add(m.name);
  }
  return c;
}

export interface Documented {
  cli: Cli;
  version: string;
  commonEventKeys: Set<string>;
  commonSpanKeys: Set<string>;
  events: Map<string, Set<string>>;
  spans: Map<string, Set<string>>;
}

const DOC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'AGENTS.md');
const ticked = (s: string) => [...s.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

/** The section of docs/AGENTS.md for one CLI, read back. */
export function documented(cli: Cli): Documented {
  const text = fs.readFileSync(DOC, 'utf8');
  const { title, pkg } = CLI[cli];
  const start = text.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`docs/AGENTS.md has no "## ${title}" section`);
  const end = text.indexOf('\n## ', start + 1);
  const section = text.slice(start, end < 0 ? undefined : end);
  const version = new RegExp('`' + pkg.replace('/', '\\/') + '` (\\d+\\.\\d+\\.\\d+)').exec(section)?.[1] ?? '?';
  const line = (prefix: string) => new Set(ticked(section.split('\n').find((l) => l.startsWith(prefix)) ?? ''));
  const table = (heading: string, attrColumn: number) => {
    const out = new Map<string, Set<string>>();
    const at = section.indexOf(`\n### ${heading}`);
    if (at < 0) return out;
    const next = section.indexOf('\n### ', at + 1);
    for (const row of section.slice(at, next < 0 ? undefined : next).split('\n')) {
      const cells = row.split(' | ');
      const name = ticked(cells[0] ?? '')[0];
      if (!row.startsWith('| `') || !name) continue;
      out.set(name, new Set(ticked(cells[attrColumn] ?? '')));
    }
    return out;
  };
  return {
    cli,
    version,
    commonEventKeys: line('Attributes on every log event:'),
    commonSpanKeys: line('Attributes on every span:'),
    events: table('Log events', 2),
    spans: table('Spans', 1),
  };
}

const list = (xs: Iterable<string>) => [...xs].sort().join(', ');

/**
 * What changed between the documented catalog and a fresh one, one line per change: the version,
 * events and spans that are new, events llmtop reads and spans that are gone, attributes new or
 * gone. Events llmtop does not read may come and go (some depend on the machine), and so may
 * Codex's spans.
 */
export function differences(doc: Documented, fresh: Catalog, installed: string): string[] {
  const out: string[] = [];
  const who = `${CLI[doc.cli].title} ${installed}`;
  if (doc.version !== installed) out.push(`docs/AGENTS.md describes ${CLI[doc.cli].pkg} ${doc.version}, the installed one is ${installed}: check the tables and update the version`);
  const compare = (kind: string, name: string, want: Set<string>, got: Entry, common: Set<string>) => {
    const keys = new Set([...got.keys].filter((k) => !common.has(k)));
    const added = [...keys].filter((k) => !want.has(k));
    const gone = [...want].filter((k) => !keys.has(k));
    const lost = kind === 'event' ? [...common].filter((k) => !got.keys.has(k)) : [];
    if (added.length) out.push(`${who}: ${kind} ${name} has new attributes ${list(added)}`);
    if (gone.length) out.push(`${who}: ${kind} ${name} no longer has ${list(gone)}`);
    if (lost.length) out.push(`${who}: ${kind} ${name} lacks the common attributes ${list(lost)}`);
  };
  for (const [name, got] of fresh.events) {
    const want = doc.events.get(name);
    if (!want) out.push(`${who}: new event ${name} (${list(got.keys)})`);
    else if (AGENT_EVENTS.has(name) || name === 'gen_ai.client.inference.operation.details') compare('event', name, want, got, doc.commonEventKeys);
  }
  for (const name of doc.events.keys()) if ((AGENT_EVENTS.has(name) || name.startsWith('gen_ai.')) && !fresh.events.has(name)) out.push(`${who}: event ${name}, which llmtop reads, was not sent`);
  for (const [name, got] of fresh.spans) {
    const want = doc.spans.get(name);
    if (!want) out.push(`${who}: new span ${name} (${list(got.keys)})`);
    else compare('span', name, want, got, doc.commonSpanKeys);
  }
  // Codex's spans are read as none, and the last to end do not always make its final export.
  if (doc.cli !== 'codex') for (const name of doc.spans.keys()) if (!fresh.spans.has(name)) out.push(`${who}: span ${name} was not sent`);
  return out;
}

/** The doc's tables for a catalog, attributes common to every record of a kind taken out. */
export function markdown(cli: Cli, c: Catalog): string {
  const common = (m: Map<string, Entry>) => {
    const all = [...m.values()];
    return new Set(all.length ? [...all[0]!.keys].filter((k) => all.every((e) => e.keys.has(k))) : []);
  };
  const ce = common(c.events);
  const cs = common(c.spans);
  const ctx = (e: Entry) => (e.traced === e.count ? 'yes' : e.traced === 0 ? 'no' : `${e.traced} of ${e.count}`);
  const rows = (m: Map<string, Entry>, skip: Set<string>, withCtx: boolean) =>
    [...m]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, e]) => `| \`${name}\` | ${withCtx ? `${ctx(e)} | ` : ''}${[...e.keys].filter((k) => !skip.has(k)).sort().map((k) => `\`${k}\``).join(', ') || '–'} | |`)
      .join('\n');
  return `## ${CLI[cli].title}

\`${CLI[cli].pkg}\` ${'<version>'}

Attributes on every log event: ${[...ce].sort().map((k) => `\`${k}\``).join(', ')}

Attributes on every span: ${[...cs].sort().map((k) => `\`${k}\``).join(', ')}

### Log events

| event | trace context | attributes | llmtop |
| --- | --- | --- | --- |
${rows(c.events, ce, true)}

### Spans

| span | attributes | llmtop |
| --- | --- | --- |
${rows(c.spans, cs, false)}

Metrics: ${[...c.metrics].sort().map((k) => `\`${k}\``).join(', ')}
`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const cli = process.argv[2] as Cli;
  if (!CLI[cli]) throw new Error(`usage: npx tsx test/agents/catalog.ts ${Object.keys(CLI).join('|')}`);
  const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'sdk', 'captured', `${CLI[cli].capture}.json`);
  const { requests } = JSON.parse(fs.readFileSync(file, 'utf8')) as { requests: CapturedRequest[] };
  console.log(markdown(cli, catalogOf(cli, requests)));
}
