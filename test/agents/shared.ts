import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { getJson, startTestLlmtop } from '../helpers/llmtop.js';
import { startCapture, versions, type Capture } from '../sdk/capture.js';
import type { ApiCall, Llmtop } from '../sdk/shared.js';
import { tempHome } from './cli.js';
import type { Exchange, FakeProvider } from './fake-provider.js';

/* Helpers shared by the coding agents' end-to-end tests. */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The first code block in `lang` after the README's bold line `**title**` (its quick start), with
 * llmtop's default OTLP/HTTP address replaced by the test's: the tests run the README's own lines.
 */
export function readmeBlock(title: string, lang: string, otlpUrl: string): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf(`**${title}**`);
  if (at < 0) throw new Error(`README.md has no **${title}** quick start`);
  const block = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(readme.slice(at));
  if (!block) throw new Error(`README.md: no \`\`\`${lang} block after **${title}**`);
  return block[1]!.replaceAll('http://127.0.0.1:4318', otlpUrl);
}

/** The variables a README block of `export A=1 B=2` lines sets (comments and other lines left out). */
export function exportedVariables(block: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of block.split('\n')) {
    const m = /^export\s+([^#]*)/.exec(line.trim());
    if (!m) continue;
    for (const pair of m[1]!.trim().split(/\s+/)) {
      const eq = pair.indexOf('=');
      if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  return env;
}

/** What each test of an agent's file has: a real llmtop, the fake provider, a home folder; and the file's capturing relay. */
export interface AgentRun {
  capture: Capture;
  app: Llmtop;
  fake: FakeProvider;
  home: ReturnType<typeof tempHome>;
}

/**
 * Registers an agent's test file's hooks: the capturing relay for the file (saved to
 * test/sdk/captured/<agent>.json at the end, with every exchange the fake provider had), and per
 * test a fresh llmtop behind it, the fake provider and a home folder, closed after the test.
 */
export function agentRun(o: { agent: string; pkg: string; note: string; home: string; fake: () => Promise<FakeProvider> }): AgentRun {
  const run = {} as AgentRun;
  const exchanges: (Exchange & { test: string })[] = [];
  beforeAll(async () => {
    run.capture = await startCapture();
  });
  afterAll(async () => {
    run.capture.save(o.agent, { versions: versions(o.pkg), note: o.note, exchanges });
    await run.capture.close();
  });
  beforeEach(async (ctx) => {
    run.app = await startTestLlmtop();
    run.capture.target = run.app.url;
    run.capture.label = ctx.task.name;
    run.fake = await o.fake();
    run.home = tempHome(o.home);
  });
  afterEach(async () => {
    exchanges.push(...run.fake.exchanges.map((x) => ({ test: run.capture.label, ...x })));
    await run.fake.close();
    await run.app.close();
    run.home.remove();
  });
  return run;
}

/** A service's calls, oldest first. */
export async function callsOf(app: Llmtop, service: string): Promise<ApiCall[]> {
  const { calls } = await getJson<{ calls: ApiCall[] }>(`${app.url}/api/v1/calls?limit=1000&service=${encodeURIComponent(service)}`);
  return [...calls].reverse();
}

/** The agents' session ids: UUIDs. */
export const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Two turns of one agent session (a prompt, then the CLI's resume or continue): both calls carry
 * the session's id, and the sessions API shows it as one session of two turns, with both prompts.
 */
export async function expectOneSessionOfTwoTurns(app: Llmtop, calls: readonly ApiCall[], prompts: readonly string[]): Promise<void> {
  const ids = new Set(calls.map((c) => (c as { sessionId?: unknown }).sessionId));
  expect(ids.size).toBe(1);
  const [id] = [...ids] as string[];
  expect(id).toMatch(SESSION_ID);
  const s = await getJson<{ turnCount: number; calls: number; turns: { prompt: string | null }[] }>(`${app.url}/api/v1/sessions/${encodeURIComponent(id!)}`);
  expect({ turnCount: s.turnCount, calls: s.calls, prompts: s.turns.map((t) => t.prompt) }).toEqual({ turnCount: 2, calls: calls.length, prompts });
}

/** What a user checks first: the request count of the summary. */
export async function summaryRequests(app: Llmtop): Promise<number> {
  const s = await getJson<{ totals: { requests: number } }>(`${app.url}/api/v1/summary?window=1h`);
  return s.totals.requests;
}

/** Attributes of an OTLP/JSON key-value list as plain values. */
export function plain(attrs: { key: string; value: any }[] | undefined): Record<string, unknown> {
  const value = (v: any): unknown => {
    if (!v || typeof v !== 'object') return v;
    if ('stringValue' in v) return v.stringValue;
    if ('boolValue' in v) return v.boolValue;
    if ('intValue' in v) return Number(v.intValue);
    if ('doubleValue' in v) return Number(v.doubleValue);
    if ('arrayValue' in v) return (v.arrayValue?.values ?? []).map(value);
    if ('kvlistValue' in v) return Object.fromEntries((v.kvlistValue?.values ?? []).map((kv: any) => [kv.key, value(kv.value)]));
    return undefined;
  };
  return Object.fromEntries((attrs ?? []).map((a) => [a.key, value(a.value)]));
}

export interface CapturedItem {
  name: string;
  traceId: string;
  spanId: string;
  attributes: Record<string, unknown>;
  body: unknown;
}

/** The spans (by name) or log records (by event.name) one test's CLI sent through the relay. */
export function captured(capture: Capture, signal: 'traces' | 'logs', label = capture.label): CapturedItem[] {
  const out: CapturedItem[] = [];
  for (const r of capture.requests) {
    if (r.test !== label || r.path !== `/v1/${signal}`) continue;
    const body = r.body as any;
    for (const rs of body?.resourceSpans ?? body?.resourceLogs ?? [])
      for (const ss of rs.scopeSpans ?? rs.scopeLogs ?? [])
        for (const item of ss.spans ?? ss.logRecords ?? []) {
          const attributes = plain(item.attributes);
          const name = signal === 'traces' ? item.name : String(attributes['event.name'] ?? '');
          out.push({ name, traceId: item.traceId ?? '', spanId: item.spanId ?? '', attributes, body: item.body });
        }
  }
  return out;
}
