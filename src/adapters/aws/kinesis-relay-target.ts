import { type KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import type { StoredEvent } from "../../domain/shared/event.js";
import type { RelayTarget } from "../../ports/event-relay.js";
import { batchesOf } from "./request-batches.js";

/** PutRecords takes at most 500 records, 5 MiB in all (data and partition keys). */
const KINESIS_PUT_BATCH = 500;
const KINESIS_BATCH_BYTES = 5 * 1024 * 1024;

/**
 * The order event stream the outbox relay feeds: one record per event, partitioned by the event's key,
 * sent in PutRecords requests of up to 500 records. Kinesis may refuse single records of a request
 * (throttled shards); those events are the ones reported unsent.
 */
export function kinesisRelayTarget(options: {
  client: KinesisClient;
  streamName: string;
  eventTypes: readonly string[];
}): RelayTarget {
  const encoder = new TextEncoder();
  async function putBatch(batch: Array<{ event: StoredEvent; data: Uint8Array }>) {
    try {
      const { Records = [] } = await options.client.send(
        new PutRecordsCommand({
          StreamName: options.streamName,
          Records: batch.map(({ event, data }) => ({ PartitionKey: event.key, Data: data })),
        }),
      );
      // Result records come in the order of the request's; a refused one carries an error code.
      return batch
        .filter((_, index) => Records[index]?.ErrorCode !== undefined || !Records[index])
        .map(({ event }) => event.id);
    } catch {
      return batch.map(({ event }) => event.id);
    }
  }
  return {
    name: `kinesis:${options.streamName}`,
    eventTypes: options.eventTypes,
    async sendAll(events) {
      const records = events.map((event) => ({ event, data: encoder.encode(JSON.stringify(event)) }));
      const batches = batchesOf(
        records,
        KINESIS_PUT_BATCH,
        KINESIS_BATCH_BYTES,
        ({ event, data }) => data.byteLength + Buffer.byteLength(event.key),
      );
      return new Set((await Promise.all(batches.map(putBatch))).flat());
    },
  };
}
