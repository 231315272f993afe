import type { KinesisStreamEvent, KinesisStreamRecord } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { createJsonLogger } from "../../adapters/local/json-logger.js";
import type { StoredEvent } from "../../domain/shared/event.js";
import { makeKinesisHandler } from "./kinesis-consumer.js";

function record(sequenceNumber: string, data: StoredEvent | string): KinesisStreamRecord {
  const text = typeof data === "string" ? data : JSON.stringify(data);
  return {
    kinesis: {
      kinesisSchemaVersion: "1.0",
      partitionKey: typeof data === "string" ? "bad" : data.key,
      sequenceNumber,
      data: Buffer.from(text).toString("base64"),
      approximateArrivalTimestamp: 1767225600.123,
    },
    eventSource: "aws:kinesis",
    eventVersion: "1.0",
    eventID: `shardId-000000000000:${sequenceNumber}`,
    eventName: "aws:kinesis:record",
    invokeIdentityArn: "arn:aws:iam::123456789012:role/OrderEventsFunctionRole",
    awsRegion: "eu-west-1",
    eventSourceARN: "arn:aws:kinesis:eu-west-1:123456789012:stream/orderflow-order-events",
  };
}

const event = (n: number): StoredEvent => ({
  seq: n,
  id: `evt_${n}`,
  type: "order_received",
  key: `ord_${n}`,
  at: "2026-01-01T00:00:00.000Z",
  data: {},
});

const silent = createJsonLogger({ level: "silent" });

describe("Kinesis consumer handler", () => {
  it("handles every record of a batch in order", async () => {
    const handled: string[] = [];
    const handler = makeKinesisHandler({ handle: async (e) => void handled.push(e.id) }, silent);
    const batch: KinesisStreamEvent = { Records: [record("101", event(1)), record("102", event(2))] };
    expect(await handler(batch)).toEqual({ batchItemFailures: [] });
    expect(handled).toEqual(["evt_1", "evt_2"]);
  });

  it("stops at the first failing record and reports it, so the stream retries from there in order", async () => {
    const handled: string[] = [];
    const handler = makeKinesisHandler(
      {
        handle: async (e) => {
          if (e.id === "evt_2") throw new Error("table throttled");
          handled.push(e.id);
        },
      },
      silent,
    );
    const batch: KinesisStreamEvent = {
      Records: [record("101", event(1)), record("102", event(2)), record("103", event(3))],
    };
    expect(await handler(batch)).toEqual({ batchItemFailures: [{ itemIdentifier: "102" }] });
    expect(handled).toEqual(["evt_1"]);
  });

  it("reports a record that is not an event (poison) instead of throwing the whole batch away", async () => {
    const handler = makeKinesisHandler({ handle: async () => {} }, silent);
    const batch: KinesisStreamEvent = { Records: [record("201", event(1)), record("202", "{not json")] };
    expect(await handler(batch)).toEqual({ batchItemFailures: [{ itemIdentifier: "202" }] });
  });
});
