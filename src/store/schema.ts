/** Bump when the tables change, and add the step from the previous version to MIGRATIONS. */
export const SCHEMA_VERSION = 2;

export const CREATE = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS calls (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
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
  source TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS calls_start ON calls (start_ns);
-- Text lives apart, so that statistics never read it.
CREATE TABLE IF NOT EXISTS content (
  seq INTEGER PRIMARY KEY,
  prompt TEXT,
  response TEXT
);
`;

/** Steps from version N to N+1, keyed by N. */
export const MIGRATIONS: Record<number, string> = {
  // Version 2: the kind of failure and why generation stopped. Calls stored before say neither.
  1: `ALTER TABLE calls ADD COLUMN error_type TEXT;
      ALTER TABLE calls ADD COLUMN finish_reason TEXT;`,
};
