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
import type { Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBStreamEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { itemOperationsContract } from "../../../test/contract/item-store.contract.js";
import type { DomainEvent, StoredEvent } from "../../domain/shared/event.js";
import { isOutboxItem, makeOutboxRelay } from "../../handlers/aws/outbox-relay.js";
import { ConditionFailedError, type Item, when } from "../../ports/item-store.js";
import { DynamoDbItemStore, MAX_TRANSACTION_ATTEMPTS } from "./dynamodb-item-store.js";

const require = createRequire(import.meta.url);
const dynalite = require("dynalite") as (options: { createTableMs: number }) => Server;
const credentials = { accessKeyId: "test", secretAccessKey: "test" };

let server: Server;
let endpoint: string;
let tableCount = 0;

beforeAll(async () => {
  server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))));

const dynaliteClient = () => new DynamoDBClient({ endpoint, region: "us-east-1", credentials });

/** A fresh table per store (pk/sk, gsi1, gsi2), so contract cases never see each other's items. */
async function newDynaliteStore(): Promise<DynamoDbItemStore> {
  const client = dynaliteClient();
  const tableName = `items-${++tableCount}`;
  const keyNames = ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk"];
  const keySchema = (prefix: string) => [
    { AttributeName: `${prefix}pk`, KeyType: "HASH" as const },
    { AttributeName: `${prefix}sk`, KeyType: "RANGE" as const },
  ];
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: keyNames.map((name) => ({ AttributeName: name, AttributeType: "S" as const })),
      KeySchema: keySchema(""),
      GlobalSecondaryIndexes: ["gsi1", "gsi2"].map((index) => ({
        IndexName: index,
        KeySchema: keySchema(index),
        Projection: { ProjectionType: "ALL" as const },
      })),
    }),
  );
  return new DynamoDbItemStore({ client, tableName });
}

function event(id: string, key: string, extra: Partial<DomainEvent> = {}): DomainEvent {
  return { id, type: "thing_happened", key, at: "2026-01-01T00:00:00.000Z", data: { id }, ...extra };
}

/** Stubs `send` of every DynamoDBDocumentClient (the store's is private); restore() when done. */
const mockDocumentClient = () => mockClient(DynamoDBDocumentClient);

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
      ddb.on(GetCommand).resolves({});
      ddb.on(TransactWriteCommand).resolves({});
      await new DynamoDbItemStore({ client: dynaliteClient(), tableName: "unused" }).transact([], events);
      const request = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input;
      written = (request.TransactItems ?? []).flatMap((action) => (action.Put ? [action.Put.Item as Item] : []));
    } finally {
      ddb.restore();
    }
    const store = await newDynaliteStore();
    // The counter as the transaction's Update leaves it: sorted before the events, never listed.
    await store.put({ pk: "EVT#ORD#9", sk: "#SEQ", seq: 12 });
    for (const item of written) await store.put(item);
    const listed = await store.listByKey("ORD#9");
    expect(listed.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(listed[0]).toEqual({ ...events[0], seq: 1 });
    expect((await store.listByKey("ORD#9", 9)).map((e) => e.id)).toEqual(["e10", "e11", "e12"]);
    expect(await store.listByKey("ORD#other")).toEqual([]);
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
  const tableName = "orderflow";
  let ddb: ReturnType<typeof mockDocumentClient>;
  const newStore = () =>
    new DynamoDbItemStore({
      client: new DynamoDBClient({ region: "us-east-1", credentials }),
      tableName,
      pollIntervalMs: 3_600_000,
    });
  const transactRequests = () => ddb.commandCalls(TransactWriteCommand).map((call) => call.args[0].input);
  const cancelled = (...codes: string[]) =>
    new TransactionCanceledException({
      message: "Transaction cancelled",
      $metadata: {},
      CancellationReasons: codes.map((Code) => ({ Code })),
    });

  beforeEach(() => {
    ddb = mockDocumentClient();
    ddb.on(GetCommand).resolves({});
    ddb.on(TransactWriteCommand).resolves({});
  });
  afterEach(() => ddb.restore());

  it("sends the operations first, then per event key the guarded counter and the numbered events", async () => {
    ddb
      .on(GetCommand, { Key: { pk: "EVT#PROD#1", sk: "#SEQ" } })
      .resolves({ Item: { pk: "EVT#PROD#1", sk: "#SEQ", seq: 4 } });
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
    expect(ddb.commandCalls(GetCommand).map((call) => call.args[0].input)).toEqual([
      { TableName: tableName, Key: { pk: "EVT#ORD#1", sk: "#SEQ" }, ConsistentRead: true },
      { TableName: tableName, Key: { pk: "EVT#PROD#1", sk: "#SEQ" }, ConsistentRead: true },
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
          {
            Update: {
              TableName: tableName,
              Key: { pk: "EVT#ORD#1", sk: "#SEQ" },
              UpdateExpression: "SET #n0 = :v0",
              ConditionExpression: "attribute_not_exists(#n1)",
              ExpressionAttributeNames: { "#n0": "seq", "#n1": "pk" },
              ExpressionAttributeValues: { ":v0": 2 },
            },
          },
          newEvent("EVT#ORD#1", 1, event("e1", "ORD#1", { type: "order_placed", correlationId: "corr-1" })),
          newEvent("EVT#ORD#1", 2, event("e3", "ORD#1", { type: "stock_reserved" })),
          {
            Update: {
              TableName: tableName,
              Key: { pk: "EVT#PROD#1", sk: "#SEQ" },
              UpdateExpression: "SET #n0 = :v0",
              ConditionExpression: "#n0 = :v1",
              ExpressionAttributeNames: { "#n0": "seq" },
              ExpressionAttributeValues: { ":v0": 5, ":v1": 4 },
            },
          },
          newEvent("EVT#PROD#1", 5, event("e2", "PROD#1", { type: "stock_changed" })),
        ],
      },
    ]);
  });

  it("writes event items the outbox relay forwards, and a counter item it ignores", async () => {
    const source = event("e1", "ORD#7", { type: "order_placed", correlationId: "corr-7" });
    await newStore().transact([], [source]);
    const items = (transactRequests()[0]?.TransactItems ?? []).flatMap((action) =>
      action.Put ? [action.Put.Item as Record<string, unknown>] : [],
    );
    const counter = { pk: "EVT#ORD#7", sk: "#SEQ", seq: 1 };
    expect(items.map(isOutboxItem)).toEqual([true]);
    expect(isOutboxItem(counter)).toBe(false);
    const forwarded: StoredEvent[] = [];
    const relay = makeOutboxRelay([
      { name: "all", eventTypes: ["order_placed"], send: async (stored) => void forwarded.push(stored) },
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

  it("re-reads the counters and sends again when only the outbox conditions failed", async () => {
    ddb
      .on(GetCommand)
      .resolvesOnce({})
      .resolves({ Item: { pk: "EVT#O#1", sk: "#SEQ", seq: 3 } });
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled("None", "ConditionalCheckFailed", "ConditionalCheckFailed"))
      .resolves({});
    const store = newStore();
    let wakes = 0;
    store.watch(() => wakes++);
    await store.transact([{ op: "put", item: { pk: "O#1", sk: "O" } }], [event("e1", "O#1")]);
    const [first, second] = transactRequests().map((request) => request.TransactItems ?? []);
    expect(first?.[2]?.Put?.Item).toMatchObject({ sk: "0000000000000001", seq: 1 });
    expect(second?.[1]?.Update).toMatchObject({
      ConditionExpression: "#n0 = :v1",
      ExpressionAttributeValues: { ":v0": 4, ":v1": 3 },
    });
    expect(second?.[2]?.Put?.Item).toMatchObject({ sk: "0000000000000004", seq: 4, id: "e1" });
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
    ddb.on(GetCommand).resolves({});
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
    ddb.on(TransactWriteCommand).rejectsOnce(invalid).rejects(cancelled("ValidationError"));
    const store = newStore();
    await expect(store.transact([{ op: "put", item: { pk: "A", sk: "A" } }])).rejects.toBe(invalid);
    await expect(store.transact([{ op: "put", item: { pk: "A", sk: "A" } }])).rejects.toMatchObject({
      name: "TransactionCanceledException",
    });
    expect(transactRequests()).toHaveLength(2);
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
