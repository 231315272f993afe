import { cpSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import Database from "better-sqlite3";
import { keepPrivate } from "../../adapters/local/sqlite-database.js";

export interface BackupProgress {
  copiedPages: number;
  totalPages: number;
}

export interface BackupSummary {
  /** The backup's folder: a data folder to start from (`DATA_DIR`). */
  to: string;
  /** Orders in the backed-up database. */
  orders: number;
  /** Files copied beside the database: objects (receipts, QR codes, agreements), e-mails, the token secret. */
  files: number;
}

/** The database file and its WAL companions: copied by SQLite's online backup, never as files. */
const isDatabaseFile = (name: string, database: string) =>
  name === database || name === `${database}-wal` || name === `${database}-shm` || name === `${database}-journal`;

function countFiles(folder: string): number {
  if (!existsSync(folder)) return 0;
  return readdirSync(folder, { withFileTypes: true, recursive: true }).filter((entry) => entry.isFile()).length;
}

/**
 * A consistent copy of a data folder while the shop keeps running: the database through SQLite's online
 * backup (a snapshot that includes what is still in the WAL), then every other file of the folder. Objects are copied after the database, so each receipt
 * or QR code the database mentions is there; the result is checked (`PRAGMA quick_check`) before it is
 * reported. To restore: stop the shop and start it with `DATA_DIR` set to the backup's folder (or copy
 * the folder's contents back).
 */
export async function backupDataFolder(
  source: { dataDir: string; databaseFile: string },
  to: string,
  onProgress: (progress: BackupProgress) => void = () => {},
): Promise<BackupSummary> {
  if (!existsSync(source.databaseFile)) throw new Error(`There is no database at ${source.databaseFile}`);
  if (existsSync(to) && readdirSync(to).length > 0) throw new Error(`${to} is not empty: back up into a new folder`);
  mkdirSync(to, { recursive: true, mode: 0o700 });
  const database = basename(source.databaseFile);
  const live = new Database(source.databaseFile, { readonly: true, fileMustExist: true });
  try {
    live.pragma("busy_timeout = 5000");
    // One step: every page under one read transaction. In WAL mode that does not hold up the server's
    // writes, and a backup copied in steps would start over after each of them (SQLite restarts a backup
    // whose source another connection changed), so on a busy shop it might never finish.
    const done = await live.backup(join(to, database), {
      progress: ({ totalPages, remainingPages }) => {
        onProgress({ copiedPages: totalPages - remainingPages, totalPages });
        return 0x7fffffff; // the largest step better-sqlite3 takes: the rest in one
      },
    });
    onProgress({ copiedPages: done.totalPages, totalPages: done.totalPages });
    keepPrivate(join(to, database));
  } finally {
    live.close();
  }
  cpSync(source.dataDir, to, {
    recursive: true,
    // The database files at the folder's top are the ones just backed up.
    filter: (path) => dirname(path) !== source.dataDir || !isDatabaseFile(basename(path), database),
  });
  const files = countFiles(to) - 1;
  // Opened for writing, so that closing it leaves no -wal or -shm file beside the copy.
  const copy = new Database(join(to, database), { fileMustExist: true });
  try {
    const check = copy.pragma("quick_check", { simple: true });
    if (check !== "ok") throw new Error(`The backup's database failed its check: ${String(check)}`);
    const { orders } = copy
      .prepare("SELECT count(*) AS orders FROM items WHERE sk = 'ORDER' AND pk LIKE 'ORDER#%'")
      .get() as { orders: number };
    return { to, orders, files };
  } finally {
    copy.close();
  }
}
