import type { SQSEvent, SQSRecord } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { createJsonLogger } from "../../adapters/local/json-logger.js";
import { openSqliteDatabase } from "../../adapters/local/sqlite-database.js";
import { SqliteItemStore } from "../../adapters/local/sqlite-item-store.js";
import type { StoredEvent } from "../../domain/shared/event.js";
import { readDeliveryError } from "../../ports/delivery-errors.js";
import { makeSqsHandler } from "./sqs-consumer.js";

function record(messageId: string, event: StoredEvent | string, receiveCount = 1): SQSRecord {
  return {
    messageId,
    receiptHandle: `AQEB${messageId}`,
    body: typeof event === "string" ? event : JSON.stringify(event),
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: "1767225600000",
      SenderId: "AIDAEXAMPLE",
      ApproximateFirstReceiveTimestamp: "1767225600001",
    },
    messageAttributes: {},
    md5OfBody: "0",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:eu-west-1:123456789012:orderflow-delivery",
    awsRegion: "eu-west-1",
  };
}

const event = (n: number): StoredEvent => ({
  seq: n,
  id: `evt_${n}`,
  type: "order_fulfilled",
  key: `ord_${n}`,
  at: "2026-01-01T00:00:00.000Z",
  data: {},
});

describe("SQS consumer handler", () => {
  it("reports only the poison message as a batch item failure", async () => {
    const handled: string[] = [];
    const handler = makeSqsHandler(
      {
        handle: async (e) => {
          if (e.key === "ord_2") throw new Error("webhook answered HTTP 500");
          handled.push(e.id);
        },
      },
      createJsonLogger({ level: "silent" }),
    );
    const batch: SQSEvent = {
      Records: [record("m1", event(1)), record("m2", event(2)), record("m3", event(3)), record("m4", "not json")],
    };
    expect(await handler(batch)).toEqual({ batchItemFailures: [{ itemIdentifier: "m2" }, { itemIdentifier: "m4" }] });
    expect(handled).toEqual(["evt_1", "evt_3"]);
  });

  it("records each failure's error and attempt count for the dead-letter view, the latest one winning", async () => {
    const store = new SqliteItemStore(openSqliteDatabase(":memory:"));
    const clock = { now: () => new Date("2026-12-02T16:00:00Z") };
    let calls = 0;
    const handler = makeSqsHandler(
      {
        handle: async () => {
          calls++;
          throw new TypeError(`partner answered HTTP 50${calls}`);
        },
      },
      createJsonLogger({ level: "silent" }),
      { subscription: "delivery", store, clock },
    );
    await handler({ Records: [record("m2", event(2), 1)] });
    await handler({ Records: [record("m2", event(2), 2)] });
    expect(await readDeliveryError(store, "delivery", "evt_2")).toEqual({
      error: "TypeError: partner answered HTTP 502",
      attempts: 2,
      failedAt: "2026-12-02T16:00:00.000Z",
    });
    expect(await readDeliveryError(store, "customer-service", "evt_2")).toBeUndefined();
  });

  it("still reports the failure when its record cannot be written", async () => {
    const store = new SqliteItemStore(openSqliteDatabase(":memory:"));
    const broken = Object.assign(Object.create(store), {
      put: async () => {
        throw new Error("table unavailable");
      },
    }) as typeof store;
    const handler = makeSqsHandler(
      {
        handle: async () => {
          throw new Error("boom");
        },
      },
      createJsonLogger({ level: "silent" }),
      { subscription: "delivery", store: broken, clock: { now: () => new Date() } },
    );
    expect(await handler({ Records: [record("m1", event(1))] })).toEqual({
      batchItemFailures: [{ itemIdentifier: "m1" }],
    });
  });
});
