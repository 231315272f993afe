import { marshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
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

describe("outbox relay (DynamoDB stream → subscriptions)", () => {
  it("forwards newly written events to the subscriptions that take their type and skips other items", async () => {
    const sent: string[] = [];
    const relay = makeOutboxRelay([
      { name: "order-pipeline", eventTypes: ["order_received"], send: async (e) => void sent.push(`pipeline:${e.id}`) },
      {
        name: "delivery-requests",
        eventTypes: ["order_fulfilled"],
        send: async (e) => void sent.push(`delivery:${e.id}`),
      },
    ]);
    const event: DynamoDBStreamEvent = {
      Records: [
        streamRecord("100", outboxItem(1, "order_received")),
        streamRecord("101", { pk: "ORDER#ord_1", sk: "ORDER", status: "pending" }),
        streamRecord("102", outboxItem(2, "order_fulfilled")),
        streamRecord("103", outboxItem(3, "order_received"), "MODIFY"),
      ],
    };
    expect(await relay(event)).toEqual({ batchItemFailures: [] });
    expect(sent).toEqual(["pipeline:evt_1", "delivery:evt_2"]);
  });

  it("reports the first record that could not be sent, so the stream retries from there", async () => {
    const relay = makeOutboxRelay([
      {
        name: "order-pipeline",
        eventTypes: ["order_received"],
        send: async (e) => {
          if (e.id === "evt_2") throw new Error("SQS throttled");
        },
      },
    ]);
    const result = await relay({
      Records: [
        streamRecord("200", outboxItem(1, "order_received")),
        streamRecord("201", outboxItem(2, "order_received")),
        streamRecord("202", outboxItem(3, "order_received")),
      ],
    });
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: "201" }] });
  });
});
