import { KinesisClient, ProvisionedThroughputExceededException, PutRecordCommand } from "@aws-sdk/client-kinesis";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import type { StoredEvent } from "../../domain/shared/event.js";
import { kinesisRelayTarget } from "./kinesis-relay-target.js";

const kinesis = mockClient(KinesisClient);
afterEach(() => kinesis.reset());

const event: StoredEvent = {
  seq: 4,
  id: "evt_4",
  type: "order_received",
  key: "ord_9",
  at: "2026-11-22T10:00:00.000Z",
  data: { orderId: "ord_9", total: 1250 },
};
const target = kinesisRelayTarget({
  client: new KinesisClient({ region: "eu-west-1" }),
  streamName: "orderflow-order-events",
  eventTypes: ["order_received"],
});

describe("Kinesis relay target", () => {
  it("puts an event on the order stream as JSON, partitioned by its key", async () => {
    kinesis.on(PutRecordCommand).resolves({
      ShardId: "shardId-000000000000",
      SequenceNumber: "49590338271490256608559692538361571095921575989136588898",
    });
    await target.send(event);
    const input = kinesis.commandCalls(PutRecordCommand)[0]?.args[0].input;
    expect(input).toEqual({
      StreamName: "orderflow-order-events",
      PartitionKey: "ord_9",
      Data: new TextEncoder().encode(JSON.stringify(event)),
    });
    expect(JSON.parse(new TextDecoder().decode(input?.Data))).toEqual(event);
    expect(target).toMatchObject({ name: "kinesis:orderflow-order-events", eventTypes: ["order_received"] });
  });

  it("fails when the stream is throttled, so the relay retries the stream record", async () => {
    kinesis.on(PutRecordCommand).rejects(
      new ProvisionedThroughputExceededException({
        message: "Rate exceeded for shard shardId-000000000000",
        $metadata: { httpStatusCode: 400 },
      }),
    );
    await expect(target.send(event)).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
  });
});
