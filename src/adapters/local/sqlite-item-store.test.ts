import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { itemStoreContract } from "../../../test/contract/item-store.contract.js";
import { openSqliteDatabase } from "./sqlite-database.js";
import { SqliteItemStore } from "./sqlite-item-store.js";

itemStoreContract("sqlite", async () => new SqliteItemStore(openSqliteDatabase(":memory:")));

describe("SqliteItemStore", () => {
  it("keeps committed items and events in the database file across reopen", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "orderflow-")), "store.db");
    const first = openSqliteDatabase(path);
    await new SqliteItemStore(first).transact(
      [{ op: "put", item: { pk: "X#1", sk: "X", v: 1 } }],
      [{ id: "e1", type: "x_created", key: "X#1", at: "2026-01-01T00:00:00.000Z", data: {} }],
    );
    first.close();
    const reopened = new SqliteItemStore(openSqliteDatabase(path));
    expect(await reopened.get({ pk: "X#1", sk: "X" })).toEqual({ pk: "X#1", sk: "X", v: 1 });
    expect((await reopened.listByKey("X#1")).map((e) => e.type)).toEqual(["x_created"]);
  });

  it("refuses a transaction that touches one item twice, as DynamoDB does", async () => {
    const store = new SqliteItemStore(openSqliteDatabase(":memory:"));
    await expect(
      store.transact([
        { op: "put", item: { pk: "Y", sk: "Y" } },
        { op: "update", key: { pk: "Y", sk: "Y" }, update: { set: { a: 1 } } },
      ]),
    ).rejects.toThrow(/twice/);
  });
});
