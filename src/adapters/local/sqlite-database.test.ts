import { chmodSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { NewerSchemaError, openSqliteDatabase, SCHEMA_VERSION } from "./sqlite-database.js";

const newFile = () => join(mkdtempSync(join(tmpdir(), "orderflow-schema-")), "orderflow.db");
const version = (path: string) => {
  const db = new Database(path);
  try {
    return db.pragma("user_version", { simple: true });
  } finally {
    db.close();
  }
};

describe("the database file's schema version", () => {
  it("is recorded in a new file", () => {
    const path = newFile();
    openSqliteDatabase(path).close();
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(1);
    expect(version(path)).toBe(SCHEMA_VERSION);
  });

  it("is brought up to date in a file from before versions were kept, keeping its rows", () => {
    const path = newFile();
    const db = openSqliteDatabase(path);
    db.prepare("INSERT INTO timers (id, due_at, type, key, data) VALUES ('t1', 1, 'close_due', 'auc_1', '{}')").run();
    db.pragma("user_version = 0");
    db.close();
    const reopened = openSqliteDatabase(path);
    expect(reopened.prepare("SELECT id FROM timers").all()).toEqual([{ id: "t1" }]);
    reopened.close();
    expect(version(path)).toBe(SCHEMA_VERSION);
  });

  it("refuses a file written by a newer version, naming it, and leaves the file as it was", () => {
    const path = newFile();
    const db = openSqliteDatabase(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openSqliteDatabase(path)).toThrow(NewerSchemaError);
    expect(() => openSqliteDatabase(path)).toThrow(
      `${path} has schema version ${SCHEMA_VERSION + 1}, written by a newer orderflow`,
    );
    expect(version(path)).toBe(SCHEMA_VERSION + 1);
  });

  it("is readable and writable by its owner only, with its WAL, in a folder for the owner only", () => {
    const path = newFile();
    const db = openSqliteDatabase(path);
    db.prepare("INSERT INTO timers (id, due_at, type, key, data) VALUES ('t1', 1, 'close_due', 'auc_1', '{}')").run();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(`${path}-wal`).mode & 0o777).toBe(0o600);
    db.close();
    const older = newFile();
    openSqliteDatabase(older).close();
    chmodSync(older, 0o644);
    openSqliteDatabase(older).close();
    expect(statSync(older).mode & 0o777).toBe(0o600);
    const nested = join(mkdtempSync(join(tmpdir(), "orderflow-schema-")), "data", "orderflow.db");
    openSqliteDatabase(nested).close();
    expect(statSync(dirname(nested)).mode & 0o777).toBe(0o700);
  });
});
