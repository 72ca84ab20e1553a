import { describe, expect, it } from 'vitest';
import { evaluate, notes, summarize, type Limits } from '../../src/cli/check.js';
import { renderReport, renderTable, reportFormat, type CheckResult } from '../../src/cli/check-report.js';
import { makeCall, NOW } from '../helpers/view-calls.js';

const LIMITS: Limits = { maxCostUsd: 0.05, maxP95Ms: null, maxTtftP95Ms: null, maxErrorRatePct: 10, maxTokens: null, minCalls: null, maxLoops: null };

function result(calls = defaultCalls(), exit = { code: 0, signal: null }): CheckResult {
  const summary = summarize(calls);
  return { command: ['npm', 'run', 'eval'], exit, limits: LIMITS, breaches: evaluate(summary.totals, LIMITS), notes: notes(summary, LIMITS), summary };
}

function defaultCalls() {
  return [
    makeCall({ traceId: 'aaaaaaaa11112222', timeMs: NOW, model: 'gpt-4o-mini', costUsd: 0.04, durationMs: 900 }),
    makeCall({ traceId: 'bbbbbbbb33334444', timeMs: NOW + 1, model: 'gpt-4o', costUsd: 0.03, durationMs: 1500, status: 'error' }),
  ];
}

describe('reportFormat, from the file name', () => {
  it.each([
    ['report.md', 'md'],
    ['out/REPORT.MD', 'md'],
    ['report.markdown', 'md'],
    ['llmtop.json', 'json'],
    ['report.txt', null],
    ['report', null],
  ])('%s → %s', (file, format) => expect(reportFormat(file)).toBe(format));
});

describe('the table printed on stdout', () => {
  it('has one row per model, the totals, and one row per run', () => {
    const text = renderTable(result());
    expect(text).toContain('npm run eval exited 0, 2 LLM calls');
    expect(text).toMatch(/^MODEL\s+REQ\s+TOKENS IN\s+OUT\s+COST\s+P95\s+TTFT P95\s+ERR$/m);
    expect(text).toMatch(/^openai\/gpt-4o-mini\s+1\s.*\$0\.0400\s+900ms/m);
    expect(text).toMatch(/^openai\/gpt-4o\s+1\s.*\$0\.0300\s+1\.5s\s.*1 \(100%\)$/m);
    expect(text).toMatch(/^TOTAL\s+2\s.*\$0\.0700\s/m);
    expect(text).toMatch(/^aaaaaaaa checkout\s+1\s/m);
    expect(text).toMatch(/^bbbbbbbb checkout\s+1\s/m);
  });

  it('shows a model name from the wire as visible text, never an escape sequence', () => {
    const text = renderTable(result([makeCall({ model: 'evil\u001b]52;c;aGk=\u0007' })]));
    expect(text).not.toContain('\u001b');
    expect(text).toContain('evil^[]52;c;aGk=^G');
  });

  it('says how a command killed by a signal ended', () => {
    expect(renderTable(result(defaultCalls(), { code: null, signal: 'SIGTERM' } as never))).toContain('npm run eval killed by SIGTERM');
  });
});

describe('the report file', () => {
  it('Markdown: the verdict, each limit with its value and result, the model and run tables', () => {
    const md = renderReport(result(), 'md');
    expect(md).toContain('**failed**: `npm run eval` exited 0, 2 LLM calls, cost $0.0700.');
    expect(md).toContain('| `--max-cost $0.0500` | $0.0700 | ❌ broken |');
    expect(md).toContain('| `--max-error-rate 10%` | 50% | ❌ broken |');
    expect(md).toMatch(/^\| openai\/gpt-4o-mini \| 1 \|/m);
    expect(md).toMatch(/^\| \*\*total\*\* \| 2 \|/m);
    expect(md).toMatch(/^\| aaaaaaaa11112222 checkout \| 1 \|/m);
  });

  it('Markdown: passed when no limit is broken and the command exited 0', () => {
    const calls = [makeCall({ costUsd: 0.01 })];
    const summary = summarize(calls);
    expect(renderReport({ command: ['x'], exit: { code: 0, signal: null }, limits: LIMITS, breaches: [], notes: [], summary }, 'md')).toContain('**passed**');
  });

  it('Markdown: a model name cannot break the table or inject markup', () => {
    const md = renderReport(result([makeCall({ model: 'a|b <img src=x> `x`' })]), 'md');
    expect(md).toContain('openai/a\\|b \\<img src=x\\> \\`x\\`');
  });

  it('JSON: raw numbers, the breaches and the verdict', () => {
    const json = JSON.parse(renderReport(result(), 'json'));
    expect(json.passed).toBe(false);
    expect(json.command).toEqual(['npm', 'run', 'eval']);
    expect(json.breaches.map((b: { flag: string }) => b.flag)).toEqual(['--max-cost', '--max-error-rate']);
    expect(json.totals).toMatchObject({ requests: 2, errors: 1, p95LatencyMs: 1500 });
    expect(json.totals.costUsd).toBeCloseTo(0.07);
    expect(json.models).toHaveLength(2);
    expect(json.runs.map((r: { traceId: string }) => r.traceId)).toEqual(['aaaaaaaa11112222', 'bbbbbbbb33334444']);
    expect(json.runs[0].start).toBe(new Date(NOW).toISOString());
  });
});
