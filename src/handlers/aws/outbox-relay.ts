import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import type { StoredEvent } from "../../domain/shared/event.js";
import type { RelayTarget } from "../../ports/event-relay.js";

/** Outbox items are written by the item store's transactions: pk `EVT#<key>`, one item per event. */
export function isOutboxItem(item: Record<string, unknown>): boolean {
  return typeof item.pk === "string" && item.pk.startsWith("EVT#") && typeof item.type === "string";
}

/**
 * The outbox relay: a Lambda on the table's DynamoDB stream that forwards each newly written event to
 * every subscription that takes its type. Records are handled in order; on the first failure it
 * reports that record, so the stream retries from there (until it succeeds, with bisect; the event source
 * mapping also filters the stream to new outbox items, which this check repeats). Sending is
 * at-least-once; consumers are idempotent.
 */
export function makeOutboxRelay(targets: RelayTarget[]) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    for (const record of event.Records) {
      if (record.eventName !== "INSERT" || !record.dynamodb?.NewImage) continue;
      const item = unmarshall(record.dynamodb.NewImage as never) as Record<string, unknown>;
      if (!isOutboxItem(item)) continue;
      const stored: StoredEvent = {
        seq: Number(item.seq),
        id: String(item.id),
        type: String(item.type),
        key: String(item.key),
        at: String(item.at),
        data: (item.data ?? {}) as Record<string, unknown>,
        ...(item.correlationId ? { correlationId: String(item.correlationId) } : {}),
      };
      try {
        for (const target of targets) if (target.eventTypes.includes(stored.type)) await target.send(stored);
      } catch {
        return { batchItemFailures: [{ itemIdentifier: record.dynamodb.SequenceNumber ?? "" }] };
      }
    }
    return { batchItemFailures: [] };
  };
}
