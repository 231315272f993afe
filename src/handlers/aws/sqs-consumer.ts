import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import type { StoredEvent } from "../../domain/shared/event.js";
import type { Logger } from "../../ports/logger.js";

/**
 * A Lambda handler for an SQS subscription: each message body is one outbox event. Messages that fail
 * are reported as partial batch failures, so only they return to the queue (and reach its DLQ after
 * maxReceiveCount); the others are deleted.
 */
export function makeSqsHandler(consumer: { handle(event: StoredEvent): Promise<void> }, logger: Logger) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse["batchItemFailures"] = [];
    for (const record of event.Records) {
      try {
        await consumer.handle(JSON.parse(record.body) as StoredEvent);
      } catch (error) {
        logger.error("message failed", { messageId: record.messageId, error });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}
