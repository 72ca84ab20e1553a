/** Bump when the tables change, and add the step from the previous version to MIGRATIONS. */
export const SCHEMA_VERSION = 7;

/** The columns of calls up to version 3, as its table was made and copied then. */
const V3_COLUMNS = `seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL,
  start_ns INTEGER NOT NULL,
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  service TEXT NOT NULL,
  environment TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  operation TEXT NOT NULL,
  duration_ms REAL NOT NULL,
  ttft_ms REAL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  cost_source TEXT NOT NULL,
  status TEXT NOT NULL,
  error TEXT,
  error_type TEXT,
  finish_reason TEXT,
  user TEXT,
  source TEXT NOT NULL`;

/** Version 4 and 5: a cost may be unknown. */
const V4_COLUMNS = V3_COLUMNS.replace('cost_usd REAL NOT NULL', 'cost_usd REAL');

/** Now: the conversation a call belongs to, and how full its model's context window was. */
const CALL_COLUMNS = `${V4_COLUMNS},
  session_id TEXT,
  context_percent REAL`;

const names = (columns: string) => columns.split(',\n').map((c) => c.trim().split(' ')[0]).join(', ');

/*
 * A call's key is its start and its id. Ids are random (trace and span ids), so a UNIQUE index on
 * the id alone put every new call on a random page of it: at a million calls, most of a commit's
 * time. Keyed by start first, new calls go to the end of the index, and it also serves every read
 * by time.
 */
const KEY = 'CREATE UNIQUE INDEX IF NOT EXISTS calls_key ON calls (start_ns, id);';

/**
 * A session's calls in time order, for the calls that have one; and the calls with a session in
 * time order, to find the sessions active lately without reading the calls of none.
 */
const SESSIONS = `CREATE INDEX IF NOT EXISTS calls_session ON calls (session_id, start_ns) WHERE session_id IS NOT NULL;
  CREATE INDEX IF NOT EXISTS calls_session_time ON calls (start_ns, session_id) WHERE session_id IS NOT NULL;`;

/**
 * Full-text search over each call's prompt, response and error, keyed by the call's seq. The
 * index keeps no copy of the text (content=''; the text is in content and calls). A row is
 * removed with FTS5's 'delete' command and the text it was indexed with, read back from content
 * and calls: with contentless_delete=1, deleting by rowid alone, the tombstones' merges stalled
 * commits of a full ring by 1 to 4.6 s (p99 of 400 calls in and out at 100,000 and 500,000
 * calls), against 0.3 and 0.5 s. No prefix index: it doubled the index's cost per call (22.5
 * against 12.8 µs for the bench's prompts), and prefix searches read a range of terms fast enough
 * without it.
 */
const SEARCH = `CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5(prompt, response, error, content='',
  tokenize='unicode61 remove_diacritics 2');`;

export const CREATE = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS calls (${CALL_COLUMNS});
${KEY}
${SESSIONS}
-- Text lives apart, so that statistics never read it.
CREATE TABLE IF NOT EXISTS content (
  seq INTEGER PRIMARY KEY,
  prompt TEXT,
  response TEXT
);
${SEARCH}
`;

/** Steps from version N to N+1, keyed by N. */
export const MIGRATIONS: Record<number, string> = {
  // Version 2: the kind of failure and why generation stopped. Calls stored before say neither.
  1: `ALTER TABLE calls ADD COLUMN error_type TEXT;
      ALTER TABLE calls ADD COLUMN finish_reason TEXT;`,
  // Version 3: keyed by (start, id). SQLite cannot drop a UNIQUE constraint: the table is copied,
  // seq and all, so that the text in content still belongs to its call.
  2: `CREATE TABLE calls_v3 (${V3_COLUMNS});
      INSERT INTO calls_v3 (${names(V3_COLUMNS)}) SELECT ${names(V3_COLUMNS)} FROM calls;
      UPDATE sqlite_sequence SET seq = (SELECT max(seq) FROM sqlite_sequence WHERE name IN ('calls', 'calls_v3')) WHERE name = 'calls_v3';
      DROP TABLE calls;
      ALTER TABLE calls_v3 RENAME TO calls;
      ${KEY}`,
  // Version 4: a call with no price has no cost (NULL), where it had $0. The key's index goes
  // with the old table and is made again.
  3: `CREATE TABLE calls_v4 (${V4_COLUMNS});
      INSERT INTO calls_v4 (${names(V4_COLUMNS)}) SELECT ${names(V4_COLUMNS)} FROM calls;
      UPDATE calls_v4 SET cost_usd = NULL WHERE cost_source = 'unknown';
      UPDATE sqlite_sequence SET seq = (SELECT max(seq) FROM sqlite_sequence WHERE name IN ('calls', 'calls_v4')) WHERE name = 'calls_v4';
      DROP TABLE calls;
      ALTER TABLE calls_v4 RENAME TO calls;
      ${KEY}`,
  // Version 5: the search index, empty; CallStore fills it from the stored calls when it opens.
  4: SEARCH,
  // Version 6: sessions and context use. Calls stored before belong to no session (their ids were
  // not read), and their context use is worked out when prices are applied.
  5: `ALTER TABLE calls ADD COLUMN session_id TEXT;
      ALTER TABLE calls ADD COLUMN context_percent REAL;
      ${SESSIONS}`,
  // Version 7: the search index without contentless_delete (see SEARCH), built again when the
  // file is opened; the sessions by time.
  6: `DROP TABLE search;
      ${SEARCH}
      DELETE FROM meta WHERE key = 'search';
      ${SESSIONS}`,
};
