import { KinesisClient, ProvisionedThroughputExceededException, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import type { StoredEvent } from "../../domain/shared/event.js";
import { kinesisRelayTarget } from "./kinesis-relay-target.js";

const kinesis = mockClient(KinesisClient);
afterEach(() => kinesis.reset());

const eventNumber = (n: number): StoredEvent => ({
  seq: 4,
  id: `evt_${n}`,
  type: "order_received",
  key: `ord_${n}`,
  at: "2026-11-22T10:00:00.000Z",
  data: { orderId: `ord_${n}`, total: 1250 },
});
const target = kinesisRelayTarget({
  client: new KinesisClient({ region: "eu-west-1" }),
  streamName: "orderflow-order-events",
  eventTypes: ["order_received"],
});
const accepted = (count: number) => ({
  FailedRecordCount: 0,
  Records: Array.from({ length: count }, (_, i) => ({ ShardId: "shardId-000000000000", SequenceNumber: String(i) })),
});

describe("Kinesis relay target", () => {
  it("puts events on the order stream as JSON records partitioned by their key, in one request", async () => {
    kinesis.on(PutRecordsCommand).resolves(accepted(2));
    const events = [eventNumber(1), eventNumber(2)];
    expect(await target.sendAll(events)).toEqual(new Set());
    const calls = kinesis.commandCalls(PutRecordsCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input?.StreamName).toBe("orderflow-order-events");
    expect(input?.Records?.map((record) => record.PartitionKey)).toEqual(["ord_1", "ord_2"]);
    expect(input?.Records?.map((record) => JSON.parse(new TextDecoder().decode(record.Data)))).toEqual(events);
    expect(target).toMatchObject({ name: "kinesis:orderflow-order-events", eventTypes: ["order_received"] });
  });

  it("puts more than 500 events in requests of at most 500", async () => {
    kinesis.on(PutRecordsCommand).callsFake((input) => accepted(input.Records.length));
    const events = Array.from({ length: 1001 }, (_, i) => eventNumber(i));
    expect(await target.sendAll(events)).toEqual(new Set());
    expect(kinesis.commandCalls(PutRecordsCommand).map((call) => call.args[0].input.Records?.length)).toEqual([
      500, 500, 1,
    ]);
  });

  it("reports the records Kinesis refused (a throttled shard), and all of a request that failed", async () => {
    kinesis.on(PutRecordsCommand).resolvesOnce({
      FailedRecordCount: 1,
      Records: [
        { ShardId: "shardId-000000000000", SequenceNumber: "1" },
        { ErrorCode: "ProvisionedThroughputExceededException", ErrorMessage: "Rate exceeded for shard" },
        { ShardId: "shardId-000000000000", SequenceNumber: "3" },
      ],
    });
    expect(await target.sendAll([eventNumber(1), eventNumber(2), eventNumber(3)])).toEqual(new Set(["evt_2"]));
    kinesis.on(PutRecordsCommand).rejects(
      new ProvisionedThroughputExceededException({
        message: "Rate exceeded for shard shardId-000000000000",
        $metadata: { httpStatusCode: 400 },
      }),
    );
    expect(await target.sendAll([eventNumber(4), eventNumber(5)])).toEqual(new Set(["evt_4", "evt_5"]));
  });
});
