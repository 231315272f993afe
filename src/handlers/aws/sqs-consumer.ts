import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import type { StoredEvent } from "../../domain/shared/event.js";
import type { Clock } from "../../ports/clock.js";
import { recordDeliveryError } from "../../ports/delivery-errors.js";
import type { ItemStore } from "../../ports/item-store.js";
import type { Logger } from "../../ports/logger.js";

/** Where a failed message's error is kept for the dead-letter view (SQS keeps none). */
export interface FailureRecord {
  subscription: string;
  store: ItemStore;
  clock: Clock;
}

/**
 * A Lambda handler for an SQS subscription: each message body is one outbox event. Messages that fail
 * are reported as partial batch failures, so only they return to the queue (and reach its DLQ after
 * maxReceiveCount); the others are deleted. Each failure is logged and, with `failures`, recorded with
 * its attempt count, so the admin's dead-letter view shows why a message is there.
 */
export function makeSqsHandler(
  consumer: { handle(event: StoredEvent): Promise<void> },
  logger: Logger,
  failures?: FailureRecord,
) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse["batchItemFailures"] = [];
    for (const record of event.Records) {
      let stored: StoredEvent | undefined;
      try {
        stored = JSON.parse(record.body) as StoredEvent;
        await consumer.handle(stored);
      } catch (error) {
        logger.error("message failed", { messageId: record.messageId, error });
        batchItemFailures.push({ itemIdentifier: record.messageId });
        if (failures && stored?.id) await remember(failures, stored.id, error, record.attributes, logger);
      }
    }
    return { batchItemFailures };
  };
}

async function remember(
  failures: FailureRecord,
  eventId: string,
  error: unknown,
  attributes: { ApproximateReceiveCount?: string },
  logger: Logger,
): Promise<void> {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  try {
    await recordDeliveryError(failures, failures.subscription, eventId, {
      error: message,
      attempts: Number(attributes.ApproximateReceiveCount ?? 1),
    });
  } catch (recordError) {
    // The message still returns to its queue; only the error shown next to a dead letter is missing.
    logger.warn("could not record a delivery error", { eventId, error: recordError });
  }
}
