import { describe, expect, it } from "vitest";
import { itemSize } from "../../adapters/aws/dynamodb-capacity.js";
import { outboxItem } from "../../adapters/aws/dynamodb-outbox.js";
import { openSqliteDatabase } from "../../adapters/local/sqlite-database.js";
import { SqliteItemStore } from "../../adapters/local/sqlite-item-store.js";
import type { DomainEvent } from "../../domain/shared/event.js";
import { ConditionFailedError, when } from "../../ports/item-store.js";
import type { Mailer } from "../../ports/mailer.js";
import { createUsageMeter } from "../shared/usage-meter.js";
import { meterItemStore, meterMailer, meterStreamConsumer } from "./usage-meter.js";

function metered() {
  const usage = createUsageMeter();
  const store = meterItemStore(new SqliteItemStore(openSqliteDatabase(":memory:")), usage);
  const units = () => {
    const { "dynamodb.writeUnits": write, "dynamodb.readUnits": read } = usage.snapshot();
    return { write, read };
  };
  return { usage, store, units };
}

/** An item of about `bytes` as DynamoDB sizes it. */
const sized = (pk: string, bytes: number) => ({ pk, sk: "S", pad: "x".repeat(bytes - 8 - pk.length) });

const event = (id: string, key: string): DomainEvent => ({
  id,
  type: "thing_happened",
  key,
  at: "2026-01-01T00:00:00.000Z",
  data: { note: "n" },
});

describe("usage meter: DynamoDB sizes", () => {
  it("sizes items as DynamoDB does: names and values, numbers by digits, 3 bytes per map or list and 1 per element", () => {
    expect(itemSize({ pk: "A", n: 12345, b: true, z: null })).toBe(2 + 1 + (1 + 4) + (1 + 1) + (1 + 1));
    expect(itemSize({ m: { a: "xy" }, l: [1, "ab"] })).toBe(1 + 3 + (1 + 2 + 1) + 1 + 3 + (2 + 1) + (2 + 1));
    expect(itemSize(sized("K", 1024))).toBe(1024);
  });
});

describe("usage meter: item store writes as DynamoDB on-demand bills them", () => {
  it("bills a single write by the larger of the item before and after, per KB started, refused ones too", async () => {
    const { store, units } = metered();
    await store.put(sized("A", 1024));
    expect(units().write).toBe(1);
    await store.put(sized("A", 1025));
    expect(units().write).toBe(3);
    // Shrinking to 10 bytes still bills the 1025 bytes it had.
    await store.update({ pk: "A", sk: "S" }, { remove: ["pad"] });
    expect(units().write).toBe(5);
    await expect(store.put(sized("A", 3000), when.notExists())).rejects.toThrow(ConditionFailedError);
    expect(units().write).toBe(8);
    await store.delete({ pk: "A", sk: "S" });
    expect(units().write).toBe(9);
    await store.delete({ pk: "missing", sk: "S" });
    expect(units().write).toBe(10);
  });

  it("bills a transaction twice per item (checks included) and per event item, plus a read per event key", async () => {
    const { store, units } = metered();
    await store.put(sized("P", 1500));
    const before = units();
    const events = [event("e1", "ord_1"), event("e2", "ord_1"), event("e3", "ord_2")];
    await store.transact(
      [
        { op: "put", item: sized("N", 100) },
        { op: "update", key: { pk: "P", sk: "S" }, update: { set: { v: 1 } } },
        { op: "check", key: { pk: "missing", sk: "S" }, condition: when.notExists() },
      ],
      events,
    );
    const eventUnits = events.length * 2;
    expect(itemSize(outboxItem(events[0]!, 10))).toBeLessThan(1024);
    expect(units().write - before.write).toBe(2 * 1 + 2 * 2 + 2 * 1 + eventUnits);
    expect(units().read - before.read).toBe(2);
  });

  it("bills a transaction that writes one item as the single write the DynamoDB adapter sends", async () => {
    const { store, units } = metered();
    await store.transact([{ op: "put", item: sized("A", 100) }]);
    expect(units()).toEqual({ write: 1, read: 0 });
    await store.transact([], [event("e1", "ord_1")]);
    expect(units()).toEqual({ write: 2, read: 1 });
    await expect(store.transact([{ op: "put", item: sized("A", 100) }], [])).resolves.toBeUndefined();
    await expect(store.transact([{ op: "put", item: sized("A", 200), condition: when.notExists() }])).rejects.toThrow(
      ConditionFailedError,
    );
    expect(units().write).toBe(4);
    await store.transact([{ op: "check", key: { pk: "A", sk: "S" }, condition: when.exists() }]);
    expect(units().write).toBe(6);
  });

  it("bills the index entries of items in a keys-only global secondary index: put, moved, removed, not rewritten", async () => {
    const { store, units } = metered();
    const listed = { ...sized("O", 600), gsi2pk: "ORDERS", gsi2sk: "2026-01-01#O" };
    await store.put(listed);
    expect(units().write).toBe(1 + 1);
    await store.transact(
      [{ op: "update", key: { pk: "O", sk: "S" }, update: { set: { status: "confirmed" } } }],
      [event("e1", "O")],
    );
    // The item and its event, in a transaction; its index entry holds keys only and they did not change.
    expect(units().write).toBe(2 + 2 * 1 + 2 * 1);
    await store.update({ pk: "O", sk: "S" }, { set: { gsi1pk: "CUSTOMER#1", gsi1sk: "x", gsi2sk: "2026-01-02#O" } });
    // Table 1; gsi1 entry put 1; gsi2 key moved: delete 1 + put 1.
    expect(units().write).toBe(6 + 1 + 1 + 2);
    await store.transact([{ op: "check", key: { pk: "O", sk: "S" }, condition: when.exists() }]);
    expect(units().write).toBe(10 + 2);
    await store.update({ pk: "O", sk: "S" }, { set: { status: "confirmed" } });
    expect(units().write).toBe(12 + 1);
    await store.delete({ pk: "O", sk: "S" });
    expect(units().write).toBe(13 + 1 + 2);
  });

  it("does not bill a transaction a condition refused", async () => {
    const { store, units } = metered();
    await expect(
      store.transact(
        [
          { op: "put", item: sized("A", 100) },
          { op: "put", item: sized("B", 100), condition: when.exists() },
        ],
        [event("e1", "ord_1")],
      ),
    ).rejects.toThrow(ConditionFailedError);
    expect(units().write).toBe(0);
  });

  it("bills strongly consistent reads per 4 KB; an index query reads keys, then each item, both at half that", async () => {
    const { store, units } = metered();
    await store.put({ ...sized("A", 5000), gsi1pk: "G", gsi1sk: "1" });
    const before = units().read;
    await store.get({ pk: "A", sk: "S" });
    expect(units().read - before).toBe(2);
    await store.get({ pk: "none", sk: "S" });
    expect(units().read - before).toBe(3);
    await store.query({ partition: "A" });
    expect(units().read - before).toBe(5);
    await store.query({ partition: "G", index: "gsi1" });
    // Its keys-only entry (1 unit), then the 5 KB item by its key (2 units), eventually consistent.
    expect(units().read - before).toBe(5 + (1 + 2) / 2);
  });

  it("counts the outbox relay's share of a Lambda invocation per event", async () => {
    const { store, usage } = metered();
    await store.transact([{ op: "put", item: sized("A", 100) }], [event("e1", "ord_1"), event("e2", "ord_1")]);
    expect(usage.snapshot()["lambda.invocations"]).toBeCloseTo(0.02);
  });
});

describe("usage meter: the outbox relay's SQS requests", () => {
  const typed = (n: number, type: string): DomainEvent => ({ ...event(`e${n}`, `ord_${n}`), type });

  it("counts one SendMessageBatch request per ten events of a queue within a stream batch of 100", async () => {
    const { store, usage } = metered();
    // order_received goes to the order-pipeline queue; order_fulfilled to delivery-requests; order_placed to none.
    for (let n = 1; n <= 12; n++) await store.transact([], [typed(n, "order_received")]);
    expect(usage.snapshot()["sqs.requests"]).toBe(2);
    await store.transact([], [typed(13, "order_fulfilled"), typed(14, "order_placed")]);
    expect(usage.snapshot()["sqs.requests"]).toBe(3);
  });

  it("starts counting again with each stream batch of 100 events", async () => {
    const { store, usage } = metered();
    const received = Array.from({ length: 99 }, (_, i) => typed(i + 1, "order_received"));
    await store.transact([], received);
    expect(usage.snapshot()["sqs.requests"]).toBe(10);
    // The 100th event ends the batch; the 101st opens a new one, and a new request.
    await store.transact([], [typed(100, "order_received"), typed(101, "order_received")]);
    expect(usage.snapshot()["sqs.requests"]).toBe(11);
  });

  it("counts a Kinesis PUT payload unit per event the order stream takes", async () => {
    const { store, usage } = metered();
    await store.transact([], [typed(1, "order_received"), typed(2, "order_placed"), typed(3, "order_fulfilled")]);
    expect(usage.snapshot()["kinesis.putUnits"]).toBe(2);
  });

  it("counts no request for the events of a refused write", async () => {
    const { store, usage } = metered();
    await store.put(sized("A", 100));
    await expect(
      store.transact([{ op: "put", item: sized("A", 100), condition: when.notExists() }], [typed(1, "order_received")]),
    ).rejects.toThrow(ConditionFailedError);
    expect(usage.snapshot()["sqs.requests"]).toBe(0);
  });
});

describe("usage meter: e-mail", () => {
  const mailer = (sentNow: boolean, fail = false): Mailer => ({
    send: async () => {
      if (fail) throw new Error("SES throttled");
      return { messageId: "<m@shop.example>", sentNow };
    },
  });
  const message = { id: "order-confirmed-ord_1", to: "ada@example.com", subject: "Thanks", text: "Hello" };

  it("counts an SES message and its claim: put before sending, updated once sent", async () => {
    const usage = createUsageMeter();
    await meterMailer(mailer(true), usage, '"Shop" <shop@shop.example>').send(message);
    expect(usage.snapshot()).toMatchObject({ "ses.emails": 1, "dynamodb.writeUnits": 2, "dynamodb.readUnits": 0 });
  });

  it("counts a duplicate as a refused claim put and a read of the claim, and a failed send as put and delete", async () => {
    const usage = createUsageMeter();
    await meterMailer(mailer(false), usage, "shop@shop.example").send(message);
    expect(usage.snapshot()).toMatchObject({ "ses.emails": 0, "dynamodb.writeUnits": 1, "dynamodb.readUnits": 1 });
    await expect(meterMailer(mailer(true, true), usage, "shop@shop.example").send(message)).rejects.toThrow();
    expect(usage.snapshot()).toMatchObject({ "ses.emails": 0, "dynamodb.writeUnits": 3 });
  });
});

describe("usage meter: the order stream's consumer", () => {
  it("counts one Lambda invocation per batch, however many records it holds", async () => {
    const usage = createUsageMeter();
    const batches: number[] = [];
    const consumer = meterStreamConsumer(
      {
        name: "order-events",
        eventTypes: ["order_received"],
        handleBatch: async (b) => void batches.push(b.records.length),
      },
      usage,
    );
    const records = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        position: String(i + 1),
        event: { ...event(`e${i}`, "ord_1"), seq: i + 1 },
      }));
    await consumer.handleBatch({ shard: "local", records: records(100) });
    await consumer.handleBatch({ shard: "local", records: records(3) });
    expect(batches).toEqual([100, 3]);
    expect(usage.snapshot()["lambda.invocations"]).toBe(2);
    expect(usage.snapshot()["lambda.gbSeconds"]).toBeGreaterThan(0);
  });
});
