import { marshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
import type { StoredEvent } from "../../domain/shared/event.js";
import type { RelayTarget } from "../../ports/event-relay.js";
import { makeOutboxRelay } from "./outbox-relay.js";

function streamRecord(
  sequence: string,
  image: Record<string, unknown>,
  eventName: "INSERT" | "MODIFY" = "INSERT",
): DynamoDBRecord {
  return {
    eventID: `e-${sequence}`,
    eventName,
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: "eu-west-1",
    dynamodb: {
      ApproximateCreationDateTime: 1767225600,
      Keys: marshall({ pk: image.pk, sk: image.sk }) as never,
      NewImage: marshall(image, { removeUndefinedValues: true }) as never,
      SequenceNumber: sequence,
      SizeBytes: 200,
      StreamViewType: "NEW_IMAGE",
    },
    eventSourceARN: "arn:aws:dynamodb:eu-west-1:123456789012:table/orderflow/stream/2026-01-01T00:00:00.000",
  };
}

const outboxItem = (n: number, type: string) => ({
  pk: `EVT#ord_${n}`,
  sk: String(n).padStart(10, "0"),
  seq: n,
  id: `evt_${n}`,
  type,
  key: `ord_${n}`,
  at: "2026-01-01T00:00:00.000Z",
  data: { n },
});

/** A target that records each sendAll call's event ids and fails the ids in `unsent` (or the whole call). */
function recordingTarget(name: string, eventTypes: string[], unsent: string[] | "all" = []) {
  const calls: string[][] = [];
  const target: RelayTarget = {
    name,
    eventTypes,
    sendAll: async (events) => {
      calls.push(events.map((e) => e.id));
      if (unsent === "all") throw new Error("SQS unavailable");
      return new Set(events.map((e) => e.id).filter((id) => unsent.includes(id)));
    },
  };
  return { target, calls };
}

describe("outbox relay (DynamoDB stream → subscriptions)", () => {
  it("forwards newly written events to the subscriptions that take their type, in one call per target, and skips other items", async () => {
    const pipeline = recordingTarget("order-pipeline", ["order_received"]);
    const delivery = recordingTarget("delivery-requests", ["order_fulfilled"]);
    const idle = recordingTarget("auction-closer", ["auction_ended"]);
    const relay = makeOutboxRelay([pipeline.target, delivery.target, idle.target]);
    const event: DynamoDBStreamEvent = {
      Records: [
        streamRecord("100", outboxItem(1, "order_received")),
        streamRecord("101", { pk: "ORDER#ord_1", sk: "ORDER", status: "pending" }),
        streamRecord("102", outboxItem(2, "order_fulfilled")),
        streamRecord("103", outboxItem(3, "order_received"), "MODIFY"),
        streamRecord("104", outboxItem(4, "order_received")),
      ],
    };
    expect(await relay(event)).toEqual({ batchItemFailures: [] });
    expect(pipeline.calls).toEqual([["evt_1", "evt_4"]]);
    expect(delivery.calls).toEqual([["evt_2"]]);
    expect(idle.calls).toEqual([]);
  });

  it("hands targets the events as stored, with their correlation id", async () => {
    const received: StoredEvent[] = [];
    const relay = makeOutboxRelay([
      {
        name: "order-pipeline",
        eventTypes: ["order_received"],
        sendAll: async (events) => {
          received.push(...events);
          return new Set();
        },
      },
    ]);
    await relay({ Records: [streamRecord("1", { ...outboxItem(5, "order_received"), correlationId: "req_5" })] });
    expect(received).toEqual([
      {
        seq: 5,
        id: "evt_5",
        type: "order_received",
        key: "ord_5",
        at: "2026-01-01T00:00:00.000Z",
        data: { n: 5 },
        correlationId: "req_5",
      },
    ]);
  });

  it("reports the earliest record holding an unsent event of any target, so the stream retries from there", async () => {
    const pipeline = recordingTarget("order-pipeline", ["order_received"], ["evt_3"]);
    const delivery = recordingTarget("delivery-requests", ["order_fulfilled"], ["evt_2"]);
    const relay = makeOutboxRelay([pipeline.target, delivery.target]);
    const result = await relay({
      Records: [
        streamRecord("200", outboxItem(1, "order_received")),
        streamRecord("201", outboxItem(2, "order_fulfilled")),
        streamRecord("202", outboxItem(3, "order_received")),
        streamRecord("203", outboxItem(4, "order_received")),
      ],
    });
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: "201" }] });
  });

  it("counts every event of a target whose call failed as unsent", async () => {
    const pipeline = recordingTarget("order-pipeline", ["order_received"]);
    const delivery = recordingTarget("delivery-requests", ["order_fulfilled"], "all");
    const relay = makeOutboxRelay([pipeline.target, delivery.target]);
    const result = await relay({
      Records: [
        streamRecord("300", outboxItem(1, "order_received")),
        streamRecord("301", outboxItem(2, "order_received")),
        streamRecord("302", outboxItem(3, "order_fulfilled")),
      ],
    });
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: "302" }] });
    expect(pipeline.calls).toEqual([["evt_1", "evt_2"]]);
  });
});
