import { QueueDoesNotExist, SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import type { StoredEvent } from "../../domain/shared/event.js";
import { sqsRelayTarget } from "./sqs-relay-target.js";

const sqs = mockClient(SQSClient);
afterEach(() => sqs.reset());

const QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/orderflow-delivery";
const eventNumber = (n: number, data: Record<string, unknown> = { orderId: `ord_${n}` }): StoredEvent => ({
  seq: n,
  id: `evt_${n}`,
  type: "order_fulfilled",
  key: `ord_${n}`,
  at: "2026-11-22T10:00:00.000Z",
  data,
  correlationId: `req_${n}`,
});
const events = (count: number) => Array.from({ length: count }, (_, i) => eventNumber(i + 1));
const target = sqsRelayTarget({
  client: new SQSClient({ region: "eu-west-1" }),
  name: "delivery",
  queueUrl: QUEUE_URL,
  eventTypes: ["order_fulfilled"],
});
const sentBatches = () => sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input);

describe("SQS relay target", () => {
  it("sends each event as a message whose body is the stored event, with its type and key as attributes", async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const event = eventNumber(9);
    expect(await target.sendAll([event])).toEqual(new Set());
    expect(sentBatches()).toEqual([
      {
        QueueUrl: QUEUE_URL,
        Entries: [
          {
            Id: "0",
            MessageBody: JSON.stringify(event),
            MessageAttributes: {
              type: { DataType: "String", StringValue: "order_fulfilled" },
              key: { DataType: "String", StringValue: "ord_9" },
            },
          },
        ],
      },
    ]);
    expect(target).toMatchObject({ name: "delivery", eventTypes: ["order_fulfilled"] });
  });

  it("sends 23 events in batches of 10, 10 and 3, in order", async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    expect(await target.sendAll(events(23))).toEqual(new Set());
    const bodies = sentBatches().map((batch) =>
      batch.Entries?.map((entry) => JSON.parse(String(entry.MessageBody)).id),
    );
    expect(bodies.map((batch) => batch?.length)).toEqual([10, 10, 3]);
    expect(bodies.flat()).toEqual(events(23).map((event) => event.id));
  });

  it("starts a new batch before the messages would pass 256 KiB", async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const large = Array.from({ length: 5 }, (_, i) => eventNumber(i + 1, { note: "x".repeat(100 * 1024) }));
    await target.sendAll(large);
    expect(sentBatches().map((batch) => batch.Entries?.length)).toEqual([2, 2, 1]);
  });

  it("reports the events SQS refused in a batch, and all of a batch whose request failed", async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({
        Successful: [],
        Failed: [{ Id: "4", SenderFault: false, Code: "InternalError", Message: "try again" }],
      })
      .rejectsOnce(
        new QueueDoesNotExist({ message: "The specified queue does not exist.", $metadata: { httpStatusCode: 400 } }),
      );
    const unsent = await target.sendAll(events(12));
    expect([...unsent].sort()).toEqual(["evt_11", "evt_12", "evt_5"]);
  });
});
