import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otlpJsonLines } from '../../src/share/otlp.js';
import { getJson, startTestLlmtop } from '../helpers/llmtop.js';
import { makeCall } from '../helpers/view-calls.js';

/**
 * `llmtop export --format otlp`: every normalizer fixture goes into one llmtop through its real
 * receiver, out of its store file as OTLP/JSON, and into a second llmtop with curl, as a user
 * would load it: the second holds the same calls, field for field.
 */

const run = promisify(execFile);
const BIN = path.resolve('bin/llmtop.js');
const FIXTURES = path.resolve('test/normalize/fixtures');
const FOREVER = { retentionMs: 100 * 365 * 24 * 3600_000 };
let first: Awaited<ReturnType<typeof startTestLlmtop>>;
let second: Awaited<ReturnType<typeof startTestLlmtop>>;

type Call = Record<string, unknown>;
const byId = (calls: Call[]) => [...calls].sort((a, b) => String(a.id).localeCompare(String(b.id)));

beforeAll(async () => {
  first = await startTestLlmtop(FOREVER);
  second = await startTestLlmtop(FOREVER);
  for (const name of fs.readdirSync(FIXTURES)) {
    const fixture = JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8')) as { requests: { signal: string; body: unknown }[] };
    for (const r of fixture.requests) {
      const res = await fetch(`${first.url}/v1/${r.signal}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(r.body) });
      expect(res.status).toBe(200);
    }
  }
});
afterAll(async () => {
  await first.close();
  await second.close();
});

describe('llmtop export --format otlp', () => {
  it('writes OTLP/JSON that llmtop ingests back to the same calls: fields, cost and its source, text', async () => {
    const file = path.join(first.dir, 'export.json');
    const { stderr } = await run('node', [BIN, 'export', '--db', path.join(first.dir, 'llmtop.db'), '--format', 'otlp', '--window', '36500d', '--out', file]);
    const before = (await getJson<{ calls: Call[] }>(`${first.url}/api/v1/calls?limit=1000`)).calls;
    expect(before.length).toBeGreaterThan(40);
    expect(stderr).toContain(`wrote ${before.length} calls`);
    // What any OTLP tool sees: GenAI spans, the text as gen_ai.input.messages.
    const request = JSON.parse(fs.readFileSync(file, 'utf8'));
    const keys = request.resourceSpans.flatMap((r: any) => r.scopeSpans[0].spans[0].attributes.map((a: any) => a.key));
    for (const k of ['gen_ai.request.model', 'gen_ai.usage.input_tokens', 'gen_ai.input.messages', 'gen_ai.output.messages', 'llmtop.call_id']) expect(keys).toContain(k);

    const { stdout } = await run('curl', ['-sS', '-H', 'content-type: application/json', '--data', `@${file}`, `${second.url}/v1/traces`]);
    expect(JSON.parse(stdout)).toEqual({});
    const after = (await getJson<{ calls: Call[] }>(`${second.url}/api/v1/calls?limit=1000`)).calls;
    expect(after).toHaveLength(before.length);
    const [a, b] = [byId(before), byId(after)];
    for (let i = 0; i < a.length; i++) {
      const { durationMs: da, ttftMs: ta, traceId: _ta, spanId: _sa, ...restA } = a[i]!;
      const { durationMs: db, ttftMs: tb, traceId: _tb, spanId: _sb, ...restB } = b[i]!;
      expect(restB).toEqual(restA);
      expect(db as number).toBeCloseTo(da as number, 3);
      if (ta === null) expect(tb).toBeNull();
      else expect(tb as number).toBeCloseTo(ta as number, 3);
    }
    // Span ids survive wherever the call had them (log events have none to keep).
    const spanCalls = a.filter((c) => /^[0-9a-f]{32}$/.test(String(c.traceId)));
    expect(spanCalls.length).toBeGreaterThan(20);
    for (const c of spanCalls) expect(b.find((x) => x.id === c.id)).toMatchObject({ traceId: c.traceId, spanId: c.spanId });
  });
});

describe('OTLP/JSON Lines', () => {
  it('starts a new request before one would pass what a receiver accepts, and each line is a whole request', () => {
    const big = 'x'.repeat(60_000);
    const calls = Array.from({ length: 300 }, (_, i) => makeCall({ id: `c${i}`, prompt: big, response: big }));
    const lines = [...otlpJsonLines(calls)].join('').split('\n').filter((l) => l !== '');
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(Buffer.byteLength(l)).toBeLessThan(64 * 1024 * 1024);
    const ids = lines.flatMap((l) => JSON.parse(l).resourceSpans.map((r: any) => r.scopeSpans[0].spans[0].attributes.find((a: any) => a.key === 'llmtop.call_id').value.stringValue));
    expect(ids).toEqual(calls.map((c) => c.id));
  });

  it('writes nothing for no calls', () => expect([...otlpJsonLines([])]).toEqual([]));
});
