import { type KinesisClient, PutRecordCommand } from "@aws-sdk/client-kinesis";
import type { RelayTarget } from "../../ports/event-relay.js";

/**
 * The order event stream the outbox relay feeds: one record per event, partitioned by the event's key
 * so each order's events stay in order on one shard.
 */
export function kinesisRelayTarget(options: {
  client: KinesisClient;
  streamName: string;
  eventTypes: readonly string[];
}): RelayTarget {
  return {
    name: `kinesis:${options.streamName}`,
    eventTypes: options.eventTypes,
    async send(event) {
      await options.client.send(
        new PutRecordCommand({
          StreamName: options.streamName,
          PartitionKey: event.key,
          Data: new TextEncoder().encode(JSON.stringify(event)),
        }),
      );
    },
  };
}
