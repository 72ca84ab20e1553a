import fs from 'node:fs';
import type { LlmCall } from '../domain/call.js';
import { callJson } from '../api/routes.js';
import { parseDuration } from '../stats/windows.js';
import { CallStore } from '../store/call-store.js';
import { UsageError } from './flags.js';

export type ExportFormat = 'jsonl' | 'csv';

const FIELDS = ['id', 'time', 'traceId', 'spanId', 'service', 'environment', 'provider', 'model', 'operation', 'durationMs', 'ttftMs', 'inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'reasoningTokens', 'costUsd', 'costSource', 'status', 'error', 'errorType', 'finishReason', 'user', 'prompt', 'response', 'source'] as const;

/** One CSV cell: quoted when needed, and never a formula a spreadsheet would run (prompts are from the wire). */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function formatCall(call: LlmCall, format: ExportFormat): string {
  const json = callJson(call);
  return format === 'jsonl' ? JSON.stringify(json) : FIELDS.map((f) => csvCell(json[f])).join(',');
}

export function csvHeader(): string {
  return FIELDS.join(',');
}

/** `llmtop export`: the calls since a time, from the store file, as JSON lines or CSV. */
export function runExport(opts: { db: string; since: string; format: string; out: string | undefined; now: number }): number {
  const sinceMs = parseDuration(opts.since);
  if (sinceMs === null) throw new UsageError(`--since "${opts.since}" is not a duration such as 1h or 7d`);
  if (opts.format !== 'jsonl' && opts.format !== 'csv') throw new UsageError(`--format "${opts.format}" must be jsonl or csv`);
  if (opts.db !== ':memory:' && !fs.existsSync(opts.db)) throw new UsageError(`no llmtop database at ${opts.db}; pass --db`);
  const store = new CallStore({ path: opts.db, maxCalls: Number.MAX_SAFE_INTEGER, retentionMs: Number.MAX_SAFE_INTEGER, now: () => opts.now });
  const fd = opts.out ? fs.openSync(opts.out, 'w') : 1;
  let n = 0;
  try {
    if (opts.format === 'csv') fs.writeSync(fd, `${csvHeader()}\n`);
    for (const call of store.export(opts.now - sinceMs)) {
      fs.writeSync(fd, `${formatCall(call, opts.format)}\n`);
      n++;
    }
  } finally {
    if (opts.out) fs.closeSync(fd);
    store.close();
  }
  if (opts.out) process.stderr.write(`llmtop: wrote ${n} calls to ${opts.out}\n`);
  return 0;
}
