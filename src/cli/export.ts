import fs from 'node:fs';
import type { LlmCall } from '../domain/call.js';
import { callJson } from '../api/json.js';
import { parseDuration } from '../stats/windows.js';
import { CallStore } from '../store/call-store.js';
import { otlpJsonLines } from '../share/otlp.js';
import { UsageError } from './flags.js';

export type ExportFormat = 'jsonl' | 'csv' | 'otlp';
const FORMATS: readonly string[] = ['jsonl', 'csv', 'otlp'] satisfies ExportFormat[];

const FIELDS = ['id', 'time', 'traceId', 'spanId', 'service', 'environment', 'provider', 'model', 'operation', 'durationMs', 'ttftMs', 'inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'reasoningTokens', 'costUsd', 'costSource', 'status', 'error', 'errorType', 'finishReason', 'user', 'prompt', 'response', 'source', 'sessionId', 'contextPercent'] as const;

/** One CSV cell: quoted when needed, and never a formula a spreadsheet would run (prompts are from the wire). */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function formatCall(call: LlmCall, format: Exclude<ExportFormat, 'otlp'>): string {
  const json = callJson(call);
  return format === 'jsonl' ? JSON.stringify(json) : FIELDS.map((f) => csvCell(json[f])).join(',');
}

/** The export's text, piece by piece: a window of 100k calls never sits in memory. */
function* exportText(calls: Iterable<LlmCall>, format: ExportFormat): Generator<string> {
  if (format === 'otlp') return yield* otlpJsonLines(calls);
  if (format === 'csv') yield `${csvHeader()}\n`;
  for (const call of calls) yield `${formatCall(call, format)}\n`;
}

/** Writes are gathered into chunks of this size: one system call per call is most of the time on 100k calls. */
const CHUNK_CHARS = 1 << 20;

function csvHeader(): string {
  return FIELDS.join(',');
}

/** `llmtop export`: the calls since a time, from the store file, as JSON lines, CSV or OTLP/JSON. */
export function runExport(opts: { db: string; since: string; format: string; out: string | undefined; now: number }): number {
  const sinceMs = parseDuration(opts.since);
  if (sinceMs === null) throw new UsageError(`--since "${opts.since}" is not a duration such as 1h or 7d`);
  if (!FORMATS.includes(opts.format)) throw new UsageError(`--format "${opts.format}" must be jsonl, csv or otlp`);
  if (opts.db !== ':memory:' && !fs.existsSync(opts.db)) throw new UsageError(`no llmtop database at ${opts.db}; pass --db`);
  const store = new CallStore({ path: opts.db, maxCalls: Number.MAX_SAFE_INTEGER, retentionMs: Number.MAX_SAFE_INTEGER, now: () => opts.now });
  // Prompts are private: the file is the user's alone, as the store is.
  const fd = opts.out ? fs.openSync(opts.out, 'w', 0o600) : 1;
  let n = 0;
  const counted = function* (calls: Iterable<LlmCall>) {
    for (const call of calls) {
      n++;
      yield call;
    }
  };
  let chunk = '';
  try {
    for (const text of exportText(counted(store.export(opts.now - sinceMs)), opts.format as ExportFormat)) {
      chunk += text;
      if (chunk.length >= CHUNK_CHARS) {
        writeAll(fd, chunk);
        chunk = '';
      }
    }
    writeAll(fd, chunk);
  } finally {
    if (opts.out) fs.closeSync(fd);
    store.close();
  }
  if (opts.out) process.stderr.write(`llmtop: wrote ${n} calls to ${opts.out}\n`);
  return 0;
}

/** writeSync may write less than asked to a pipe. */
function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let off = 0; off < bytes.length; ) off += fs.writeSync(fd, bytes, off);
}
