import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { itemStoreContract } from "../../../test/contract/item-store.contract.js";
import { ConditionFailedError, type Item, when } from "../../ports/item-store.js";
import { openSqliteDatabase } from "./sqlite-database.js";
import { HOT_KEY_MS, type ObservedWrite, SqliteItemStore } from "./sqlite-item-store.js";

itemStoreContract("sqlite", async () => new SqliteItemStore(openSqliteDatabase(":memory:")));
itemStoreContract(
  "sqlite, every row cached",
  async () => new SqliteItemStore(openSqliteDatabase(":memory:"), { cacheRows: () => true }),
);

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

  it("wakes watchers once per commit with the keys of the events it appended, and not for writes without events", async () => {
    const store = new SqliteItemStore(openSqliteDatabase(":memory:"));
    const wakes: string[][] = [];
    const unwatch = store.watch((keys) => wakes.push([...(keys ?? ["(any)"])].sort()));
    const event = (id: string, key: string) => ({
      id,
      type: "thing_happened",
      key,
      at: "2026-01-01T00:00:00Z",
      data: {},
    });
    // Written in one turn: one group commit, one wake with both keys.
    await Promise.all([
      store.transact([{ op: "put", item: { pk: "A", sk: "A" } }], [event("e1", "ord_1")]),
      store.transact([{ op: "put", item: { pk: "B", sk: "B" } }], [event("e2", "ord_2"), event("e3", "ord_1")]),
    ]);
    await store.put({ pk: "C", sk: "C" });
    unwatch();
    await store.transact([], [event("e4", "ord_3")]);
    expect(wakes).toEqual([["ord_1", "ord_2"]]);
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

  it("reports each write with the items before and after it, refused ones too, until unsubscribed", async () => {
    const store = new SqliteItemStore(openSqliteDatabase(":memory:"));
    const seen: ObservedWrite[] = [];
    const stop = store.observeWrites((write) => seen.push(write));
    const event = { id: "e1", type: "x_moved", key: "X#1", at: "2026-01-01T00:00:00.000Z", data: {} };
    await store.put({ pk: "X#1", sk: "X", v: 1 });
    await store.update({ pk: "X#1", sk: "X" }, { add: { v: 1 } });
    await expect(store.update({ pk: "X#1", sk: "X" }, { add: { v: 1 } }, when.eq("v", 9))).rejects.toThrow(
      ConditionFailedError,
    );
    await store.transact(
      [
        { op: "update", key: { pk: "X#1", sk: "X" }, update: { set: { w: true } } },
        { op: "check", key: { pk: "Y", sk: "Y" }, condition: when.notExists() },
      ],
      [event],
    );
    await store.delete({ pk: "X#1", sk: "X" });
    stop();
    await store.put({ pk: "Z", sk: "Z" });
    expect(seen).toEqual([
      {
        method: "put",
        items: [{ op: "put", before: undefined, after: { pk: "X#1", sk: "X", v: 1 } }],
        events: [],
        refused: false,
      },
      {
        method: "update",
        items: [{ op: "update", before: { pk: "X#1", sk: "X", v: 1 }, after: { pk: "X#1", sk: "X", v: 2 } }],
        events: [],
        refused: false,
      },
      {
        method: "update",
        items: [{ op: "update", before: { pk: "X#1", sk: "X", v: 2 }, after: { pk: "X#1", sk: "X", v: 3 } }],
        events: [],
        refused: true,
      },
      {
        method: "transact",
        items: [
          { op: "update", before: { pk: "X#1", sk: "X", v: 2 }, after: { pk: "X#1", sk: "X", v: 2, w: true } },
          { op: "check", before: undefined, after: undefined },
        ],
        events: [event],
        refused: false,
      },
      {
        method: "delete",
        items: [{ op: "delete", before: { pk: "X#1", sk: "X", v: 2, w: true }, after: undefined }],
        events: [],
        refused: false,
      },
    ]);
  });
});

describe("SqliteItemStore group commits", () => {
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
  const flushesOf = (store: SqliteItemStore) => vi.spyOn(store as unknown as { flush(): void }, "flush");

  it("commits the writes of each turn of the event loop together, and a later turn's on their own", async () => {
    const store = new SqliteItemStore(openSqliteDatabase(":memory:"));
    const flushes = flushesOf(store);
    await Promise.all([store.put({ pk: "A", sk: "1" }), store.put({ pk: "A", sk: "2" })]);
    expect(flushes).toHaveBeenCalledTimes(1);
    const first = store.put({ pk: "A", sk: "3" });
    await nextTurn();
    await Promise.all([first, store.put({ pk: "A", sk: "4" })]);
    expect(flushes).toHaveBeenCalledTimes(3);
  });

  it("with minCommitGapMs, commits writes of several turns together right after a commit, and a lone write at once", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] }); // the gap's timer; turns stay real
    try {
      const store = new SqliteItemStore(openSqliteDatabase(":memory:"), { minCommitGapMs: 60_000 });
      const flushes = flushesOf(store);
      await store.put({ pk: "A", sk: "1" }); // after a quiet spell: the next turn
      expect(flushes).toHaveBeenCalledTimes(1);
      const writes = [store.put({ pk: "A", sk: "2" })];
      await nextTurn();
      writes.push(store.put({ pk: "A", sk: "3" }));
      await nextTurn();
      expect(flushes).toHaveBeenCalledTimes(1); // both wait for the gap
      expect(await store.get({ pk: "A", sk: "2" })).toBeUndefined();
      vi.advanceTimersByTime(60_000);
      await Promise.all(writes);
      expect(flushes).toHaveBeenCalledTimes(2);
      expect(await store.get({ pk: "A", sk: "3" })).toEqual({ pk: "A", sk: "3" });
    } finally {
      vi.useRealTimers();
    }
  });

  it("with minCommitGapMs, commits a write to a key a commit appended to within HOT_KEY_MS in the next turn, with what waits", async () => {
    // The gap's timer and the clock the hot keys are timed by; turns stay real.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    try {
      const store = new SqliteItemStore(openSqliteDatabase(":memory:"), { minCommitGapMs: 60_000 });
      const flushes = flushesOf(store);
      const event = (id: string, key: string) => ({
        id,
        type: "a_changed",
        key,
        at: "2026-01-01T00:00:00.000Z",
        data: {},
      });
      const write = (sk: string, key: string) =>
        store.transact([{ op: "put", item: { pk: "A", sk } }], [event(sk, key)]);
      await write("1", "hot");
      expect(flushes).toHaveBeenCalledTimes(1);
      await write("2", "hot"); // the next write of a line: not held back by the gap
      expect(flushes).toHaveBeenCalledTimes(2);
      const cold = write("3", "cold");
      await nextTurn();
      expect(flushes).toHaveBeenCalledTimes(2); // a key with nothing recent waits for the gap...
      await Promise.all([cold, write("4", "hot")]); // ...unless a hot write commits first: together
      expect(flushes).toHaveBeenCalledTimes(3);
      vi.advanceTimersByTime(HOT_KEY_MS + 1); // the gap has not passed, and "hot" has gone quiet
      const quiet = write("5", "hot");
      await nextTurn();
      expect(flushes).toHaveBeenCalledTimes(3);
      vi.advanceTimersByTime(60_000);
      await quiet;
      expect(flushes).toHaveBeenCalledTimes(4);
      expect((await store.listByKey("hot")).map((stored) => stored.id)).toEqual(["1", "2", "4", "5"]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("SqliteItemStore with cached rows", () => {
  it("serves what is committed: every write, and a rolled-back one, replaces the cached row", async () => {
    const store = new SqliteItemStore(openSqliteDatabase(":memory:"), { cacheRows: (key) => key.sk === "HOT" });
    const key = { pk: "A#1", sk: "HOT" };
    const event = (id: string) => ({ id, type: "a_changed", key: "A#1", at: "2026-01-01T00:00:00.000Z", data: {} });
    await store.put({ ...key, v: 1 });
    expect(await store.get(key)).toEqual({ ...key, v: 1 });
    // Every get returns the one parsed object, frozen all the way down: no caller can change it for the next.
    const nestedKey = { pk: "A#2", sk: "HOT" };
    await store.put({ ...nestedKey, v: 1, tags: ["a"], nested: { n: 1 } });
    const stored = await store.get(nestedKey);
    if (!stored) throw new Error("the item was just put");
    const first = stored as Item & { v: number; tags: string[]; nested: { n: number } };
    expect(first).toEqual({ ...nestedKey, v: 1, tags: ["a"], nested: { n: 1 } });
    expect(await store.get(nestedKey)).toBe(first);
    expect(() => {
      first.v = 99;
    }).toThrow(/read only/);
    expect(() => first.tags.push("b")).toThrow(/not extensible/);
    expect(() => {
      first.nested.n = 2;
    }).toThrow(/read only/);
    expect(await store.get(nestedKey)).toEqual({ ...nestedKey, v: 1, tags: ["a"], nested: { n: 1 } });
    // Items not cached are parsed for each get, as before: the caller's own copy.
    await store.put({ pk: "A#1", sk: "COLD", v: 1 });
    const cold = await store.get({ pk: "A#1", sk: "COLD" });
    expect(Object.isFrozen(cold)).toBe(false);
    expect(await store.get({ pk: "A#1", sk: "COLD" })).not.toBe(cold);

    await store.update(key, { add: { v: 1 } });
    expect(await store.get(key)).toEqual({ ...key, v: 2 });
    await store.transact([{ op: "put", item: { ...key, v: 3 } }], [event("e1")]);
    expect(await store.get(key)).toEqual({ ...key, v: 3 });
    // Written, then undone: the event's id is taken, so the whole transaction rolls back.
    await expect(store.transact([{ op: "put", item: { ...key, v: 4 } }], [event("e1")])).rejects.toThrow();
    expect(await store.get(key)).toEqual({ ...key, v: 3 });
    await expect(store.put({ ...key, v: 5 }, when.eq("v", 1))).rejects.toThrow(ConditionFailedError);
    expect(await store.get(key)).toEqual({ ...key, v: 3 });
    // Two writes committed together (one group commit): the later one is what is read.
    await Promise.all([
      store.put({ ...key, v: 6 }, when.eq("v", 3)),
      store.update(key, { add: { v: 1 } }, when.eq("v", 6)),
    ]);
    expect(await store.get(key)).toEqual({ ...key, v: 7 });
    await store.delete(key);
    expect(await store.get(key)).toBeUndefined();
    await store.put({ ...key, v: 8 });
    expect(await store.get(key)).toEqual({ ...key, v: 8 });
  });
});
