import { describe, expect, it } from "vitest";
import type { DomainEvent } from "../../src/domain/shared/event.js";
import type { EventLog } from "../../src/ports/event-log.js";
import { ConditionFailedError, type ItemStore, when } from "../../src/ports/item-store.js";

function event(id: string, key: string, type = "thing_happened"): DomainEvent {
  return { id, type, key, at: "2026-01-01T00:00:00.000Z", data: { id } };
}

/**
 * The whole contract of an ItemStore that is also the EventLog of its outbox: every adapter that can
 * run both halves against a real store runs this.
 */
export function itemStoreContract(name: string, make: () => Promise<ItemStore & EventLog>) {
  itemOperationsContract(name, make);
  transactionalItemStoreContract(name, make);
}

/**
 * Single-item reads and writes, conditions, queries and pagination: no transactions, no outbox.
 * Split out because the DynamoDB emulator used in tests (dynalite) has no TransactWriteItems; the
 * DynamoDB adapter runs this half against dynalite and checks its transaction requests separately.
 */
export function itemOperationsContract(name: string, make: () => Promise<ItemStore>) {
  describe(`ItemStore contract (operations): ${name}`, () => {
    it("puts and gets an item with nested attributes", async () => {
      const store = await make();
      await store.put({ pk: "A#1", sk: "META", name: "cake", price: { amount: 1200, currency: "EUR" } });
      expect(await store.get({ pk: "A#1", sk: "META" })).toEqual({
        pk: "A#1",
        sk: "META",
        name: "cake",
        price: { amount: 1200, currency: "EUR" },
      });
      expect(await store.get({ pk: "A#1", sk: "OTHER" })).toBeUndefined();
    });

    it("refuses a conditional put when the condition fails and keeps the first item", async () => {
      const store = await make();
      await store.put({ pk: "A#2", sk: "META", v: 1 }, when.notExists());
      await expect(store.put({ pk: "A#2", sk: "META", v: 2 }, when.notExists())).rejects.toBeInstanceOf(
        ConditionFailedError,
      );
      expect((await store.get({ pk: "A#2", sk: "META" }))?.v).toBe(1);
    });

    it("updates with set, add and remove under a condition", async () => {
      const store = await make();
      await store.put({ pk: "P#1", sk: "P", stock: 5, status: "draft", note: "x" });
      const after = await store.update(
        { pk: "P#1", sk: "P" },
        { set: { status: "live" }, add: { stock: -3 }, remove: ["note"] },
        when.gte("stock", 3),
      );
      expect(after).toEqual({ pk: "P#1", sk: "P", stock: 2, status: "live" });
      await expect(store.update({ pk: "P#1", sk: "P" }, { add: { stock: -3 } }, when.gte("stock", 3))).rejects.toThrow(
        ConditionFailedError,
      );
      expect((await store.get({ pk: "P#1", sk: "P" }))?.stock).toBe(2);
    });

    it("never lets concurrent conditional decrements go below zero", async () => {
      const store = await make();
      await store.put({ pk: "P#2", sk: "P", stock: 10 });
      const attempts = Array.from({ length: 50 }, () =>
        store.update({ pk: "P#2", sk: "P" }, { add: { stock: -1 } }, when.gte("stock", 1)).then(
          () => true,
          () => false,
        ),
      );
      const results = await Promise.all(attempts);
      expect(results.filter(Boolean)).toHaveLength(10);
      expect((await store.get({ pk: "P#2", sk: "P" }))?.stock).toBe(0);
    });

    it("queries a partition by sort-key prefix, in both directions, with cursor pages", async () => {
      const store = await make();
      for (let i = 0; i < 7; i++) await store.put({ pk: "Q#1", sk: `ITEM#${i}`, i });
      await store.put({ pk: "Q#1", sk: "OTHER" });
      const first = await store.query({ partition: "Q#1", beginsWith: "ITEM#", limit: 3 });
      expect(first.items.map((x) => x.i)).toEqual([0, 1, 2]);
      const second = await store.query({ partition: "Q#1", beginsWith: "ITEM#", limit: 3, cursor: first.cursor });
      const third = await store.query({ partition: "Q#1", beginsWith: "ITEM#", limit: 3, cursor: second.cursor });
      expect([...second.items, ...third.items].map((x) => x.i)).toEqual([3, 4, 5, 6]);
      const down = await store.query({ partition: "Q#1", beginsWith: "ITEM#", descending: true, limit: 2 });
      expect(down.items.map((x) => x.i)).toEqual([6, 5]);
    });

    it("queries secondary indexes with a filter", async () => {
      const store = await make();
      for (let i = 0; i < 6; i++) {
        await store.put({
          pk: `ORD#${i}`,
          sk: "O",
          gsi2pk: "ORDERS",
          gsi2sk: `2026-01-0${i + 1}`,
          status: i % 2 ? "failed" : "confirmed",
        });
      }
      const page = await store.query({ partition: "ORDERS", index: "gsi2", filter: when.eq("status", "failed") });
      expect(page.items.map((x) => x.pk)).toEqual(["ORD#1", "ORD#3", "ORD#5"]);
      const newest = await store.query({ partition: "ORDERS", index: "gsi2", descending: true, limit: 1 });
      expect(newest.items[0]?.pk).toBe("ORD#5");
    });

    it("keeps an item in its index while its index key stays, and moves it when the key changes or goes", async () => {
      const store = await make();
      const key = { pk: "ORD#9", sk: "O" };
      const indexed = async (partition: string) =>
        (await store.query({ partition, index: "gsi1" })).items.map((x) => [x.pk, x.status]);
      await store.put({ ...key, gsi1pk: "CUSTOMER#a", gsi1sk: "2026-01-01", status: "received" });
      await store.update(key, { set: { status: "confirmed" } });
      expect(await indexed("CUSTOMER#a")).toEqual([["ORD#9", "confirmed"]]);
      await store.put({ ...key, gsi1pk: "CUSTOMER#b", gsi1sk: "2026-01-01", status: "confirmed" });
      expect(await indexed("CUSTOMER#a")).toEqual([]);
      expect(await indexed("CUSTOMER#b")).toEqual([["ORD#9", "confirmed"]]);
      await store.update(key, { remove: ["gsi1pk", "gsi1sk"], set: { status: "archived" } });
      expect(await indexed("CUSTOMER#b")).toEqual([]);
      expect(await store.get(key)).toEqual({ ...key, status: "archived" });
    });

    it("checks whether an attribute is present or missing", async () => {
      const store = await make();
      await store.put({ pk: "H#1", sk: "H", chargeId: "ch_1" });
      await store.update({ pk: "H#1", sk: "H" }, { set: { refundId: "re_1" } }, when.lacks("refundId"));
      await expect(
        store.update({ pk: "H#1", sk: "H" }, { set: { refundId: "re_2" } }, when.lacks("refundId")),
      ).rejects.toThrow(ConditionFailedError);
      await expect(store.update({ pk: "H#1", sk: "H" }, { set: { x: 1 } }, when.has("nothing"))).rejects.toThrow(
        ConditionFailedError,
      );
      expect((await store.get({ pk: "H#1", sk: "H" }))?.refundId).toBe("re_1");
    });

    it("creates an absent item on update and returns it", async () => {
      const store = await make();
      expect(await store.update({ pk: "C#1", sk: "C" }, { add: { value: 1 }, set: { label: "n" } })).toEqual({
        pk: "C#1",
        sk: "C",
        value: 1,
        label: "n",
      });
      expect(await store.update({ pk: "C#1", sk: "C" }, { add: { value: 1 } })).toMatchObject({ value: 2 });
    });

    it("evaluates conditions on nested paths, and `<>` holds for a missing attribute", async () => {
      const store = await make();
      await store.put({ pk: "N#1", sk: "N", price: { amount: 1200, currency: "EUR" } });
      await expect(
        store.update({ pk: "N#1", sk: "N" }, { set: { ok: true } }, when.eq("price.currency", "USD")),
      ).rejects.toThrow(ConditionFailedError);
      await store.update({ pk: "N#1", sk: "N" }, { set: { ok: true } }, when.eq("price.currency", "EUR"));
      await store.update({ pk: "N#1", sk: "N" }, { set: { flagged: false } }, when.ne("flag", "on"));
      await expect(store.put({ pk: "N#2", sk: "N" }, when.lt("price.amount", 5000))).rejects.toThrow(
        ConditionFailedError,
      );
      expect(await store.get({ pk: "N#1", sk: "N" })).toMatchObject({ ok: true, flagged: false });
      expect(await store.get({ pk: "N#2", sk: "N" })).toBeUndefined();
    });

    it("counts `limit` in matching items, reading past items the filter drops", async () => {
      const store = await make();
      const hits = new Set([5, 150, 220, 225]);
      for (let start = 0; start < 230; start += 23) {
        await Promise.all(
          Array.from({ length: 23 }, (_, offset) => start + offset).map((i) =>
            store.put({ pk: "F#1", sk: `ITEM#${String(i).padStart(3, "0")}`, i, hit: hits.has(i) }),
          ),
        );
      }
      const first = await store.query({ partition: "F#1", filter: when.eq("hit", true), limit: 3 });
      expect(first.items.map((x) => x.i)).toEqual([5, 150, 220]);
      expect(first.cursor).toEqual(expect.any(String));
      const rest = await store.query({
        partition: "F#1",
        filter: when.eq("hit", true),
        limit: 3,
        cursor: first.cursor,
      });
      expect(rest.items.map((x) => x.i)).toEqual([225]);
      expect(rest.cursor).toBeUndefined();
    });

    it("refuses a cursor it never handed out as a validation error of the cursor field", async () => {
      const store = await make();
      const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
      for (const cursor of [
        "garbage",
        "%00",
        forged(null),
        forged([]),
        forged(["x"]),
        forged({ a: 1 }),
        forged([1, 2, 3]),
      ]) {
        for (const index of [undefined, "gsi1" as const]) {
          await expect(store.query({ partition: "Q#1", cursor, ...(index ? { index } : {}) })).rejects.toMatchObject({
            code: "VALIDATION_FAILED",
            fields: [{ path: "cursor", message: expect.any(String) }],
          });
        }
      }
    });

    it("pages through a secondary index with cursors, newest first", async () => {
      const store = await make();
      for (let i = 0; i < 5; i++) {
        await store.put({ pk: `U#${i}`, sk: "U", gsi1pk: "USERS", gsi1sk: `2026-02-0${i + 1}`, i });
      }
      await store.put({ pk: "U#other", sk: "U", gsi1pk: "OTHERS", gsi1sk: "2026-02-09" });
      const seen: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.query({ partition: "USERS", index: "gsi1", descending: true, limit: 2, cursor });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((x) => Number(x.i)));
        cursor = page.cursor;
      } while (cursor);
      expect(seen).toEqual([4, 3, 2, 1, 0]);
    });

    it("deletes only when the condition holds", async () => {
      const store = await make();
      await store.put({ pk: "D#1", sk: "D", owner: "a" });
      await expect(store.delete({ pk: "D#1", sk: "D" }, when.eq("owner", "b"))).rejects.toThrow(ConditionFailedError);
      await store.delete({ pk: "D#1", sk: "D" }, when.eq("owner", "a"));
      expect(await store.get({ pk: "D#1", sk: "D" })).toBeUndefined();
    });

    it("puts over an absent or expired item under `notExists or expired`, not over a live or lasting one", async () => {
      const store = await make();
      const now = 1_780_000_000;
      const absentOrExpired = when.or(when.notExists(), when.expired(now));
      await store.put({ pk: "T#expired", sk: "T", expiresAt: now - 1 });
      await store.put({ pk: "T#live", sk: "T", expiresAt: now });
      await store.put({ pk: "T#lasting", sk: "T" });
      for (const pk of ["T#absent", "T#expired"]) await store.put({ pk, sk: "T", v: 2 }, absentOrExpired);
      for (const pk of ["T#live", "T#lasting"]) {
        await expect(store.put({ pk, sk: "T", v: 2 }, absentOrExpired)).rejects.toBeInstanceOf(ConditionFailedError);
      }
      const versions = await Promise.all(
        ["T#absent", "T#expired", "T#live", "T#lasting"].map(async (pk) => (await store.get({ pk, sk: "T" }))?.v),
      );
      expect(versions).toEqual([2, 2, undefined, undefined]);
    });
  });
}

/** `transact` (all or nothing, failed indexes) and the outbox it appends to, read back through the EventLog. */
export function transactionalItemStoreContract(name: string, make: () => Promise<ItemStore & EventLog>) {
  describe(`ItemStore contract (transactions and outbox): ${name}`, () => {
    it("writes all operations and events of a transaction, or none when a condition fails", async () => {
      const store = await make();
      await store.put({ pk: "O#1", sk: "O", status: "pending" });
      await expect(
        store.transact(
          [
            { op: "put", item: { pk: "O#2", sk: "O", status: "pending" } },
            { op: "update", key: { pk: "O#1", sk: "O" }, update: { set: { status: "confirmed" } } },
          ],
          [event("e0", "O#1")],
        ),
      ).resolves.toBeUndefined();
      const failing = store.transact(
        [
          { op: "put", item: { pk: "O#3", sk: "O" } },
          { op: "check", key: { pk: "O#1", sk: "O" }, condition: when.eq("status", "failed") },
        ],
        [event("e1", "O#3")],
      );
      await expect(failing).rejects.toMatchObject({ name: "ConditionFailedError", failedIndexes: [1] });
      expect(await store.get({ pk: "O#3", sk: "O" })).toBeUndefined();
      expect(await store.listByKey("O#3")).toEqual([]);
      expect((await store.get({ pk: "O#1", sk: "O" }))?.status).toBe("confirmed");
      expect((await store.listByKey("O#1")).map((e) => e.id)).toEqual(["e0"]);
    });

    it("lists events of one key in commit order with increasing sequence numbers", async () => {
      const store = await make();
      for (let i = 0; i < 5; i++) {
        await store.transact([{ op: "put", item: { pk: "K#1", sk: `S${i}` } }], [event(`k1-${i}`, "K#1")]);
        await store.transact([{ op: "put", item: { pk: "K#2", sk: `S${i}` } }], [event(`k2-${i}`, "K#2")]);
      }
      const events = await store.listByKey("K#1");
      expect(events.map((e) => e.id)).toEqual(["k1-0", "k1-1", "k1-2", "k1-3", "k1-4"]);
      const seqs = events.map((e) => e.seq);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      expect(new Set(seqs).size).toBe(5);
      const third = events[2]!;
      expect((await store.listByKey("K#1", third.seq)).map((e) => e.id)).toEqual(["k1-3", "k1-4"]);
      expect(third.data).toEqual({ id: "k1-2" });
    });

    it("numbers several events of one transaction in order, per key, with their correlation id", async () => {
      const store = await make();
      await store.transact(
        [{ op: "put", item: { pk: "M#1", sk: "M" } }],
        [event("m-1", "M#1"), { ...event("m-2", "M#1"), correlationId: "corr-1" }, event("m-3", "M#2")],
      );
      await store.transact([], [event("m-4", "M#1")]);
      const events = await store.listByKey("M#1");
      expect(events.map((e) => e.id)).toEqual(["m-1", "m-2", "m-4"]);
      expect(events[1]).toMatchObject({ type: "thing_happened", key: "M#1", correlationId: "corr-1" });
      expect(events[0]).not.toHaveProperty("correlationId");
      const seqs = events.map((e) => e.seq);
      expect(seqs[0]! < seqs[1]! && seqs[1]! < seqs[2]!).toBe(true);
      expect((await store.listByKey("M#2")).map((e) => e.id)).toEqual(["m-3"]);
    });

    it("wakes watchers after a commit that carries events, until they unsubscribe", async () => {
      const store = await make();
      let calls = 0;
      const unsubscribe = store.watch(() => calls++);
      await store.transact([{ op: "put", item: { pk: "W#1", sk: "W" } }], [event("w-1", "W#1")]);
      expect(calls).toBeGreaterThanOrEqual(1);
      unsubscribe();
      const before = calls;
      await store.transact([{ op: "put", item: { pk: "W#2", sk: "W" } }], [event("w-2", "W#2")]);
      expect(calls).toBe(before);
    });
  });
}
