import { QueueDoesNotExist, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import type { StoredEvent } from "../../domain/shared/event.js";
import { sqsRelayTarget } from "./sqs-relay-target.js";

const sqs = mockClient(SQSClient);
afterEach(() => sqs.reset());

const QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/orderflow-delivery";
const event: StoredEvent = {
  seq: 3,
  id: "evt_3",
  type: "order_fulfilled",
  key: "ord_9",
  at: "2026-11-22T10:00:00.000Z",
  data: { orderId: "ord_9" },
  correlationId: "req_1",
};
const target = sqsRelayTarget({
  client: new SQSClient({ region: "eu-west-1" }),
  name: "delivery",
  queueUrl: QUEUE_URL,
  eventTypes: ["order_fulfilled"],
});

describe("SQS relay target", () => {
  it("sends an event to its queue as the message body, with its type and key as attributes", async () => {
    sqs.on(SendMessageCommand).resolves({
      MessageId: "5f3c1c4e-0d5c-4d7b-9c1d-3c9e7c2b1a01",
      MD5OfMessageBody: "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    });
    await target.send(event);
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: QUEUE_URL,
      MessageBody: JSON.stringify(event),
      MessageAttributes: {
        type: { DataType: "String", StringValue: "order_fulfilled" },
        key: { DataType: "String", StringValue: "ord_9" },
      },
    });
    expect(target).toMatchObject({ name: "delivery", eventTypes: ["order_fulfilled"] });
  });

  it("fails when SQS refuses the message, so the relay retries the stream record", async () => {
    sqs
      .on(SendMessageCommand)
      .rejects(
        new QueueDoesNotExist({ message: "The specified queue does not exist.", $metadata: { httpStatusCode: 400 } }),
      );
    await expect(target.send(event)).rejects.toThrow("The specified queue does not exist.");
  });
});
