import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recordDeliveryError } from "../../ports/delivery-errors.js";
import { openSqliteDatabase } from "../local/sqlite-database.js";
import { SqliteItemStore } from "../local/sqlite-item-store.js";
import { SqsQueueAdmin } from "./sqs-queue-admin.js";

const sqs = mockClient(SQSClient);
afterEach(() => sqs.reset());

const url = (name: string) => `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}`;
const arn = (name: string) => `arn:aws:sqs:eu-west-1:123456789012:${name}`;
const newAdmin = () =>
  new SqsQueueAdmin({
    client: new SQSClient({ region: "eu-west-1" }),
    queues: {
      delivery: { queue: url("delivery"), dlq: url("delivery-dlq") },
      "order-pipeline": { queue: url("pipeline"), dlq: url("pipeline-dlq") },
    },
  });
let admin = newAdmin();
beforeEach(() => {
  admin = newAdmin();
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
const message = (seq: number): Message => ({
  MessageId: `m-${seq}`,
  ReceiptHandle: `rh-${seq}`,
  MD5OfBody: "0",
  Body: body(seq),
  Attributes: { SentTimestamp: String(Date.parse("2026-11-22T10:00:00.000Z") + seq * 1000) },
  MessageAttributes: {
    type: { DataType: "String", StringValue: "delivery_requested" },
    key: { DataType: "String", StringValue: `ord_${seq}` },
  },
});
const messages = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => message(from + i));

/** A DLQ reporting `waiting` messages; the source queue's redrive policy says maxReceiveCount 5. */
function dlqHolds(name: string, waiting: number) {
  sqs
    .on(GetQueueAttributesCommand, { QueueUrl: url(`${name}-dlq`), AttributeNames: ["ApproximateNumberOfMessages"] })
    .resolves({ Attributes: { ApproximateNumberOfMessages: String(waiting) } });
  sqs.on(GetQueueAttributesCommand, { QueueUrl: url(name), AttributeNames: ["RedrivePolicy"] }).resolves({
    Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn(`${name}-dlq`), maxReceiveCount: 5 }) },
  });
}
const released = () =>
  sqs.commandCalls(ChangeMessageVisibilityBatchCommand).flatMap((call) => call.args[0].input.Entries ?? []);
const commandNames = () => sqs.calls().map((call) => (call.args[0] as object).constructor.name);

describe("SQS queue admin: depths", () => {
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
    const inputs = sqs.commandCalls(GetQueueAttributesCommand).map((call) => call.args[0].input);
    expect(inputs).toContainEqual({
      QueueUrl: url("delivery"),
      AttributeNames: [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
      ],
    });
    expect(inputs).toContainEqual({ QueueUrl: url("delivery-dlq"), AttributeNames: ["ApproximateNumberOfMessages"] });
  });
});

describe("SQS queue admin: listing dead letters", () => {
  it("holds every received message until the scan ends, then makes them all visible again", async () => {
    dlqHolds("delivery", 12);
    sqs
      .on(ReceiveMessageCommand, { QueueUrl: url("delivery-dlq") })
      .resolvesOnce({ Messages: messages(1, 10) })
      .resolvesOnce({ Messages: messages(11, 12) });
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
    const letters = await admin.listDeadLetters({ subscription: "delivery" });

    expect(letters.map((letter) => letter.event.seq)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(letters[0]).toEqual({
      subscription: "delivery",
      event: JSON.parse(body(12)),
      attempts: 5,
      error: "No error was recorded: see the delivery consumer's logs for message m-12",
      failedAt: "2026-11-22T10:00:12.000Z",
    });
    const receives = sqs.commandCalls(ReceiveMessageCommand).map((call) => call.args[0].input);
    expect(receives[0]).toEqual({
      QueueUrl: url("delivery-dlq"),
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 30,
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ["SentTimestamp"],
      MessageAttributeNames: ["All"],
    });
    expect(receives[1]?.MaxNumberOfMessages).toBe(2);
    // Released only after the last receive, in batches of at most ten.
    expect(commandNames().slice(-4)).toEqual([
      "ReceiveMessageCommand",
      "ReceiveMessageCommand",
      "ChangeMessageVisibilityBatchCommand",
      "ChangeMessageVisibilityBatchCommand",
    ]);
    expect(sqs.commandCalls(ChangeMessageVisibilityBatchCommand)[0]?.args[0].input).toEqual({
      QueueUrl: url("delivery-dlq"),
      Entries: messages(1, 10).map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 })),
    });
    expect(released().map((entry) => entry.ReceiptHandle)).toEqual(messages(1, 12).map((m) => m.ReceiptHandle));
  });

  it("stops when SQS returns nothing new (a stale count, a duplicate delivery) and never lists one twice", async () => {
    dlqHolds("delivery", 5);
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message(1), message(2)] })
      .resolvesOnce({ Messages: [message(2)] });
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({});
    const letters = await admin.listDeadLetters({ subscription: "delivery" });
    expect(letters.map((letter) => letter.event.seq)).toEqual([2, 1]);
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(2);
    expect(released().map((entry) => entry.ReceiptHandle)).toEqual(["rh-1", "rh-2"]);
  });

  it("reports the error and attempt count the consumer recorded for a dead letter, where it recorded one", async () => {
    const store = new SqliteItemStore(openSqliteDatabase(":memory:"));
    const clock = { now: () => new Date("2026-11-22T11:00:00Z") };
    await recordDeliveryError({ store, clock }, "delivery", "evt_2", {
      error: "Error: partner answered 503",
      attempts: 5,
    });
    await recordDeliveryError({ store, clock }, "order-pipeline", "evt_1", {
      error: "Error: another queue's",
      attempts: 1,
    });
    const withErrors = new SqsQueueAdmin({
      client: new SQSClient({ region: "eu-west-1" }),
      queues: { delivery: { queue: url("delivery"), dlq: url("delivery-dlq") } },
      errors: store,
    });
    dlqHolds("delivery", 2);
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: messages(1, 2) });
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({});
    const [second, first] = await withErrors.listDeadLetters({ subscription: "delivery" });
    expect(second).toMatchObject({
      error: "Error: partner answered 503",
      attempts: 5,
      failedAt: "2026-11-22T11:00:00.000Z",
    });
    expect(first).toMatchObject({
      error: "No error was recorded: see the delivery consumer's logs for message m-1",
      attempts: 5,
    });
  });

  it("lists across subscriptions up to the limit, and does not receive from an empty DLQ", async () => {
    dlqHolds("delivery", 0);
    dlqHolds("pipeline", 4);
    sqs.on(ReceiveMessageCommand, { QueueUrl: url("pipeline-dlq") }).resolves({ Messages: messages(1, 3) });
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({});
    const letters = await admin.listDeadLetters({ limit: 3 });
    expect(letters.map((letter) => [letter.subscription, letter.event.seq])).toEqual([
      ["order-pipeline", 3],
      ["order-pipeline", 2],
      ["order-pipeline", 1],
    ]);
    expect(sqs.commandCalls(ReceiveMessageCommand).map((call) => call.args[0].input)).toEqual([
      expect.objectContaining({ QueueUrl: url("pipeline-dlq"), MaxNumberOfMessages: 3 }),
    ]);
    expect(await admin.listDeadLetters({ subscription: "no-such-subscription" })).toEqual([]);
  });

  it("releases what it holds when a message cannot be read", async () => {
    dlqHolds("delivery", 3);
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: [message(1), { ...message(2), Body: "not json" }] });
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({});
    await expect(admin.listDeadLetters({ subscription: "delivery" })).rejects.toThrow(SyntaxError);
    expect(released().map((entry) => entry.ReceiptHandle)).toEqual(["rh-1", "rh-2"]);
  });
});

describe("SQS queue admin: redrive", () => {
  it("moves one dead letter back: sent to its queue with its attributes, deleted from the DLQ, the rest released", async () => {
    dlqHolds("delivery", 13);
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: messages(1, 10) })
      .resolvesOnce({ Messages: messages(11, 13) });
    sqs.on(SendMessageCommand).resolves({ MessageId: "new-message-id" });
    sqs.on(DeleteMessageCommand).resolves({});
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({});
    expect(await admin.redrive({ subscription: "delivery", eventId: "evt_12" })).toBe(1);
    expect(sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input)).toEqual([
      { QueueUrl: url("delivery"), MessageBody: body(12), MessageAttributes: message(12).MessageAttributes },
    ]);
    expect(sqs.commandCalls(DeleteMessageCommand).map((call) => call.args[0].input)).toEqual([
      { QueueUrl: url("delivery-dlq"), ReceiptHandle: "rh-12" },
    ]);
    expect(released().map((entry) => entry.ReceiptHandle)).toEqual(
      [...messages(1, 11), message(13)].map((m) => m.ReceiptHandle),
    );
  });

  it("looks for an event in every subscription when none is named, never moving a whole DLQ", async () => {
    dlqHolds("delivery", 1);
    dlqHolds("pipeline", 1);
    sqs.on(ReceiveMessageCommand, { QueueUrl: url("delivery-dlq") }).resolves({ Messages: [message(4)] });
    sqs.on(ReceiveMessageCommand, { QueueUrl: url("pipeline-dlq") }).resolves({ Messages: [message(7)] });
    sqs.on(SendMessageCommand).resolves({ MessageId: "new-message-id" });
    sqs.on(DeleteMessageCommand).resolves({});
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({});
    expect(await admin.redrive({ eventId: "evt_7" })).toBe(1);
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.QueueUrl).toBe(url("pipeline"));
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
    expect(await admin.redrive({ subscription: "delivery", eventId: "evt_99" })).toBe(0);
  });

  it("moves whole DLQs with SQS message move tasks, skipping empty ones", async () => {
    dlqHolds("delivery", 7);
    dlqHolds("pipeline", 0);
    sqs.on(GetQueueAttributesCommand, { QueueUrl: url("delivery-dlq"), AttributeNames: ["QueueArn"] }).resolves({
      Attributes: { QueueArn: arn("delivery-dlq") },
    });
    sqs.on(GetQueueAttributesCommand, { QueueUrl: url("delivery"), AttributeNames: ["QueueArn"] }).resolves({
      Attributes: { QueueArn: arn("delivery") },
    });
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: "eyJ0YXNrSWQiOiJkYzE2" });
    expect(await admin.redrive()).toBe(7);
    expect(await admin.redrive({ subscription: "delivery" })).toBe(7);
    expect(sqs.commandCalls(StartMessageMoveTaskCommand).map((call) => call.args[0].input)).toEqual([
      { SourceArn: arn("delivery-dlq"), DestinationArn: arn("delivery") },
      { SourceArn: arn("delivery-dlq"), DestinationArn: arn("delivery") },
    ]);
    // ARNs are asked once per queue.
    const arnLookups = sqs
      .commandCalls(GetQueueAttributesCommand)
      .filter((call) => call.args[0].input.AttributeNames?.includes("QueueArn"));
    expect(arnLookups).toHaveLength(2);
  });

  it("asks for a queue's ARN again after a failed lookup", async () => {
    dlqHolds("delivery", 2);
    sqs
      .on(GetQueueAttributesCommand, { QueueUrl: url("delivery-dlq"), AttributeNames: ["QueueArn"] })
      .rejectsOnce(
        new QueueDoesNotExist({ message: "The specified queue does not exist.", $metadata: { httpStatusCode: 400 } }),
      )
      .resolves({ Attributes: { QueueArn: arn("delivery-dlq") } });
    sqs.on(GetQueueAttributesCommand, { QueueUrl: url("delivery"), AttributeNames: ["QueueArn"] }).resolves({
      Attributes: { QueueArn: arn("delivery") },
    });
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: "h" });
    await expect(admin.redrive({ subscription: "delivery" })).rejects.toThrow("The specified queue does not exist.");
    expect(await admin.redrive({ subscription: "delivery" })).toBe(2);
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(1);
  });
});
