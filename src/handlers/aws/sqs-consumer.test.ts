import type { SQSEvent, SQSRecord } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { createJsonLogger } from "../../adapters/local/json-logger.js";
import type { StoredEvent } from "../../domain/shared/event.js";
import { makeSqsHandler } from "./sqs-consumer.js";

function record(messageId: string, event: StoredEvent | string): SQSRecord {
  return {
    messageId,
    receiptHandle: `AQEB${messageId}`,
    body: typeof event === "string" ? event : JSON.stringify(event),
    attributes: {
      ApproximateReceiveCount: "1",
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
});
