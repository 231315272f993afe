/**
 * The DynamoDB adapter is tested in two honest halves, because dynalite (the DynamoDB emulator we can
 * run here) has no TransactWriteItems:
 * - everything that is single-item (get/put/update/delete, conditions, queries, cursors, listByKey)
 *   runs the item store contract against dynalite, a real DynamoDB API with a table shaped like the
 *   one in infra/lib/stateful-stack.ts;
 * - `transact` and the outbox are checked by the exact TransactWriteItems requests the adapter sends
 *   (aws-sdk-client-mock), and by feeding the items it writes back through dynalite (listByKey) and the
 *   outbox relay. Faking a transactional database in the test would only test the fake.
 */
import { DynamoDBClient, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBStreamEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { itemOperationsContract } from "../../../test/contract/item-store.contract.js";
import { startDynalite } from "../../../test/support/dynalite.js";
import type { DomainEvent, StoredEvent } from "../../domain/shared/event.js";
import { isOutboxItem, makeOutboxRelay } from "../../handlers/aws/outbox-relay.js";
import { ConditionFailedError, type Item, when } from "../../ports/item-store.js";
import { DynamoDbItemStore, MAX_TRANSACTION_ATTEMPTS } from "./dynamodb-item-store.js";

const credentials = { accessKeyId: "test", secretAccessKey: "test" };

let dynamodb: Awaited<ReturnType<typeof startDynalite>>;
let tableCount = 0;

beforeAll(async () => {
  dynamodb = await startDynalite();
});
afterAll(() => dynamodb.close());

const dynaliteClient = () => dynamodb.client();

/** A fresh table per store, shaped like the deploy's, so contract cases never see each other's items. */
async function newDynaliteStore(): Promise<DynamoDbItemStore> {
  const tableName = `items-${++tableCount}`;
  await dynamodb.createTable(tableName);
  return new DynamoDbItemStore({ client: dynaliteClient(), tableName });
}

function event(id: string, key: string, extra: Partial<DomainEvent> = {}): DomainEvent {
  return { id, type: "thing_happened", key, at: "2026-01-01T00:00:00.000Z", data: { id }, ...extra };
}

/** Stubs `send` of every DynamoDBDocumentClient (the store's is private); restore() when done. */
const mockDocumentClient = () => mockClient(DynamoDBDocumentClient);
/** A store on a mocked client (for asserting the requests it sends); it never polls. */
const tableName = "orderflow";
const newStore = () =>
  new DynamoDbItemStore({
    client: new DynamoDBClient({ region: "us-east-1", credentials }),
    tableName,
    pollIntervalMs: 3_600_000,
  });

const cursorKey = (cursor: string | undefined) => JSON.parse(Buffer.from(cursor ?? "", "base64url").toString("utf8"));

itemOperationsContract("DynamoDB (dynalite)", newDynaliteStore);

describe("DynamoDbItemStore on dynalite", () => {
  it("reports a failed single-item condition as ConditionFailedError([0])", async () => {
    const store = await newDynaliteStore();
    await store.put({ pk: "A", sk: "A", v: 1 });
    await expect(store.delete({ pk: "A", sk: "A" }, when.eq("v", 2))).rejects.toMatchObject({
      name: "ConditionFailedError",
      failedIndexes: [0],
    });
  });

  it("makes cursors of the next page's start key: the table key, plus the index key on an index", async () => {
    const store = await newDynaliteStore();
    for (const i of [1, 2, 3]) await store.put({ pk: `K#${i}`, sk: "K", gsi2pk: "ALL", gsi2sk: `s${i}` });
    const byIndex = await store.query({ partition: "ALL", index: "gsi2", limit: 2 });
    expect(cursorKey(byIndex.cursor)).toEqual({ pk: "K#2", sk: "K", gsi2pk: "ALL", gsi2sk: "s2" });
    const byTable = await store.query({ partition: "K#1", limit: 1 });
    expect(cursorKey(byTable.cursor)).toEqual({ pk: "K#1", sk: "K" });
    const forged = Buffer.from(JSON.stringify({ pk: "K#1" })).toString("base64url");
    await expect(store.query({ partition: "K#1", cursor: forged })).rejects.toThrow(/Invalid cursor/);
  });

  it("reads back, through listByKey, exactly the outbox items a transaction writes", async () => {
    const events = Array.from({ length: 12 }, (_, i) => event(`e${i + 1}`, "ORD#9"));
    const ddb = mockDocumentClient();
    let written: Item[];
    try {
      ddb.on(QueryCommand).resolves({ Items: [] });
      ddb.on(TransactWriteCommand).resolves({});
      await new DynamoDbItemStore({ client: dynaliteClient(), tableName: "unused" }).transact([], events);
      const request = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input;
      written = (request.TransactItems ?? []).flatMap((action) => (action.Put ? [action.Put.Item as Item] : []));
    } finally {
      ddb.restore();
    }
    const store = await newDynaliteStore();
    // A counter item as versions before this one kept beside the events: sorted before them, never listed.
    await store.put({ pk: "EVT#ORD#9", sk: "#SEQ", seq: 12 });
    for (const item of written) await store.put(item);
    const listed = await store.listByKey("ORD#9");
    expect(listed.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(listed[0]).toEqual({ ...events[0], seq: 1 });
    expect((await store.listByKey("ORD#9", 9)).map((e) => e.id)).toEqual(["e10", "e11", "e12"]);
    expect(await store.listByKey("ORD#other")).toEqual([]);
  });
});

describe("DynamoDbItemStore.transact of one item, on dynalite (a single conditional write)", () => {
  it("writes one operation under its condition and reports a failed one as ConditionFailedError([0])", async () => {
    const store = await newDynaliteStore();
    await store.transact([{ op: "put", item: { pk: "S#1", sk: "S", v: 1 }, condition: when.notExists() }]);
    await expect(
      store.transact([{ op: "put", item: { pk: "S#1", sk: "S", v: 2 }, condition: when.notExists() }]),
    ).rejects.toMatchObject({ name: "ConditionFailedError", failedIndexes: [0] });
    await store.transact([
      { op: "update", key: { pk: "S#1", sk: "S" }, update: { add: { v: 4 } }, condition: when.eq("v", 1) },
    ]);
    expect(await store.get({ pk: "S#1", sk: "S" })).toEqual({ pk: "S#1", sk: "S", v: 5 });
    await expect(
      store.transact([{ op: "delete", key: { pk: "S#1", sk: "S" }, condition: when.eq("v", 1) }]),
    ).rejects.toMatchObject({ name: "ConditionFailedError", failedIndexes: [0] });
    await store.transact([{ op: "delete", key: { pk: "S#1", sk: "S" }, condition: when.eq("v", 5) }]);
    expect(await store.get({ pk: "S#1", sk: "S" })).toBeUndefined();
  });

  it("numbers lone events after the newest one, gap-free under concurrency, past an old counter item", async () => {
    const store = await newDynaliteStore();
    await store.put({ pk: "EVT#ORD#5", sk: "#SEQ", seq: 0 });
    let wakes = 0;
    store.watch(() => wakes++);
    await store.transact([], [event("e1", "ORD#5")]);
    await Promise.all(["e2", "e3", "e4", "e5"].map((id) => store.transact([], [event(id, "ORD#5")])));
    const listed = await store.listByKey("ORD#5");
    expect(listed.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(listed.map((e) => e.id).sort()).toEqual(["e1", "e2", "e3", "e4", "e5"]);
    expect(listed[0]).toEqual({ ...event("e1", "ORD#5"), seq: 1 });
    expect(wakes).toBe(5);
  });
});

describe("DynamoDbItemStore.transact of one item: the request it sends", () => {
  let ddb: ReturnType<typeof mockDocumentClient>;
  beforeEach(() => {
    ddb = mockDocumentClient();
    ddb.on(QueryCommand).resolves({ Items: [] });
  });
  afterEach(() => ddb.restore());

  it("sends PutItem, UpdateItem or DeleteItem instead of a TransactWriteItems; a lone check stays one", async () => {
    const store = newStore();
    await store.transact([{ op: "put", item: { pk: "A", sk: "A" }, condition: when.notExists() }]);
    await store.transact([{ op: "update", key: { pk: "B", sk: "B" }, update: { set: { x: 1 } } }]);
    await store.transact([{ op: "delete", key: { pk: "C", sk: "C" } }]);
    await store.transact([{ op: "check", key: { pk: "D", sk: "D" }, condition: when.exists() }]);
    expect(ddb.commandCalls(PutCommand).map((call) => call.args[0].input)).toEqual([
      {
        TableName: tableName,
        Item: { pk: "A", sk: "A" },
        ConditionExpression: "attribute_not_exists(#n0)",
        ExpressionAttributeNames: { "#n0": "pk" },
      },
    ]);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(1);
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(1);
    expect(ddb.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems?.length)).toEqual([1]);
  });

  it("takes a lone event whose put was refused but whose number holds it as written (a lost answer)", async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [] })
      .resolves({ Items: [{ pk: "EVT#K", sk: "0000000000000001", seq: 1, id: "e1" }] });
    ddb.on(PutCommand).rejects(Object.assign(new Error("refused"), { name: "ConditionalCheckFailedException" }));
    await newStore().transact([], [event("e1", "K")]);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(1);
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject({ sk: "0000000000000001", id: "e1" });
  });

  it("gives up on a lone event after a bounded number of refused numbers", async () => {
    let newest = 0;
    ddb.on(QueryCommand).callsFake(async () => ({ Items: [{ seq: ++newest, id: `other-${newest}` }] }));
    ddb.on(PutCommand).rejects(Object.assign(new Error("refused"), { name: "ConditionalCheckFailedException" }));
    await expect(newStore().transact([], [event("e1", "K")])).rejects.toBeInstanceOf(ConditionFailedError);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(MAX_TRANSACTION_ATTEMPTS);
  });
});

describe("DynamoDbItemStore.query on a keys-only index: the reads it sends", () => {
  let ddb: ReturnType<typeof mockDocumentClient>;
  beforeEach(() => {
    ddb = mockDocumentClient();
  });
  afterEach(() => ddb.restore());

  const entry = (id: string) => ({ pk: `O#${id}`, sk: "O", gsi2pk: "ORDERS", gsi2sk: id });

  it("reads the items of the index page in its order, again for unprocessed keys, leaving out moved, deleted and filtered ones", async () => {
    ddb.on(QueryCommand).resolves({ Items: ["1", "2", "3", "4", "5"].map(entry) });
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [tableName]: [{ ...entry("3"), status: "paid" }] },
        UnprocessedKeys: {
          [tableName]: { Keys: [entry("1"), entry("2"), entry("4")].map(({ pk, sk }) => ({ pk, sk })) },
        },
      })
      .resolvesOnce({
        Responses: {
          [tableName]: [
            { ...entry("4"), status: "failed" },
            { ...entry("2"), gsi2pk: "ARCHIVED", status: "paid" },
            { ...entry("1"), status: "paid" },
          ],
        },
      });
    const page = await newStore().query({ partition: "ORDERS", index: "gsi2", filter: when.eq("status", "paid") });
    // 2 left the partition, 4 fails the filter, 5 was deleted since the index was read.
    expect(page.items.map((item) => item.gsi2sk)).toEqual(["1", "3"]);
    const query = ddb.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(query.IndexName).toBe("gsi2");
    expect(query.FilterExpression).toBeUndefined();
    const reads = ddb.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems?.[tableName]);
    expect(reads.map((read) => read?.Keys?.map((key) => key.pk))).toEqual([
      ["O#1", "O#2", "O#3", "O#4", "O#5"],
      ["O#1", "O#2", "O#4"],
    ]);
    expect(reads.every((read) => read?.ConsistentRead === false)).toBe(true);
  });

  it("ends a full page with the cursor of its last index entry", async () => {
    ddb.on(QueryCommand).resolves({ Items: ["1", "2"].map(entry), LastEvaluatedKey: entry("2") });
    ddb.on(BatchGetCommand).resolves({ Responses: { [tableName]: ["2", "1"].map(entry) } });
    const page = await newStore().query({ partition: "ORDERS", index: "gsi2", limit: 2 });
    expect(page.items.map((item) => item.gsi2sk)).toEqual(["1", "2"]);
    expect(cursorKey(page.cursor)).toEqual(entry("2"));
  });
});

describe("DynamoDbItemStore.watch", () => {
  it("polls for other writers' events every pollIntervalMs while anyone listens", () => {
    vi.useFakeTimers();
    try {
      const store = new DynamoDbItemStore({ client: dynaliteClient(), tableName: "t", pollIntervalMs: 50 });
      let first = 0;
      let second = 0;
      const stopFirst = store.watch(() => first++);
      const stopSecond = store.watch(() => second++);
      vi.advanceTimersByTime(150);
      expect([first, second]).toEqual([3, 3]);
      stopFirst();
      vi.advanceTimersByTime(100);
      expect([first, second]).toEqual([3, 5]);
      stopSecond();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("DynamoDbItemStore.transact: the TransactWriteItems requests it sends", () => {
  let ddb: ReturnType<typeof mockDocumentClient>;
  const transactRequests = () => ddb.commandCalls(TransactWriteCommand).map((call) => call.args[0].input);
  const cancelled = (...codes: string[]) =>
    new TransactionCanceledException({
      message: "Transaction cancelled",
      $metadata: {},
      CancellationReasons: codes.map((Code) => ({ Code })),
    });

  beforeEach(() => {
    ddb = mockDocumentClient();
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(TransactWriteCommand).resolves({});
  });
  const newestEventQuery = (key: string) => ({
    TableName: tableName,
    ConsistentRead: true,
    KeyConditionExpression: "#n0 = :v0 AND #n1 > :v1",
    ExpressionAttributeNames: { "#n0": "pk", "#n1": "sk" },
    ExpressionAttributeValues: { ":v0": `EVT#${key}`, ":v1": "0000000000000000" },
    ScanIndexForward: false,
    Limit: 1,
  });
  afterEach(() => ddb.restore());

  it("sends the operations first, then per event key the events numbered after its newest one", async () => {
    ddb.on(QueryCommand, newestEventQuery("PROD#1")).resolves({ Items: [{ pk: "EVT#PROD#1", seq: 4, id: "e0" }] });
    const order = { pk: "ORD#1", sk: "ORDER", status: "pending", gsi2pk: "ORDERS", gsi2sk: "2026-01-01" };
    await newStore().transact(
      [
        { op: "put", item: order, condition: when.notExists() },
        {
          op: "update",
          key: { pk: "PROD#1", sk: "PRODUCT" },
          update: { add: { stock: -2 } },
          condition: when.gte("stock", 2),
        },
        { op: "delete", key: { pk: "CART#1", sk: "CART" } },
        { op: "check", key: { pk: "USER#1", sk: "USER" }, condition: when.eq("status", "active") },
      ],
      [
        event("e1", "ORD#1", { type: "order_placed", correlationId: "corr-1" }),
        event("e2", "PROD#1", { type: "stock_changed" }),
        event("e3", "ORD#1", { type: "stock_reserved" }),
      ],
    );
    expect(ddb.commandCalls(QueryCommand).map((call) => call.args[0].input)).toEqual([
      newestEventQuery("ORD#1"),
      newestEventQuery("PROD#1"),
    ]);
    const newEvent = (pk: string, seq: number, source: DomainEvent) => ({
      Put: {
        TableName: tableName,
        Item: { pk, sk: String(seq).padStart(16, "0"), seq, ...source },
        ConditionExpression: "attribute_not_exists(#n0)",
        ExpressionAttributeNames: { "#n0": "pk" },
      },
    });
    expect(transactRequests()).toEqual([
      {
        TransactItems: [
          {
            Put: {
              TableName: tableName,
              Item: order,
              ConditionExpression: "attribute_not_exists(#n0)",
              ExpressionAttributeNames: { "#n0": "pk" },
            },
          },
          {
            Update: {
              TableName: tableName,
              Key: { pk: "PROD#1", sk: "PRODUCT" },
              UpdateExpression: "ADD #n0 :v0",
              ConditionExpression: "#n0 >= :v1",
              ExpressionAttributeNames: { "#n0": "stock" },
              ExpressionAttributeValues: { ":v0": -2, ":v1": 2 },
            },
          },
          { Delete: { TableName: tableName, Key: { pk: "CART#1", sk: "CART" } } },
          {
            ConditionCheck: {
              TableName: tableName,
              Key: { pk: "USER#1", sk: "USER" },
              ConditionExpression: "#n0 = :v0",
              ExpressionAttributeNames: { "#n0": "status" },
              ExpressionAttributeValues: { ":v0": "active" },
            },
          },
          newEvent("EVT#ORD#1", 1, event("e1", "ORD#1", { type: "order_placed", correlationId: "corr-1" })),
          newEvent("EVT#ORD#1", 2, event("e3", "ORD#1", { type: "stock_reserved" })),
          newEvent("EVT#PROD#1", 5, event("e2", "PROD#1", { type: "stock_changed" })),
        ],
      },
    ]);
  });

  it("writes event items the outbox relay forwards; it ignores counter items of earlier versions", async () => {
    const source = event("e1", "ORD#7", { type: "order_placed", correlationId: "corr-7" });
    await newStore().transact([{ op: "put", item: { pk: "ORD#7", sk: "ORDER" } }], [source]);
    const items = (transactRequests()[0]?.TransactItems ?? []).flatMap((action) =>
      action.Put && String(action.Put.Item?.pk).startsWith("EVT#") ? [action.Put.Item as Record<string, unknown>] : [],
    );
    const counter = { pk: "EVT#ORD#7", sk: "#SEQ", seq: 1 };
    expect(items.map(isOutboxItem)).toEqual([true]);
    expect(isOutboxItem(counter)).toBe(false);
    const forwarded: StoredEvent[] = [];
    const relay = makeOutboxRelay([
      {
        name: "all",
        eventTypes: ["order_placed"],
        sendAll: async (stored) => {
          forwarded.push(...stored);
          return new Set();
        },
      },
    ]);
    const records = [counter, ...items].map((item, index) => ({
      eventName: "INSERT" as const,
      dynamodb: { SequenceNumber: String(index), NewImage: marshall(item) as never },
    }));
    expect(await relay({ Records: records } as DynamoDBStreamEvent)).toEqual({ batchItemFailures: [] });
    expect(forwarded).toEqual([{ ...source, seq: 1 }]);
  });

  it("maps cancellation reasons of the caller's operations to ConditionFailedError.failedIndexes", async () => {
    const failure = cancelled("None", "ConditionalCheckFailed", "None", "ConditionalCheckFailed", "None", "None");
    ddb.on(TransactWriteCommand).rejects(failure);
    const store = newStore();
    const attempt = store.transact(
      [
        { op: "put", item: { pk: "A", sk: "A" } },
        { op: "check", key: { pk: "B", sk: "B" }, condition: when.exists() },
        { op: "delete", key: { pk: "C", sk: "C" } },
        { op: "update", key: { pk: "D", sk: "D" }, update: { set: { x: 1 } }, condition: when.lacks("x") },
      ],
      [event("e1", "A")],
    );
    const error = await attempt.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConditionFailedError);
    expect(error).toMatchObject({ failedIndexes: [1, 3], cause: failure });
    expect(transactRequests()).toHaveLength(1);
  });

  it("re-reads the newest events and sends again when only the outbox conditions failed", async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [] })
      .resolves({ Items: [{ pk: "EVT#O#1", sk: "0000000000000003", seq: 3, id: "other" }] });
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled("None", "ConditionalCheckFailed")).resolves({});
    const store = newStore();
    let wakes = 0;
    store.watch(() => wakes++);
    await store.transact([{ op: "put", item: { pk: "O#1", sk: "O" } }], [event("e1", "O#1")]);
    const [first, second] = transactRequests().map((request) => request.TransactItems ?? []);
    expect(first?.[1]?.Put?.Item).toMatchObject({ sk: "0000000000000001", seq: 1 });
    expect(second?.[1]?.Put?.Item).toMatchObject({ sk: "0000000000000004", seq: 4, id: "e1" });
    expect(second?.[1]?.Put?.ConditionExpression).toBe("attribute_not_exists(#n0)");
    expect(transactRequests()).toHaveLength(2);
    expect(wakes).toBe(1);
  });

  it("retries a TransactionConflict, a bounded number of times", async () => {
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled("TransactionConflict", "None")).resolves({});
    await newStore().transact([
      { op: "put", item: { pk: "A", sk: "A" } },
      { op: "delete", key: { pk: "B", sk: "B" } },
    ]);
    expect(transactRequests()).toHaveLength(2);

    ddb.reset();
    ddb.on(QueryCommand).resolves({ Items: [] });
    const conflict = cancelled("TransactionConflict", "None");
    ddb.on(TransactWriteCommand).rejects(conflict);
    const store = newStore();
    let wakes = 0;
    store.watch(() => wakes++);
    await expect(store.transact([{ op: "put", item: { pk: "A", sk: "A" } }], [event("e1", "A")])).rejects.toBe(
      conflict,
    );
    expect(transactRequests()).toHaveLength(MAX_TRANSACTION_ATTEMPTS);
    expect(wakes).toBe(0);
  });

  it("does not retry other failures", async () => {
    const invalid = Object.assign(new Error("One or more parameter values were invalid"), {
      name: "ValidationException",
    });
    ddb.on(TransactWriteCommand).rejectsOnce(invalid).rejects(cancelled("ValidationError", "None"));
    const store = newStore();
    const twoPuts = [
      { op: "put" as const, item: { pk: "A", sk: "A" } },
      { op: "put" as const, item: { pk: "B", sk: "B" } },
    ];
    await expect(store.transact(twoPuts)).rejects.toBe(invalid);
    await expect(store.transact(twoPuts)).rejects.toMatchObject({ name: "TransactionCanceledException" });
    expect(transactRequests()).toHaveLength(2);
    ddb.on(PutCommand).rejects(invalid);
    await expect(store.transact([], [event("e1", "A")])).rejects.toBe(invalid);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(1);
  });

  it("refuses, without sending, a transaction DynamoDB would reject", async () => {
    const store = newStore();
    await expect(
      store.transact([
        { op: "put", item: { pk: "Y", sk: "Y" } },
        { op: "update", key: { pk: "Y", sk: "Y" }, update: { set: { a: 1 } } },
      ]),
    ).rejects.toThrow(/twice/);
    await expect(store.transact([{ op: "update", key: { pk: "Z", sk: "Z" }, update: {} }])).rejects.toThrow(/empty/);
    await store.transact([], []);
    expect(ddb.calls()).toHaveLength(0);
  });
});
