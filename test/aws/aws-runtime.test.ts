import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { CreateScheduleCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { marshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBStreamEvent, SQSEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ORDER_EVENTS_BATCH, QUEUE_NAMES } from "../../infra/lib/names.js";
import { EventBridgeScheduler } from "../../src/adapters/aws/eventbridge-scheduler.js";
import { CLOSE_DUE, SWEEP_DUE } from "../../src/application/auctions/auction-schedule.js";
import { guest } from "../../src/domain/shared/actor.js";
import { makeOutboxRelay } from "../../src/handlers/aws/outbox-relay.js";
import { makeSqsHandler } from "../../src/handlers/aws/sqs-consumer.js";
import { makeWorkflowTaskHandler } from "../../src/handlers/aws/workflow-task.js";
import { ORDER_EVENTS_STREAM, QUEUE_EVENT_TYPES } from "../../src/handlers/consumers/event-routes.js";
import { loadAwsConfig } from "../../src/runtime/aws/config.js";
import { relayTargets } from "../../src/runtime/aws/relay-targets.js";
import { unconfigured } from "../../src/runtime/aws/unconfigured.js";
import { composeLocalRuntime, type LocalRuntime } from "../../src/runtime/local/compose.js";
import { loadConfig } from "../../src/runtime/local/config.js";
import { orderBody } from "../support/test-server.js";

/*
 * How the AWS runtime's parts fit together, with the application composed on local adapters (the AWS
 * adapters have their own tests): the consumer list matches the CDK app's queues, the relay sends each
 * outbox item where the consumers want it, a Scheduler message is an event its SQS consumer takes, and
 * a Task Lambda runs a pipeline step from a Step Functions task input.
 */
describe("AWS runtime wiring", () => {
  let runtime: LocalRuntime;
  let now = Date.now();
  const clock = { now: () => new Date(now) };
  const queueUrl = (name: string) => `https://sqs.eu-west-1.amazonaws.com/123456789012/orderflow-${name}`;

  beforeAll(async () => {
    runtime = composeLocalRuntime(
      loadConfig({
        DATA_DIR: mkdtempSync(join(tmpdir(), "orderflow-aws-wiring-")),
        LOG_LEVEL: "silent",
        DISPATCH_ENABLED: "false",
      }),
      { clock },
    );
    await runtime.start();
  });
  afterAll(() => runtime.stop());

  /** An open auction of the demo seller's, ending a minute from the test clock's now. */
  async function auctionEndingInAMinute(title: string) {
    const { token } = await runtime.useCases.signIn({ email: "seller@orderflow.local", password: "orderflow-demo" });
    const seller = await runtime.tokens.verify(token);
    return runtime.useCases.createAuction(
      {
        title,
        description: `${title}, closed by a timer`,
        currency: "EUR",
        startingPrice: 1000,
        startsAt: new Date(now - 60_000).toISOString(),
        endsAt: new Date(now + 60_000).toISOString(),
      },
      { userId: seller.sub, email: seller.email, roles: seller.roles },
    );
  }

  it("reads a function's settings from its environment and names every bad one", () => {
    const config = loadAwsConfig({
      TABLE_NAME: "orderflow",
      QUEUE_NAME: "delivery",
      WEBHOOK_URL: "",
      CHANNEL_EMAIL: "courier@example.com",
      STATE_MACHINE_ARNS: JSON.stringify({ "order-pipeline": "arn:aws:states:eu-west-1:1:stateMachine:p" }),
      PUBLIC_URL: "https://d111111abcdef8.cloudfront.net/",
    });
    expect(config.channel).toEqual({ url: undefined, secretArn: undefined, email: "courier@example.com" });
    expect(config.stateMachineArns).toEqual({ "order-pipeline": "arn:aws:states:eu-west-1:1:stateMachine:p" });
    expect(config.shop.publicUrl).toBe("https://d111111abcdef8.cloudfront.net");
    expect(config.schedules).toBeUndefined();
    expect(() => loadAwsConfig({ STATE_MACHINE_ARNS: "{", CHANNEL_EMAIL: "nope" })).toThrow(
      /TABLE_NAME[\s\S]*STATE_MACHINE_ARNS: must be JSON[\s\S]*CHANNEL_EMAIL/,
    );
  });

  it("fails loudly when a function uses an adapter it has no settings for", async () => {
    const scheduler = unconfigured<{ schedule(): Promise<void> }>("The scheduler", "SCHEDULE_GROUP");
    expect(() => scheduler.schedule()).toThrow(
      "The scheduler is not configured for this function (it needs SCHEDULE_GROUP)",
    );
    // Not a thenable, so awaiting it does not call anything.
    expect(await Promise.resolve(scheduler)).toBe(scheduler);
  });

  it("has one consumer per queue of the CDK app, with the same names, each taking the events the relay routes to it", () => {
    const consumers = runtime.application.consumers(unconfigured("workflows", "STATE_MACHINE_ARNS"));
    expect(consumers.map((c) => c.name).sort()).toEqual([...QUEUE_NAMES].sort());
    expect(Object.keys(QUEUE_EVENT_TYPES).sort()).toEqual([...QUEUE_NAMES].sort());
    for (const consumer of consumers) {
      expect(consumer.eventTypes).toEqual(QUEUE_EVENT_TYPES[consumer.name as keyof typeof QUEUE_EVENT_TYPES]);
    }
    expect(runtime.application.orderEvents.eventTypes).toEqual(ORDER_EVENTS_STREAM.eventTypes);
    // The CDK app's Kinesis event source batches as the local outbox reader does.
    expect(ORDER_EVENTS_BATCH).toEqual({
      size: ORDER_EVENTS_STREAM.batchSize,
      windowSeconds: ORDER_EVENTS_STREAM.batchWindowMs / 1000,
    });
  });

  it("relays an outbox item from the table's stream to the queues of the consumers that take it and to the order stream", async () => {
    const sqs = mockClient(SQSClient);
    const kinesis = mockClient(KinesisClient);
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    kinesis
      .on(PutRecordsCommand)
      .resolves({ FailedRecordCount: 0, Records: [{ SequenceNumber: "1", ShardId: "shardId-000000000000" }] });
    const relay = makeOutboxRelay(
      relayTargets({
        queueUrls: Object.fromEntries(QUEUE_NAMES.map((name) => [name, queueUrl(name)])),
        orderEventsStream: "orderflow-order-events",
        sqs: new SQSClient({ region: "eu-west-1" }),
        kinesis: new KinesisClient({ region: "eu-west-1" }),
      }),
    );
    const item = {
      pk: "EVT#ord_7",
      sk: "0000000000000001",
      seq: 1,
      id: "evt_1",
      type: "order_received",
      key: "ord_7",
      at: "2026-11-22T10:00:00.000Z",
      data: { orderId: "ord_7" },
    };
    const stream: DynamoDBStreamEvent = {
      Records: [
        {
          eventID: "1",
          eventName: "INSERT",
          eventVersion: "1.1",
          eventSource: "aws:dynamodb",
          awsRegion: "eu-west-1",
          dynamodb: {
            ApproximateCreationDateTime: 1795000000,
            Keys: marshall({ pk: item.pk, sk: item.sk }) as never,
            NewImage: marshall(item) as never,
            SequenceNumber: "100",
            SizeBytes: 180,
            StreamViewType: "NEW_IMAGE",
          },
          eventSourceARN: "arn:aws:dynamodb:eu-west-1:123456789012:table/orderflow/stream/2026-11-22T00:00:00.000",
        },
      ],
    };
    expect(await relay(stream)).toEqual({ batchItemFailures: [] });
    const sentTo = sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input.QueueUrl);
    expect(sentTo).toEqual([queueUrl("order-pipeline")]);
    const [message] = sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries ?? [];
    expect(JSON.parse(String(message?.MessageBody))).toMatchObject({
      id: "evt_1",
      type: "order_received",
      seq: 1,
    });
    const put = kinesis.commandCalls(PutRecordsCommand)[0]?.args[0].input;
    expect(put).toMatchObject({ StreamName: "orderflow-order-events", Records: [{ PartitionKey: "ord_7" }] });
    sqs.restore();
    kinesis.restore();
  });

  it("turns a scheduled auction close into an SQS message its consumer acts on", async () => {
    const auction = await auctionEndingInAMinute("Wiring cake");
    const scheduler = mockClient(SchedulerClient);
    scheduler
      .on(CreateScheduleCommand)
      .resolves({ ScheduleArn: "arn:aws:scheduler:eu-west-1:123456789012:schedule/g/x" });
    const timers = new EventBridgeScheduler({
      client: new SchedulerClient({ region: "eu-west-1" }),
      groupName: "orderflow-auctions",
      roleArn: "arn:aws:iam::123456789012:role/SchedulerRole",
      queueFor: () => ({
        arn: "arn:aws:sqs:eu-west-1:123456789012:orderflow-auction-closer",
        deadLetterArn: "arn:aws:sqs:eu-west-1:123456789012:orderflow-auction-closer-dlq",
      }),
      clock,
    });
    await timers.schedule(`close-${auction.id}`, new Date(now + 60_000), { type: CLOSE_DUE, key: auction.id });
    const input = scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input;
    expect(input?.Target?.Arn).toBe("arn:aws:sqs:eu-west-1:123456789012:orderflow-auction-closer");
    scheduler.restore();

    // A minute later the schedule fires; EventBridge Scheduler delivers the target Input as the message body.
    now += 61_000;
    const closer = runtime.application
      .consumers(unconfigured("workflows", "STATE_MACHINE_ARNS"))
      .find((c) => c.name === "auction-closer");
    const batch: SQSEvent = {
      Records: [
        {
          messageId: "5f3c1c4e-0d5c-4d7b-9c1d-3c9e7c2b1a01",
          receiptHandle: "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
          body: String(input?.Target?.Input),
          attributes: {
            ApproximateReceiveCount: "1",
            SentTimestamp: String(now),
            SenderId: "AROAEXAMPLE:scheduler",
            ApproximateFirstReceiveTimestamp: String(now),
          },
          messageAttributes: {},
          md5OfBody: "0",
          eventSource: "aws:sqs",
          eventSourceARN: "arn:aws:sqs:eu-west-1:123456789012:orderflow-auction-closer",
          awsRegion: "eu-west-1",
        },
      ],
    };
    const handler = makeSqsHandler(closer!, runtime.logger);
    expect(await handler(batch)).toEqual({ batchItemFailures: [] });
    // The timer's event is the close: the auction (ended by then) is closed by the consumer.
    expect((await runtime.useCases.getAuction(auction.id, guest)).status).not.toBe("active");
  });

  it("closes, on the recurring sweep message, an auction whose close timer never fired", async () => {
    const auction = await auctionEndingInAMinute("Forgotten cake");
    now += 120_000;
    const closer = runtime.application
      .consumers(unconfigured("workflows", "STATE_MACHINE_ARNS"))
      .find((c) => c.name === "auction-closer");
    // The schedule's Input (infra/lib/stateless-stack.ts), as EventBridge Scheduler delivers it.
    const sweep = {
      seq: 0,
      id: "auction-sweep",
      type: SWEEP_DUE,
      key: "auctions",
      at: "1970-01-01T00:00:00.000Z",
      data: {},
    };
    await closer!.handle(sweep);
    expect((await runtime.useCases.getAuction(auction.id, guest)).status).not.toBe("active");
  });

  it("runs a pipeline step from a Step Functions task input", async () => {
    const { id: orderId } = await runtime.useCases.placeOrder(orderBody() as never, guest);
    const checkOrder = makeWorkflowTaskHandler(runtime.application.workflowTasks["order-pipeline"]!, "CheckOrder");
    // The execution input the pipeline consumer starts with ({ orderId }) reaches the first Task as is.
    expect(await checkOrder({ orderId })).toEqual({ orderId, stage: "pending" });
  });
});
