import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from "aws-lambda";
import type { StoredEvent } from "../../domain/shared/event.js";
import type { StreamConsumer, StreamRecord } from "../../ports/event-stream.js";
import type { Logger } from "../../ports/logger.js";

/** A record's shard: its event id reads `<shard id>:<sequence number>`. */
const shardOf = (record: KinesisStreamRecord) => record.eventID.split(":")[0] ?? record.eventID;

/**
 * A Lambda handler for a Kinesis stream of outbox events (partition key = the event's key). The records
 * of a batch (all of one shard, in order) go to the consumer as one batch, positioned by their sequence
 * numbers. When the consumer fails, the batch's first record is reported, so the event source hands the
 * whole batch again; a record that is not an event is reported after the ones before it are handled
 * (bounded retries, bisect and an on-failure destination are set on the event source mapping).
 */
export function makeKinesisHandler(consumer: Pick<StreamConsumer, "handleBatch">, logger: Logger) {
  return async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
    const records: StreamRecord[] = [];
    let poison: string | undefined;
    for (const record of event.Records) {
      const position = record.kinesis.sequenceNumber;
      try {
        const stored = JSON.parse(Buffer.from(record.kinesis.data, "base64").toString("utf8")) as StoredEvent;
        records.push({ position, event: stored });
      } catch (error) {
        logger.error("stream record is not an event", { sequenceNumber: position, error });
        poison = position;
        break;
      }
    }
    const first = event.Records[0];
    if (first && records.length > 0) {
      try {
        await consumer.handleBatch({ shard: shardOf(first), records });
      } catch (error) {
        const positions = { first: records[0]?.position, last: records.at(-1)?.position };
        logger.error("stream batch failed", { ...positions, error });
        return { batchItemFailures: [{ itemIdentifier: records[0]!.position }] };
      }
    }
    return { batchItemFailures: poison ? [{ itemIdentifier: poison }] : [] };
  };
}
