import { describe, expect, it } from "vitest";
import type { DomainEvent } from "../../src/domain/shared/event.js";
import type { EventLog } from "../../src/ports/event-log.js";
import { ConditionFailedError, type ItemStore, when } from "../../src/ports/item-store.js";

function event(id: string, key: string, type = "thing_happened"): DomainEvent {
  return { id, type, key, at: "2026-01-01T00:00:00.000Z", data: { id } };
}

/** The behaviour every ItemStore adapter must have; run against each adapter. */
export function itemStoreContract(name: string, make: () => Promise<ItemStore & EventLog>) {
  describe(`ItemStore contract: ${name}`, () => {
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

    it("deletes only when the condition holds", async () => {
      const store = await make();
      await store.put({ pk: "D#1", sk: "D", owner: "a" });
      await expect(store.delete({ pk: "D#1", sk: "D" }, when.eq("owner", "b"))).rejects.toThrow(ConditionFailedError);
      await store.delete({ pk: "D#1", sk: "D" }, when.eq("owner", "a"));
      expect(await store.get({ pk: "D#1", sk: "D" })).toBeUndefined();
    });
  });
}
