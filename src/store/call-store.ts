import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { GROUP_KEYS, type GroupKey, type LlmCall, type StoredCall } from '../domain/call.js';
import type { QueryRow, QuerySpec } from '../domain/query.js';
import { TURN_PROMPT_CHARS, type SessionCall, type SessionSort, type SessionSummary } from '../domain/session.js';
import type { CallChanges, CallRef, Committed } from '../domain/changes.js';
import { runQuery } from './query.js';
import { CREATE, MIGRATIONS, SCHEMA_VERSION } from './schema.js';
import { makeFolder } from '../files/make-folder.js';
import { RESTART_FRAMES, walCheckpointer } from './checkpointer.js';

export interface StoreOptions {
  /** A file path, or ':memory:'. */
  path: string;
  maxCalls: number;
  retentionMs: number;
  now: () => number;
  /** Keep the full-text search index (default true; the bench measures what it costs). */
  searchIndex?: boolean;
  /**
   * Read only, leaving the file as it is (a running llmtop may be writing it: WAL lets a second
   * process read). A file that needs upgrading first is a StoreUpgradeNeeded.
   */
  readOnly?: boolean;
  /**
   * Whoever opens this store has its log checkpointed (the writer thread calls `checkpoint` between
   * commits), so it neither checkpoints in its commits nor has the checkpoint worker do it.
   */
  checkpointedElsewhere?: boolean;
}

/** What the store needs to work a stored call's cost out again. */
export type PricedCall = Pick<
  LlmCall,
  'provider' | 'model' | 'timeMs' | 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'cacheWriteTokens' | 'reasoningTokens'
> & { reportedCostUsd: number | null };

export type Repricer = (c: PricedCall) => Pick<LlmCall, 'costUsd' | 'costSource' | 'contextPercent'>;

/** Calls read and written back per round when re-pricing. */
const REPRICE_BATCH = 10_000;
/** Calls indexed per transaction when a file from an older llmtop gets its search index. */
const SEARCH_BATCH = 10_000;

/** A session as the store adds it up: every field of its summary but its status. */
export type SessionRow = Omit<SessionSummary, 'status'>;

/** The db file cannot be used: the message is one line for the user. */
export class StoreOpenError extends Error {}

/** A file opened read-only is from an older llmtop, or its search index is not built: it must be opened for writing once. */
export class StoreUpgradeNeeded extends StoreOpenError {}

export interface CallQuery {
  limit: number;
  filter?: Partial<Record<GroupKey, string>>;
  /** Failed calls only. */
  errors?: boolean;
  /** Full-text search over prompt, response and error, in SQLite FTS5 syntax (SearchSyntaxError when it is not). */
  q?: string;
}

/** A search the FTS5 syntax cannot read: the message says what is wrong, for a 400. */
export class SearchSyntaxError extends Error {}

/** What a call's row is read as: `Row` takes them in this order. */
const COLUMNS = `c.id, c.start_ns / 1000 AS time_us, c.trace_id, c.span_id, c.service, c.environment, c.provider,
  c.model, c.operation, c.duration_ms, c.ttft_ms, c.input_tokens, c.output_tokens, c.cache_read_tokens,
  c.cache_write_tokens, c.reasoning_tokens, c.cost_usd, c.cost_source, c.status, c.error, c.error_type, c.finish_reason, c.user, c.source,
  c.session_id, c.context_percent`;

/**
 * A call's row as read in raw mode, in the order of COLUMNS, then prompt and response when they
 * are asked for. Arrays rather than objects: a day of calls read at start takes half the time.
 */
type Row = [
  id: string,
  timeUs: number,
  traceId: string,
  spanId: string,
  service: string,
  environment: string,
  provider: string,
  model: string,
  operation: string,
  durationMs: number,
  ttftMs: number | null,
  inputTokens: number,
  outputTokens: number,
  cacheReadTokens: number,
  cacheWriteTokens: number,
  reasoningTokens: number,
  costUsd: number | null,
  costSource: LlmCall['costSource'],
  status: LlmCall['status'],
  error: string | null,
  errorType: string | null,
  finishReason: string | null,
  user: string | null,
  source: string,
  sessionId: string | null,
  contextPercent: number | null,
  prompt?: string | null,
  response?: string | null,
];

/** What `eachSince` reads of a call, in the order of `StoredRow`. */
const STORED = `c.id, c.start_ns / 1000, c.trace_id, c.span_id,
  json_array(${GROUP_KEYS.map((k) => (k === 'user' ? "coalesce(c.user, '')" : `c.${k}`)).join(', ')}),
  c.duration_ms, c.ttft_ms, c.input_tokens, c.output_tokens, c.cache_read_tokens, c.cache_write_tokens, c.reasoning_tokens,
  c.cost_usd, c.cost_source, c.status, c.error, c.error_type, c.finish_reason, c.source`;

type StoredRow = [
  id: string,
  timeUs: number,
  traceId: string,
  spanId: string,
  groupKeys: string,
  durationMs: number,
  ttftMs: number | null,
  inputTokens: number,
  outputTokens: number,
  cacheReadTokens: number,
  cacheWriteTokens: number,
  reasoningTokens: number,
  costUsd: number | null,
  costSource: LlmCall['costSource'],
  status: LlmCall['status'],
  error: string | null,
  errorType: string | null,
  finishReason: string | null,
  source: string,
];

const RETENTION_CHECK_MS = 1000;

const INSERT = `INSERT INTO calls (id, start_ns, trace_id, span_id, service, environment, provider, model,
    operation, duration_ms, ttft_ms, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
    reasoning_tokens, cost_usd, cost_source, status, error, error_type, finish_reason, user, source, session_id, context_percent)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/**
 * The SQLite ring buffer: WAL, statements prepared once, each commit one transaction that
 * applies a batch of changes and trims to --max-calls and --retention.
 */
export class CallStore {
  private readonly db: Database.Database;
  private readonly stmt;
  /** The sessions query, one per order, prepared when first asked. */
  private readonly sessionStatements = new Map<SessionSort | 'newest', Database.Statement>();
  private count: number;
  private lastRetention = 0;
  /** Stops the worker's checkpoints of this file (a writable file only). */
  private releaseCheckpoints: (() => void) | null = null;

  constructor(private readonly opts: StoreOptions) {
    this.db = opts.readOnly ? openReadOnly(opts.path) : openDatabase(opts.path);
    const db = this.db;
    this.stmt = {
      // Most calls are new: the plain insert tells them apart by its change count, with no RETURNING to pay for.
      insert: db.prepare(`${INSERT} ON CONFLICT (start_ns, id) DO NOTHING`),
      update: db.prepare(`${INSERT}
        ON CONFLICT (start_ns, id) DO UPDATE SET trace_id = excluded.trace_id,
          span_id = excluded.span_id, service = excluded.service, environment = excluded.environment,
          provider = excluded.provider, model = excluded.model, operation = excluded.operation,
          duration_ms = excluded.duration_ms, ttft_ms = excluded.ttft_ms, input_tokens = excluded.input_tokens,
          output_tokens = excluded.output_tokens, cache_read_tokens = excluded.cache_read_tokens,
          cache_write_tokens = excluded.cache_write_tokens, reasoning_tokens = excluded.reasoning_tokens,
          cost_usd = excluded.cost_usd, cost_source = excluded.cost_source, status = excluded.status,
          error = excluded.error, error_type = excluded.error_type, finish_reason = excluded.finish_reason, user = excluded.user, source = excluded.source,
          session_id = excluded.session_id, context_percent = excluded.context_percent
        RETURNING seq`).pluck(),
      putContent: db.prepare('INSERT OR REPLACE INTO content (seq, prompt, response) VALUES (?, ?, ?)'),
      dropContent: db.prepare('DELETE FROM content WHERE seq = ? RETURNING prompt, response').raw(),
      delete: db.prepare('DELETE FROM calls WHERE start_ns = ? AND id = ? RETURNING seq, error, start_ns / 1000 AS time_us'),
      nthSeq: db.prepare('SELECT seq FROM calls ORDER BY seq LIMIT 1 OFFSET ?').pluck(),
      trimSeq: db.prepare('DELETE FROM calls WHERE seq <= ? RETURNING id, seq, error, start_ns / 1000 AS time_us'),
      trimSeqContent: db.prepare('DELETE FROM content WHERE seq <= ? RETURNING seq, prompt, response').raw(),
      expire: db.prepare('DELETE FROM calls WHERE start_ns < ? RETURNING id, seq, error, start_ns / 1000 AS time_us'),
      count: db.prepare('SELECT count(*) FROM calls').pluck(),
      since: db.prepare(`SELECT ${COLUMNS} FROM calls c WHERE c.start_ns >= ? ORDER BY c.start_ns`).raw(),
      storedSince: db.prepare(`SELECT ${STORED} FROM calls c WHERE c.start_ns >= ? ORDER BY c.start_ns`).raw(),
      nthNewest: db.prepare('SELECT start_ns / 1000000 FROM calls ORDER BY start_ns DESC LIMIT 1 OFFSET ?').pluck(),
      services: db.prepare("SELECT DISTINCT service FROM calls WHERE source <> 'metrics'").pluck(),
      byKey: db.prepare(`SELECT ${COLUMNS}, t.prompt, t.response FROM calls c LEFT JOIN content t ON t.seq = c.seq WHERE c.start_ns = ? AND c.id = ?`).raw(),
      // No index leads from the id: this reads the (start, id) index newest first, all of it (~0.1 s at a million calls) for an id not there.
      startOf: db.prepare('SELECT start_ns FROM calls WHERE id = ? ORDER BY start_ns DESC LIMIT 1').safeIntegers().pluck(),
      indexText: db.prepare('INSERT INTO search (rowid, prompt, response, error) VALUES (?, ?, ?, ?)'),
      unindex: db.prepare(`INSERT INTO search (search, rowid, prompt, response, error) VALUES ('delete', ?, ?, ?, ?)`),
      /** What a stored call was indexed with, before it changes. */
      indexed: db.prepare('SELECT c.seq, t.prompt, t.response, c.error FROM calls c LEFT JOIN content t ON t.seq = c.seq WHERE c.start_ns = ? AND c.id = ?').raw(),
    };
    this.indexing = opts.searchIndex ?? true;
    // Calls stored without the index leave it incomplete: built again when indexing comes back.
    if (!this.indexing) this.db.prepare("DELETE FROM meta WHERE key = 'search'").run();
    this.count = this.stmt.count.get() as number;
    if (!opts.readOnly && opts.path !== ':memory:') {
      db.pragma('wal_autocheckpoint = 0');
      // A log started over is cut back to this, not left at the longest it ever grew.
      db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
      if (!opts.checkpointedElsewhere) this.checkpointInWorker();
    }
  }

  private readonly indexing: boolean;

  /**
   * Takes a call out of the search index, given the text it was indexed with (FTS5 finds the
   * tokens to remove from it); a call indexed with no text was never in it.
   */
  private unindex(seq: number, prompt: string | null, response: string | null, error: string | null): void {
    if (this.indexing && (prompt !== null || response !== null || error !== null)) this.stmt.unindex.run(seq, prompt, response, error);
  }

  /** Whether the search index is missing calls stored before it existed (a file from an older llmtop). */
  get searchIndexIncomplete(): boolean {
    return this.indexing && this.db.prepare("SELECT value FROM meta WHERE key = 'search'").pluck().get() !== 'built';
  }

  /**
   * Indexes every stored call for search, in batches, telling `progress` how far it is: once,
   * for a file written before the index existed.
   */
  buildSearchIndex(progress: (done: number, total: number) => void = () => {}): void {
    if (!this.searchIndexIncomplete) return;
    const read = this.db.prepare(`SELECT c.seq, t.prompt, t.response, c.error FROM calls c LEFT JOIN content t ON t.seq = c.seq
      WHERE c.seq > ? ORDER BY c.seq LIMIT ?`).raw();
    const total = this.count;
    let done = 0;
    this.db.exec("INSERT INTO search (search) VALUES ('delete-all')");
    for (let after = -1; ; ) {
      const rows = read.all(after, SEARCH_BATCH) as [number, string | null, string | null, string | null][];
      if (rows.length === 0) break;
      this.db.transaction(() => {
        for (const [seq, prompt, response, error] of rows) if (prompt !== null || response !== null || error !== null) this.stmt.indexText.run(seq, prompt, response, error);
      })();
      done += rows.length;
      after = rows[rows.length - 1]![0];
      progress(done, total);
    }
    this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('search', 'built')").run();
  }

  get size(): number {
    return this.count;
  }

  /** What the store was opened with: a writer thread opens the same file with the same ring. */
  get options(): Readonly<StoreOptions> {
    return this.opts;
  }

  /** The writer thread's connection committed, and left the file holding `size` calls. */
  noteSize(size: number): void {
    this.count = size;
  }

  /**
   * The writer thread commits from now on, and this connection only reads: scans of the stored
   * calls, which the OS's cache serves, so its page cache shrinks to 1 MiB (the writer's has 4).
   */
  leaveCommitsToThread(): void {
    this.db.pragma(`cache_size = -${READ_CACHE_KIB}`);
    // The thread checkpoints too (see `checkpoint`): the worker, left with no store, stops.
    this.releaseCheckpoints?.();
    this.releaseCheckpoints = null;
  }

  /** The writer thread stopped: this connection commits again, with its page cache, and counts the calls it now keeps. */
  takeCommitsBack(): void {
    this.db.pragma(`cache_size = -${CACHE_KIB}`);
    this.checkpointInWorker();
    this.count = this.stmt.count.get() as number;
  }

  /** The checkpoint worker copies this file's log into it; should it fail, this connection does, every thousand pages. */
  private checkpointInWorker(): void {
    const db = this.db;
    this.releaseCheckpoints ??= walCheckpointer.add(this.opts.path, () => db.open && db.pragma('wal_autocheckpoint = 1000'));
  }

  /**
   * What the checkpoint worker does, on this connection: the writer thread's, between two commits.
   * The worker took 4-6 µs of CPU a span for it and cost some 10 MiB; here it is some 11% of the
   * writer's busy time (the profile of 2026-12-08 03:45 UTC, bench/results.md), about what the
   * worker took, without the worker's memory. Copies what the log holds into the database without waiting for
   * readers, and starts the log over once it has grown long and is all copied, if no reader holds
   * it (never waiting either).
   */
  checkpoint(): void {
    try {
      const [r] = this.db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
      if (!r || r.log <= RESTART_FRAMES || r.checkpointed !== r.log) return;
      const timeout = this.db.pragma('busy_timeout', { simple: true }) as number;
      this.db.pragma('busy_timeout = 0');
      try {
        this.db.pragma('wal_checkpoint(RESTART)');
      } finally {
        this.db.pragma(`busy_timeout = ${timeout}`);
      }
    } catch {
      // A reader held the log: the next round tries again.
    }
  }

  /**
   * Applies one batch in one transaction; returns what it did, with the calls trimmed from the ring
   * added to `deleted`.
   */
  readonly commit = (changes: CallChanges): Committed => {
    const count = this.count;
    try {
      return this.commitTx(changes);
    } catch (err) {
      // SQLite rolled the transaction back; the count it kept must go back too.
      this.count = count;
      throw err;
    }
  };

  private readonly commitTx = (changes: CallChanges): Committed =>
    this.db.transaction((c: CallChanges): Committed => {
      const deleted: CallRef[] = [];
      const replaced: CallRef[] = [];
      for (const ref of c.deleted) {
        const row = this.stmt.delete.get(startNs(ref.timeMs), ref.id) as { seq: number; error: string | null; time_us: number } | undefined;
        if (row) {
          const text = this.stmt.dropContent.get(row.seq) as [string | null, string | null] | undefined;
          this.unindex(row.seq, text?.[0] ?? null, text?.[1] ?? null, row.error);
          deleted.push({ id: ref.id, timeMs: row.time_us / 1000 });
          this.count--;
        }
      }
      for (const call of c.upserted) {
        const params = toParams(call);
        const ins = this.stmt.insert.run(params);
        const inserted = ins.changes === 1;
        if (!inserted) {
          // The same call again (an exporter's retry, a later layer of its trace): same start, same id.
          // The text it was indexed with is taken out of the index before it changes; a new call
          // (most) has nothing to take out, and is not looked up.
          replaced.push({ id: call.id, timeMs: Number((params[1] as bigint) / 1000n) / 1000 });
          if (this.indexing) {
            const old = this.stmt.indexed.get(params[1], call.id) as [number, string | null, string | null, string | null] | undefined;
            if (old) this.unindex(...old);
          }
        }
        const seq = inserted ? (ins.lastInsertRowid as number) : (this.stmt.update.get(params) as number);
        if (inserted) this.count++;
        if (call.prompt !== null || call.response !== null) {
          // Calls come capped from the assembler (normalize/limits.ts).
          this.stmt.putContent.run(seq, call.prompt, call.response);
        } else if (!inserted) {
          // A new seq has no text to drop: AUTOINCREMENT never hands out a seq twice.
          this.stmt.dropContent.get(seq);
        }
        if (this.indexing && (call.prompt !== null || call.response !== null || call.error !== null)) this.stmt.indexText.run(seq, call.prompt, call.response, call.error);
      }
      const trimmed = this.trim();
      if (trimmed.length === 0) return { upserted: c.upserted, deleted, replaced };
      // A call of this batch trimmed at once (older than --retention, or a batch larger than the
      // ring) was never there for anyone reading the result.
      const batch = new Set(c.upserted.map((call) => call.id));
      const gone = new Set<string>();
      for (const t of trimmed) {
        if (batch.has(t.id)) gone.add(t.id);
        else deleted.push(t);
      }
      if (gone.size === 0) return { upserted: c.upserted, deleted, replaced };
      // One replaced and trimmed at once: the row it replaced is deleted.
      for (const r of replaced) if (gone.has(r.id)) deleted.push(r);
      return {
        upserted: c.upserted.filter((call) => !gone.has(call.id)),
        deleted,
        replaced: replaced.filter((r) => !gone.has(r.id)),
      };
    })(changes);

  private trim(): CallRef[] {
    const out: CallRef[] = [];
    const excess = this.count - this.opts.maxCalls;
    if (excess > 0) {
      const lastSeq = this.stmt.nthSeq.get(excess - 1) as number;
      const texts = new Map<number, [string | null, string | null]>();
      for (const [seq, prompt, response] of this.stmt.trimSeqContent.all(lastSeq) as [number, string | null, string | null][]) texts.set(seq, [prompt, response]);
      for (const row of this.stmt.trimSeq.all(lastSeq) as { id: string; seq: number; error: string | null; time_us: number }[]) {
        const text = texts.get(row.seq);
        this.unindex(row.seq, text?.[0] ?? null, text?.[1] ?? null, row.error);
        out.push({ id: row.id, timeMs: row.time_us / 1000 });
      }
      this.count -= out.length;
    }
    const now = this.opts.now();
    if (now - this.lastRetention >= RETENTION_CHECK_MS) {
      this.lastRetention = now;
      const cutoff = BigInt(Math.floor(now - this.opts.retentionMs)) * 1_000_000n;
      for (const row of this.stmt.expire.all(cutoff) as { id: string; seq: number; error: string | null; time_us: number }[]) {
        const text = this.stmt.dropContent.get(row.seq) as [string | null, string | null] | undefined;
        this.unindex(row.seq, text?.[0] ?? null, text?.[1] ?? null, row.error);
        out.push({ id: row.id, timeMs: row.time_us / 1000 });
        this.count--;
      }
    }
    return out;
  }

  /**
   * Newest first, with text. With `q`, the calls whose prompt, response or error match it, newest
   * stored first (the index's order, which keeps a common word fast over a million calls).
   */
  calls(q: CallQuery): LlmCall[] {
    const { where, params } = conditions(q);
    if (q.q === undefined) {
      const sql = `SELECT ${COLUMNS}, t.prompt, t.response FROM calls c LEFT JOIN content t ON t.seq = c.seq
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.start_ns DESC LIMIT ?`;
      return (this.db.prepare(sql).raw().all(...params, q.limit) as Row[]).map(fromRow);
    }
    const sql = `SELECT ${COLUMNS}, t.prompt, t.response FROM search s JOIN calls c ON c.seq = s.rowid LEFT JOIN content t ON t.seq = c.seq
      WHERE search MATCH ? ${where.map((w) => `AND ${w}`).join(' ')} ORDER BY s.rowid DESC LIMIT ?`;
    return (this.searching(() => this.db.prepare(sql).raw().all(q.q, ...params, q.limit)) as Row[]).map(fromRow);
  }

  /** How many stored calls match a search (and the other conditions of the query). */
  matching(q: CallQuery & { q: string }): number {
    const { where, params } = conditions(q);
    const sql = `SELECT count(*) FROM search s ${where.length ? 'JOIN calls c ON c.seq = s.rowid' : ''}
      WHERE search MATCH ? ${where.map((w) => `AND ${w}`).join(' ')}`;
    return this.searching(() => this.db.prepare(sql).pluck().get(q.q, ...params)) as number;
  }

  /** Runs a search: SQLite's complaint about the query is the user's to read, as a SearchSyntaxError. */
  private searching<T>(run: () => T): T {
    try {
      return run();
    } catch (err) {
      const e = err as { code?: string; message: string };
      if (e.code === 'SQLITE_ERROR') throw new SearchSyntaxError(`cannot read the search: ${e.message.replace(/^fts5: /, '')}`);
      throw err;
    }
  }

  /**
   * One call with its text: a run's call that has left the recent calls held in memory. Give its
   * time when it is known: without it the call is looked for through every stored call.
   */
  call(id: string, timeMs?: number): LlmCall | undefined {
    const start = timeMs === undefined ? (this.stmt.startOf.get(id) as bigint | undefined) : startNs(timeMs);
    const row = start === undefined ? undefined : (this.stmt.byKey.get(start, id) as Row | undefined);
    return row && fromRow(row);
  }

  /** Calls since a time, oldest first, without text, in batches: to rebuild the runs index at start. */
  forEachSince(timeMs: number, batchSize: number, fn: (calls: LlmCall[]) => void): void {
    let batch: LlmCall[] = [];
    for (const row of this.stmt.since.iterate(BigInt(Math.floor(timeMs)) * 1_000_000n) as Iterable<Row>) {
      batch.push(fromRow(row));
      if (batch.length === batchSize) {
        fn(batch);
        batch = [];
      }
    }
    if (batch.length > 0) fn(batch);
  }

  /**
   * Calls since a time, oldest first, as the live statistics are built again from at start.
   * `visit` is given one object, changed from call to call: it copies what it keeps.
   */
  eachSince(timeMs: number, visit: (c: Readonly<StoredCall>) => void): void {
    const c: StoredCall = {
      id: '', timeMs: 0, traceId: '', spanId: '', groupKeys: '', durationMs: 0, ttftMs: null, inputTokens: 0, outputTokens: 0,
      cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, costUsd: null, costSource: 'unknown', status: 'ok',
      error: null, errorType: null, finishReason: null, source: '',
    };
    for (const r of this.stmt.storedSince.iterate(BigInt(Math.floor(timeMs)) * 1_000_000n) as Iterable<StoredRow>) {
      c.id = r[0];
      c.timeMs = r[1] / 1000;
      c.traceId = r[2];
      c.spanId = r[3];
      c.groupKeys = r[4];
      c.durationMs = r[5];
      c.ttftMs = r[6];
      c.inputTokens = r[7];
      c.outputTokens = r[8];
      c.cacheReadTokens = r[9];
      c.cacheWriteTokens = r[10];
      c.reasoningTokens = r[11];
      c.costUsd = r[12];
      c.costSource = r[13];
      c.status = r[14];
      c.error = r[15];
      c.errorType = r[16];
      c.finishReason = r[17];
      c.source = r[18];
      visit(c);
    }
  }

  /** The start of the n-th newest call (1 is the newest), ms; null when there are fewer. */
  startOfNewest(n: number): number | null {
    const ms = this.stmt.nthNewest.get(Math.max(0, n - 1)) as number | undefined;
    return ms === undefined ? null : Number(ms);
  }

  /** POST /api/v1/query over every stored call. */
  query(spec: QuerySpec): QueryRow[] {
    return runQuery(this.db, spec);
  }

  /** Every call since a time, oldest first, with its text: for `llmtop export`. */
  *export(sinceMs: number): Generator<LlmCall> {
    const sql = `SELECT ${COLUMNS}, t.prompt, t.response FROM calls c LEFT JOIN content t ON t.seq = c.seq
      WHERE c.start_ns >= ? ORDER BY c.start_ns`;
    for (const row of this.db.prepare(sql).raw().iterate(BigInt(Math.max(0, Math.floor(sinceMs))) * 1_000_000n) as Iterable<Row>) yield fromRow(row);
  }

  /**
   * Works out again what the prices decide of every stored call, when the prices changed since
   * the last time (`fingerprint`, kept in the file): the cost of the calls whose cost was not
   * reported (a --pricing file added today fixes yesterday's calls), and every call's context use.
   * Returns how many calls were looked at; 0 when the prices were the same.
   */
  reprice(fingerprint: string, price: Repricer): number {
    const meta = this.db.prepare("SELECT value FROM meta WHERE key = 'pricing'").pluck();
    if (meta.get() === fingerprint) return 0;
    const read = this.db.prepare(`SELECT seq, start_ns / 1000 AS time_us, provider, model, input_tokens, output_tokens,
        cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_usd, cost_source, context_percent FROM calls
      WHERE seq > ? ORDER BY seq LIMIT ?`).raw();
    const write = this.db.prepare('UPDATE calls SET cost_usd = ?, cost_source = ?, context_percent = ? WHERE seq = ?');
    let seen = 0;
    this.db.transaction(() => {
      for (let after = -1; ; ) {
        const rows = read.all(after, REPRICE_BATCH) as [number, number, string, string, number, number, number, number, number, number | null, string, number | null][];
        if (rows.length === 0) break;
        for (const [seq, timeUs, provider, model, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens, costUsd, costSource, contextPercent] of rows) {
          // A reported cost stays; a reported $0 is an SDK without a price (openlit offline), priced like none.
          const reportedCostUsd = costSource === 'reported' ? costUsd : null;
          const c = price({ provider, model, timeMs: timeUs / 1000, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens, reportedCostUsd });
          if (c.costUsd !== costUsd || c.costSource !== costSource || c.contextPercent !== contextPercent) write.run(c.costUsd, c.costSource, c.contextPercent, seq);
        }
        seen += rows.length;
        after = rows[rows.length - 1]![0];
      }
      this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('pricing', ?)").run(fingerprint);
    })();
    return seen;
  }

  /**
   * The sessions with a call since `sinceMs`, each over all its stored calls, in the order asked:
   * newest activity, cost, calls, or fullest context first. By newest activity (the TUI's and
   * the API's default) only the sessions shown are added up: the newest calls are read back from
   * the end until `limit` sessions are found. The other orders add up every session of the range.
   */
  sessions(q: { sinceMs: number; limit: number; sort: SessionSort }): SessionRow[] {
    const since = BigInt(Math.max(0, Math.floor(q.sinceMs))) * 1_000_000n;
    let rows: (Omit<SessionRow, 'models'> & { models: string })[];
    if (q.sort === 'time') {
      const ids = new Set<string>();
      for (const id of this.sessionStatement('newest').iterate(since) as Iterable<string>) {
        ids.add(id);
        if (ids.size >= q.limit) break;
      }
      if (ids.size === 0) return [];
      rows = this.sessionStatement('time').all(JSON.stringify([...ids])) as typeof rows;
    } else rows = this.sessionStatement(q.sort).all(since, q.limit) as typeof rows;
    return rows.map((r) => ({ ...r, models: r.models.split(',') }));
  }

  /** The sessions' statements, prepared when first asked. */
  private sessionStatement(kind: SessionSort | 'newest'): Database.Statement {
    let statement = this.sessionStatements.get(kind);
    if (statement) return statement;
    // Times: to the microsecond in integers first; a double of the nanoseconds since 1970 is 256 ns coarse.
    const totals = `c.session_id AS id, min(c.service) AS service, min(c.start_ns) / 1000 / 1e3 AS startMs,
      max(c.start_ns / 1000 / 1e3 + c.duration_ms) AS lastMs, count(*) AS calls, sum(c.status = 'error') AS errors,
      count(DISTINCT CASE WHEN c.trace_id <> '' THEN 't' || c.trace_id
        ELSE 'p' || coalesce((SELECT substr(prompt, 1, ${TURN_PROMPT_CHARS}) FROM content WHERE seq = c.seq), '') END) AS turnCount,
      sum(c.input_tokens) AS inputTokens, sum(c.output_tokens) AS outputTokens,
      total(c.cost_usd) AS costUsd, sum(c.cost_usd IS NULL) AS unpricedCalls, max(c.context_percent) AS peakContextPercent`;
    // Models, most used first, only for the sessions returned.
    const withModels = (inner: string) =>
      `SELECT s.*, (SELECT group_concat(model) FROM (SELECT model, count(*) AS n FROM calls WHERE session_id = s.id GROUP BY model ORDER BY n DESC, model)) AS models
       FROM (${inner}) s`;
    // The calls with a session by start: the range holds none of the calls without one.
    const inRange = 'SELECT DISTINCT session_id FROM calls INDEXED BY calls_session_time WHERE start_ns >= ? AND session_id IS NOT NULL';
    const order = { time: 'lastMs DESC', cost: 'costUsd DESC, lastMs DESC', calls: 'calls DESC, lastMs DESC', context: 'peakContextPercent DESC, lastMs DESC' };
    const sql =
      kind === 'newest'
        ? 'SELECT session_id FROM calls INDEXED BY calls_session_time WHERE start_ns >= ? AND session_id IS NOT NULL ORDER BY start_ns DESC'
        : kind === 'time'
          ? withModels(`SELECT ${totals} FROM calls c WHERE c.session_id IN (SELECT value FROM json_each(?)) GROUP BY c.session_id`) + ` ORDER BY ${order.time}`
          : withModels(`SELECT ${totals} FROM calls c WHERE c.session_id IN (${inRange}) GROUP BY c.session_id ORDER BY ${order[kind]} LIMIT ?`) + ` ORDER BY ${order[kind]}`;
    statement = this.db.prepare(sql);
    if (kind === 'newest') statement.pluck();
    this.sessionStatements.set(kind, statement);
    return statement;
  }

  /** A session's calls, oldest first, with their prompt's beginning: its turns are worked out from them. */
  sessionCalls(id: string): SessionCall[] {
    return (
      this.db
        .prepare(
          `SELECT c.id, c.start_ns / 1000 AS time_us, c.duration_ms, c.trace_id, c.service, c.model, c.status, c.input_tokens,
             c.output_tokens, c.cost_usd, c.context_percent, substr(t.prompt, 1, ${TURN_PROMPT_CHARS})
           FROM calls c LEFT JOIN content t ON t.seq = c.seq WHERE c.session_id = ? ORDER BY c.start_ns`,
        )
        .raw()
        .all(id) as [string, number, number, string, string, string, LlmCall['status'], number, number, number | null, number | null, string | null][]
    ).map(([id, timeUs, durationMs, traceId, service, model, status, inputTokens, outputTokens, costUsd, contextPercent, prompt]) => ({
      id,
      timeMs: timeUs / 1000,
      durationMs,
      traceId,
      service,
      model,
      status,
      inputTokens,
      outputTokens,
      costUsd,
      contextPercent,
      prompt,
    }));
  }

  /** Each provider and model stored, with its calls and how many of them have no cost; most calls first. */
  models(): { provider: string; model: string; calls: number; unpricedCalls: number }[] {
    return this.db
      .prepare(`SELECT provider, model, count(*) AS calls, sum(cost_usd IS NULL) AS unpricedCalls FROM calls
        WHERE source <> 'metrics' GROUP BY provider, model ORDER BY calls DESC, provider, model`)
      .all() as { provider: string; model: string; calls: number; unpricedCalls: number }[];
  }

  servicesWithCalls(): string[] {
    return this.stmt.services.all() as string[];
  }

  /** Changes when another connection (a running llmtop) commits to the file: what was read from it may be stale. */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  close(): void {
    if (!this.db.open) return;
    this.releaseCheckpoints?.();
    this.db.close();
  }
}

/** SQLite's page cache of a connection that commits, KiB (see openDatabase). */
const CACHE_KIB = 4 * 1024;
/** Of the main connection while the writer thread commits: at 4 MiB its queries lifted the peak at a million calls by up to 20 MiB. */
const READ_CACHE_KIB = 1024;

const MAX_INT64 = 2n ** 63n - 1n;

/** A call's start as stored: whole µs, in ns. The same time always gives the same key. */
function startNs(timeMs: number): bigint {
  const ns = BigInt(Math.max(0, Math.round(timeMs * 1000))) * 1000n;
  // A time past SQLite's signed range (from metrics, unchecked) must not fail the commit.
  return ns > MAX_INT64 ? MAX_INT64 : ns;
}

/** Positional, in the column order of the upsert: binding by name costs more per row. */
function toParams(c: LlmCall): unknown[] {
  return [
    c.id,
    startNs(c.timeMs),
    c.traceId,
    c.spanId,
    c.service,
    c.environment,
    c.provider,
    c.model,
    c.operation,
    c.durationMs,
    c.ttftMs,
    Math.round(c.inputTokens),
    Math.round(c.outputTokens),
    Math.round(c.cacheReadTokens),
    Math.round(c.cacheWriteTokens),
    Math.round(c.reasoningTokens),
    c.costUsd,
    c.costSource,
    c.status,
    c.error,
    c.errorType,
    c.finishReason,
    c.user,
    c.source,
    c.sessionId,
    c.contextPercent,
  ];
}

function fromRow(r: Row): LlmCall {
  return {
    id: r[0],
    timeMs: r[1] / 1000,
    traceId: r[2],
    spanId: r[3],
    service: r[4],
    environment: r[5],
    provider: r[6],
    model: r[7],
    operation: r[8],
    durationMs: r[9],
    ttftMs: r[10],
    inputTokens: r[11],
    outputTokens: r[12],
    cacheReadTokens: r[13],
    cacheWriteTokens: r[14],
    reasoningTokens: r[15],
    costUsd: r[16],
    costSource: r[17],
    status: r[18],
    error: r[19],
    errorType: r[20],
    finishReason: r[21],
    user: r[22],
    source: r[23],
    sessionId: r[24],
    contextPercent: r[25],
    prompt: r[26] ?? null,
    response: r[27] ?? null,
  };
}

function openDatabase(file: string): Database.Database {
  if (file !== ':memory:') {
    try {
      makeFolder(path.dirname(path.resolve(file)));
    } catch (err) {
      throw new StoreOpenError(`cannot create the folder for ${file}: ${(err as Error).message}`);
    }
  }
  let db: Database.Database;
  try {
    db = new Database(file);
  } catch (err) {
    throw new StoreOpenError(describeOpenError(file, err));
  }
  try {
    // Checked before WAL is switched on, so that a file that is not ours is left as it was.
    migrate(db, file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // better-sqlite3 builds SQLite with a 16 MiB page cache; new calls go to the ends of the
    // indexes, and the rest is in the OS's cache: 4 MiB gave 6-11 MiB less memory at a million
    // calls for no ingest speed measured.
    db.pragma(`cache_size = -${CACHE_KIB}`);
  } catch (err) {
    db.close();
    throw err instanceof StoreOpenError ? err : new StoreOpenError(describeOpenError(file, err));
  }
  return db;
}

function openReadOnly(file: string): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new StoreOpenError(describeOpenError(file, err));
  }
  try {
    const version = schemaVersion(db, file);
    if (version < SCHEMA_VERSION || db.prepare("SELECT value FROM meta WHERE key = 'search'").pluck().get() !== 'built')
      throw new StoreUpgradeNeeded(`${file} was written by an older llmtop: it is upgraded once when opened for writing`);
    if (version > SCHEMA_VERSION)
      throw new StoreOpenError(`${file} was written by a newer llmtop (schema ${version}, this one reads ${SCHEMA_VERSION}); upgrade llmtop or pass another --db`);
  } catch (err) {
    db.close();
    throw err instanceof StoreOpenError ? err : new StoreOpenError(describeOpenError(file, err));
  }
  return db;
}

function describeOpenError(file: string, err: unknown): string {
  const e = err as { code?: string; message: string };
  if (e.code === 'SQLITE_NOTADB' || e.code === 'SQLITE_CORRUPT')
    return `${file} is not a usable SQLite database (${e.message}); move it aside or pass another --db`;
  if (e.code === 'SQLITE_CANTOPEN') {
    const isDir = fs.statSync(file, { throwIfNoEntry: false })?.isDirectory();
    return isDir ? `${file} is a folder, not a database file; pass a file path to --db` : `cannot open ${file}: check that its folder exists and is writable, or pass another --db`;
  }
  if (e.code === 'SQLITE_READONLY') return `${file} is read-only; pass a writable --db`;
  return `cannot use ${file}: ${e.message}`;
}

/** The file's schema version; 0 for an empty file. Not llmtop's: a StoreOpenError. */
function schemaVersion(db: Database.Database, file: string): number {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
  if (tables.length > 0 && !tables.includes('meta'))
    throw new StoreOpenError(`${file} is a SQLite database but not llmtop's; pass another --db`);
  if (!tables.includes('meta')) return 0;
  const v = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get() as string | undefined;
  if (v === undefined) throw new StoreOpenError(`${file} is a SQLite database but not llmtop's; pass another --db`);
  return Number(v);
}

function migrate(db: Database.Database, file: string): void {
  const version = schemaVersion(db, file);
  if (version > SCHEMA_VERSION)
    throw new StoreOpenError(`${file} was written by a newer llmtop (schema ${version}, this one reads ${SCHEMA_VERSION}); upgrade llmtop or pass another --db`);
  db.transaction(() => {
    // A new file gets the current tables, its search index complete; an older one each step
    // from its version on, and its index is built when the store opens it.
    if (version === 0) db.exec(CREATE);
    else for (let v = version; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
    if (version === 0) db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('search', 'built')").run();
  })();
}

/** The WHERE conditions of a call query other than its search, on calls as `c`. */
function conditions(q: CallQuery): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const [k, v] of Object.entries(q.filter ?? {})) {
    if (v === undefined) continue;
    where.push(`c.${k} = ?`);
    params.push(v);
  }
  if (q.errors) where.push("c.status = 'error'");
  return { where, params };
}
