import { KinesisClient, PutRecordCommand } from "@aws-sdk/client-kinesis";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it } from "vitest";
import type { StoredEvent } from "../../domain/shared/event.js";
import { kinesisRelayTarget } from "./kinesis-relay-target.js";
import { readSecretString } from "./secrets.js";
import { sqsRelayTarget } from "./sqs-relay-target.js";

const event: StoredEvent = {
  seq: 3,
  id: "evt_3",
  type: "order_fulfilled",
  key: "ord_9",
  at: "2026-11-22T10:00:00.000Z",
  data: { orderId: "ord_9" },
};

describe("relay targets", () => {
  it("sends an event to its queue as the message body, with its type and key as attributes", async () => {
    const sqs = mockClient(SQSClient);
    sqs.on(SendMessageCommand).resolves({ MessageId: "m" });
    const target = sqsRelayTarget({
      client: new SQSClient({ region: "eu-west-1" }),
      name: "delivery-requests",
      queueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/orderflow-delivery-requests",
      eventTypes: ["order_fulfilled"],
    });
    await target.send(event);
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/orderflow-delivery-requests",
      MessageBody: JSON.stringify(event),
      MessageAttributes: {
        type: { DataType: "String", StringValue: "order_fulfilled" },
        key: { DataType: "String", StringValue: "ord_9" },
      },
    });
    sqs.restore();
  });

  it("puts an event on the order stream partitioned by its key", async () => {
    const kinesis = mockClient(KinesisClient);
    kinesis.on(PutRecordCommand).resolves({ SequenceNumber: "1", ShardId: "shardId-000000000000" });
    const target = kinesisRelayTarget({
      client: new KinesisClient({ region: "eu-west-1" }),
      streamName: "orderflow-order-events",
      eventTypes: ["order_received"],
    });
    await target.send(event);
    const input = kinesis.commandCalls(PutRecordCommand)[0]?.args[0].input;
    expect(input?.StreamName).toBe("orderflow-order-events");
    expect(input?.PartitionKey).toBe("ord_9");
    expect(JSON.parse(new TextDecoder().decode(input?.Data))).toEqual(event);
    kinesis.restore();
  });

  it("reads a secret once per container, and again after a failed read", async () => {
    const secrets = mockClient(SecretsManagerClient);
    const client = new SecretsManagerClient({ region: "eu-west-1" });
    secrets.on(GetSecretValueCommand).rejectsOnce(new Error("throttled")).resolves({ SecretString: "s3cr3t-value" });
    await expect(readSecretString(client, "arn:secret:webhook")).rejects.toThrow("throttled");
    expect(await readSecretString(client, "arn:secret:webhook")).toBe("s3cr3t-value");
    expect(await readSecretString(client, "arn:secret:webhook")).toBe("s3cr3t-value");
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    secrets.restore();
  });
});
