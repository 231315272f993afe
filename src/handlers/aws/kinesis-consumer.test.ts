import type { KinesisStreamEvent, KinesisStreamRecord } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { createJsonLogger } from "../../adapters/local/json-logger.js";
import type { StoredEvent } from "../../domain/shared/event.js";
import type { StreamBatch } from "../../ports/event-stream.js";
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

/** A consumer recording each batch as its shard and record ids, failing when `fails` says so. */
function recording(fails: (batch: StreamBatch) => boolean = () => false) {
  const batches: string[] = [];
  const consumer = {
    handleBatch: async (batch: StreamBatch) => {
      if (fails(batch)) throw new Error("table throttled");
      batches.push(`${batch.shard}: ${batch.records.map((r) => `${r.position}=${r.event.id}`).join(" ")}`);
    },
  };
  return { consumer, batches };
}

describe("Kinesis consumer handler", () => {
  it("hands the consumer the records of a batch as one batch, in order, positioned by sequence number", async () => {
    const { consumer, batches } = recording();
    const handler = makeKinesisHandler(consumer, silent);
    const batch: KinesisStreamEvent = { Records: [record("101", event(1)), record("102", event(2))] };
    expect(await handler(batch)).toEqual({ batchItemFailures: [] });
    expect(batches).toEqual(["shardId-000000000000: 101=evt_1 102=evt_2"]);
  });

  it("reports the batch's first record when the consumer fails, so the stream hands the whole batch again", async () => {
    const { consumer, batches } = recording(() => true);
    const handler = makeKinesisHandler(consumer, silent);
    const batch: KinesisStreamEvent = {
      Records: [record("101", event(1)), record("102", event(2)), record("103", event(3))],
    };
    expect(await handler(batch)).toEqual({ batchItemFailures: [{ itemIdentifier: "101" }] });
    expect(batches).toEqual([]);
  });

  it("handles the records before one that is not an event (poison), then reports that one", async () => {
    const { consumer, batches } = recording();
    const handler = makeKinesisHandler(consumer, silent);
    const batch: KinesisStreamEvent = {
      Records: [record("201", event(1)), record("202", "{not json"), record("203", event(3))],
    };
    expect(await handler(batch)).toEqual({ batchItemFailures: [{ itemIdentifier: "202" }] });
    expect(batches).toEqual(["shardId-000000000000: 201=evt_1"]);
  });
});
