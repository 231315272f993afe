import { chmodSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";

export type SqliteDatabase = Database.Database;

const schema = `
-- A rowid table (not WITHOUT ROWID): items run to a kilobyte or more, and rows that large make a
-- clustered key tree split pages on most inserts (measured: ~40% more time per accepted order).
CREATE TABLE IF NOT EXISTS items (
  pk TEXT NOT NULL,
  sk TEXT NOT NULL,
  gsi1pk TEXT,
  gsi1sk TEXT,
  gsi2pk TEXT,
  gsi2sk TEXT,
  expires_at INTEGER,
  data TEXT NOT NULL,
  PRIMARY KEY (pk, sk)
);
CREATE INDEX IF NOT EXISTS items_gsi1 ON items (gsi1pk, gsi1sk) WHERE gsi1pk IS NOT NULL;
CREATE INDEX IF NOT EXISTS items_gsi2 ON items (gsi2pk, gsi2sk) WHERE gsi2pk IS NOT NULL;
-- The TTL sweep finds expired items here instead of scanning the table while it holds the writer.
CREATE INDEX IF NOT EXISTS items_expiry ON items (expires_at) WHERE expires_at IS NOT NULL;

-- Rows are never deleted, so the rowid alone numbers events in commit order without reuse: AUTOINCREMENT
-- would only add a write of sqlite_sequence (one more WAL page) to every commit that appends an event.
-- (Databases created with it keep it; both number the same way.)
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  key TEXT NOT NULL,
  at TEXT NOT NULL,
  correlation_id TEXT,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_by_key ON outbox (key, seq);

CREATE TABLE IF NOT EXISTS dispatcher_cursor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL
);
INSERT OR IGNORE INTO dispatcher_cursor (id, seq) VALUES (1, 0);

-- Per stream consumer (SqliteStreamReader): the seq of the last outbox event its batches have passed.
CREATE TABLE IF NOT EXISTS stream_cursors (name TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS deliveries (
  subscription TEXT NOT NULL,
  seq INTEGER NOT NULL,
  key TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  visible_at INTEGER NOT NULL,
  in_flight INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  PRIMARY KEY (subscription, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS deliveries_by_key ON deliveries (subscription, key, seq);
-- (An index on visible_at alone served no query the two below do not; databases that have it drop it.)
DROP INDEX IF EXISTS deliveries_visible;
-- Partial indexes keep the dispatcher's two hot queries independent of the backlog's size:
-- the ready deliveries in order, and the claims whose visibility timeout has passed.
CREATE INDEX IF NOT EXISTS deliveries_ready ON deliveries (visible_at, seq) WHERE in_flight = 0;
CREATE INDEX IF NOT EXISTS deliveries_claimed ON deliveries (visible_at) WHERE in_flight = 1;

CREATE TABLE IF NOT EXISTS timers (
  id TEXT PRIMARY KEY,
  due_at INTEGER NOT NULL,
  type TEXT NOT NULL,
  key TEXT NOT NULL,
  data TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS timers_due ON timers (due_at);

CREATE TABLE IF NOT EXISTS dead_letters (
  subscription TEXT NOT NULL,
  seq INTEGER NOT NULL,
  key TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  error TEXT NOT NULL,
  failed_at TEXT NOT NULL,
  PRIMARY KEY (subscription, seq)
) WITHOUT ROWID;
`;

/**
 * Steps that change what the schema cannot add by itself (a column, a new table shape): the step at index
 * `i` brings a database from version `i + 1` to `i + 2`. Version 1 is the schema below; a file from before
 * versions were kept reads as 0 and is completed by it. A schema change that needs more than a new
 * `IF NOT EXISTS` object appends a step here.
 */
const MIGRATIONS: ReadonlyArray<(db: SqliteDatabase) => void> = [];
/** The schema version this code writes, kept in the file's `user_version`. */
export const SCHEMA_VERSION = 1 + MIGRATIONS.length;

/** The database was written by a newer orderflow: this one must not touch it. */
export class NewerSchemaError extends Error {
  override name = "NewerSchemaError";
  constructor(path: string, found: number) {
    super(
      `${path} has schema version ${found}, written by a newer orderflow; this one knows versions up to ${SCHEMA_VERSION}. ` +
        "Run the newer version, or restore a backup made with this one.",
    );
  }
}

/**
 * Refuses a newer database; otherwise runs the steps it has not had, then the schema (every object
 * `IF NOT EXISTS`, so anything missing is added, e.g. an index dropped or added since), in one transaction.
 */
function migrate(db: SqliteDatabase, path: string): void {
  const found = db.pragma("user_version", { simple: true }) as number;
  if (found > SCHEMA_VERSION) throw new NewerSchemaError(path, found);
  db.transaction(() => {
    for (let version = Math.max(found, 1); version < SCHEMA_VERSION; version++) MIGRATIONS[version - 1]?.(db);
    db.exec(schema);
    if (found !== SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}

/** Readable and writable by the file's owner only; a file someone else owns is left as it is. */
export function keepPrivate(path: string): void {
  try {
    chmodSync(path, 0o600);
  } catch (error) {
    if ((error as { code?: string }).code !== "EPERM") throw error;
  }
}

/** Opens (creating if needed) the SQLite database file in WAL mode with the schema brought up to date. */
export function openSqliteDatabase(path: string): SqliteDatabase {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db = new Database(path);
  // Password hashes and card numbers awaiting their charge live here: for this user only (SQLite gives
  // the -wal and -shm files the database file's permissions).
  if (path !== ":memory:") keepPrivate(path);
  db.pragma("journal_mode = WAL");
  // NORMAL in WAL mode survives a process crash (kill -9); only an OS crash may lose the last commits.
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  // Savepoint journals (one per job in a group commit) in memory rather than in temporary files.
  db.pragma("temp_store = MEMORY");
  db.pragma("foreign_keys = ON");
  try {
    migrate(db, path);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
