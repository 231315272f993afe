import type { KinesisStreamBatchResponse, KinesisStreamEvent } from "aws-lambda";
import type { StoredEvent } from "../../domain/shared/event.js";
import type { Logger } from "../../ports/logger.js";

/**
 * A Lambda handler for a Kinesis stream of outbox events (partition key = the event's key). Records
 * are handled in order; on the first failure that record is reported and the rest of the batch is left
 * alone, so the event source retries from it and per-key order is kept (bounded retries, bisect and
 * an on-failure destination are set on the event source mapping).
 */
export function makeKinesisHandler(consumer: { handle(event: StoredEvent): Promise<void> }, logger: Logger) {
  return async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
    for (const record of event.Records) {
      try {
        const stored = JSON.parse(Buffer.from(record.kinesis.data, "base64").toString("utf8")) as StoredEvent;
        await consumer.handle(stored);
      } catch (error) {
        logger.error("stream record failed", { sequenceNumber: record.kinesis.sequenceNumber, error });
        return { batchItemFailures: [{ itemIdentifier: record.kinesis.sequenceNumber }] };
      }
    }
    return { batchItemFailures: [] };
  };
}
