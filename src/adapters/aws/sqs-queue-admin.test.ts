import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { SqsQueueAdmin } from "./sqs-queue-admin.js";

const sqs = mockClient(SQSClient);
afterEach(() => sqs.reset());

const url = (name: string) => `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}`;
const arn = (name: string) => `arn:aws:sqs:eu-west-1:123456789012:${name}`;
const admin = new SqsQueueAdmin({
  client: new SQSClient({ region: "eu-west-1" }),
  queues: {
    delivery: { queue: url("delivery"), dlq: url("delivery-dlq") },
    "order-pipeline": { queue: url("pipeline"), dlq: url("pipeline-dlq") },
  },
});

const body = (seq: number) =>
  JSON.stringify({
    seq,
    id: `evt_${seq}`,
    type: "delivery_requested",
    key: `ord_${seq}`,
    at: "2026-11-22T10:00:00.000Z",
    data: {},
  });
const message = (seq: number) => ({
  MessageId: `m-${seq}`,
  ReceiptHandle: `rh-${seq}`,
  Body: body(seq),
  Attributes: { SentTimestamp: "1795860000000" },
});

describe("SQS queue admin", () => {
  it("reports each queue's depths and its DLQ's", async () => {
    sqs.on(GetQueueAttributesCommand, { QueueUrl: url("delivery") }).resolves({
      Attributes: {
        ApproximateNumberOfMessages: "4",
        ApproximateNumberOfMessagesNotVisible: "2",
        ApproximateNumberOfMessagesDelayed: "1",
      },
    });
    sqs.on(GetQueueAttributesCommand, { QueueUrl: url("delivery-dlq") }).resolves({
      Attributes: { ApproximateNumberOfMessages: "3" },
    });
    sqs.on(GetQueueAttributesCommand, { QueueUrl: url("pipeline") }).resolves({ Attributes: {} });
    sqs.on(GetQueueAttributesCommand, { QueueUrl: url("pipeline-dlq") }).resolves({ Attributes: {} });
    expect(await admin.depths()).toEqual([
      { subscription: "delivery", ready: 4, inFlight: 2, delayed: 1, deadLetters: 3 },
      { subscription: "order-pipeline", ready: 0, inFlight: 0, delayed: 0, deadLetters: 0 },
    ]);
  });

  it("lists dead letters by peeking: every received message is made visible again", async () => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { RedrivePolicy: '{"maxReceiveCount":5}' } });
    sqs
      .on(ReceiveMessageCommand, { QueueUrl: url("delivery-dlq") })
      .resolvesOnce({ Messages: [message(1), message(2)] })
      .resolves({ Messages: [] });
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
    const letters = await admin.listDeadLetters({ subscription: "delivery" });
    expect(letters.map((l) => [l.subscription, l.event.seq, l.attempts])).toEqual([
      ["delivery", 1, 5],
      ["delivery", 2, 5],
    ]);
    expect(letters[0]?.failedAt).toBe(new Date(1795860000000).toISOString());
    expect(sqs.commandCalls(ChangeMessageVisibilityBatchCommand)[0]?.args[0].input).toEqual({
      QueueUrl: url("delivery-dlq"),
      Entries: [
        { Id: "0", ReceiptHandle: "rh-1", VisibilityTimeout: 0 },
        { Id: "1", ReceiptHandle: "rh-2", VisibilityTimeout: 0 },
      ],
    });
  });

  it("redrives one dead letter: sent back to its queue, deleted from the DLQ, the others released", async () => {
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: [message(1), message(2), message(3)] });
    sqs.on(SendMessageCommand).resolves({ MessageId: "new" });
    sqs.on(DeleteMessageCommand).resolves({});
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({});
    expect(await admin.redrive({ subscription: "delivery", seq: 2 })).toBe(1);
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: url("delivery"),
      MessageBody: body(2),
    });
    expect(sqs.commandCalls(DeleteMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: url("delivery-dlq"),
      ReceiptHandle: "rh-2",
    });
    const released = sqs.commandCalls(ChangeMessageVisibilityBatchCommand)[0]?.args[0].input.Entries ?? [];
    expect(released.map((entry) => entry.ReceiptHandle)).toEqual(["rh-1", "rh-3"]);
  });

  it("redrives a whole DLQ with an SQS message move task", async () => {
    sqs
      .on(GetQueueAttributesCommand, { QueueUrl: url("delivery-dlq"), AttributeNames: ["ApproximateNumberOfMessages"] })
      .resolves({
        Attributes: { ApproximateNumberOfMessages: "7" },
      });
    sqs.on(GetQueueAttributesCommand, { QueueUrl: url("delivery-dlq"), AttributeNames: ["QueueArn"] }).resolves({
      Attributes: { QueueArn: arn("delivery-dlq") },
    });
    sqs.on(GetQueueAttributesCommand, { QueueUrl: url("delivery"), AttributeNames: ["QueueArn"] }).resolves({
      Attributes: { QueueArn: arn("delivery") },
    });
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: "task-1" });
    expect(await admin.redrive({ subscription: "delivery" })).toBe(7);
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0]?.args[0].input).toEqual({
      SourceArn: arn("delivery-dlq"),
      DestinationArn: arn("delivery"),
    });
  });
});
