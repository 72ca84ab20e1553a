import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { LlmCall } from '../../src/domain/call.js';
import { Assembler } from '../../src/normalize/assemble.js';
import { normalize } from '../../src/normalize/index.js';
import { Prices, resolveCost } from '../../src/pricing/index.js';
import { decodeJson } from '../../src/receiver/encoding/json.js';
import type { Signal } from '../../src/otlp/request.js';

/*
 * Each fixture is what an SDK really sends, as OTLP/JSON requests in arrival order, and the calls
 * llmtop must end up with: exactly that many, each with the fields listed.
 */

interface Fixture {
  description: string;
  requests: { signal: Signal; body: unknown }[];
  expected: Partial<LlmCall>[];
}

const dir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(dir, f), 'utf8')) as Fixture] as const);

const table = Prices.load(null);

/** Every request through decodeJson → normalize → one Assembler, applying its changes as the store would. */
function run(fixture: Fixture): LlmCall[] {
  const assembler = new Assembler({ resolveCost: (c) => resolveCost(table, c), keepContent: true });
  const calls = new Map<string, LlmCall>();
  for (const r of fixture.requests) {
    const decoded = decodeJson(r.signal, Buffer.from(JSON.stringify(r.body)));
    expect(decoded.rejected, decoded.rejectReason).toBe(0);
    const changes = assembler.ingest([normalize(decoded.request)]);
    for (const r of changes.deleted) calls.delete(r.id);
    for (const c of changes.upserted) calls.set(c.id, c);
  }
  return [...calls.values()].sort((a, b) => a.timeMs - b.timeMs || a.id.localeCompare(b.id));
}

describe('SDK payloads become exactly the expected calls', () => {
  it('has fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(35);
  });

  it.each(fixtures)('%s', (_name, fixture) => {
    expect(fixture.description.length).toBeGreaterThan(20);
    const calls = run(fixture);
    expect(calls, JSON.stringify(calls, null, 1)).toHaveLength(fixture.expected.length);
    fixture.expected.forEach((want, i) => {
      expect(Object.keys(want).length).toBeGreaterThan(0);
      for (const [key, value] of Object.entries(want)) {
        const got = (calls[i] as unknown as Record<string, unknown>)[key];
        const where = `call ${i} ${key}`;
        // Fixture costs are written as arithmetic: compare those relatively, everything else exactly.
        if (typeof value === 'number' && !Number.isInteger(value)) {
          expect(typeof got, where).toBe('number');
          expect(Math.abs((got as number) - value), `${where}: ${String(got)} vs ${value}`).toBeLessThanOrEqual(Math.abs(value) * 1e-9);
        } else {
          expect(got, where).toEqual(value);
        }
      }
    });
  });
});
