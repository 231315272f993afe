import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { type StoredEvent, storedEventFrom } from "../../domain/shared/event.js";
import type { RelayTarget } from "../../ports/event-relay.js";

/** Outbox items are written by the item store's transactions: pk `EVT#<key>`, one item per event. */
export function isOutboxItem(item: Record<string, unknown>): boolean {
  return typeof item.pk === "string" && item.pk.startsWith("EVT#") && typeof item.type === "string";
}

/**
 * The outbox relay: a Lambda on the table's DynamoDB stream that forwards each newly written event to
 * every subscription that takes its type. A batch of stream records goes out in as few requests as the
 * targets take (SQS batches of ten, Kinesis of 500), to all targets at once. When an event could not be
 * sent, the earliest record holding one is reported, so the stream retries from there (until it
 * succeeds, with bisect; the event source mapping also filters the stream to new outbox items, which
 * this check repeats). The records after it are sent again with it: sending is at-least-once, and
 * consumers are idempotent.
 */
export function makeOutboxRelay(targets: RelayTarget[]) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const outbox: Array<{ sequenceNumber: string; event: StoredEvent }> = [];
    for (const record of event.Records) {
      if (record.eventName !== "INSERT" || !record.dynamodb?.NewImage) continue;
      const item = unmarshall(record.dynamodb.NewImage as never) as Record<string, unknown>;
      if (isOutboxItem(item))
        outbox.push({ sequenceNumber: record.dynamodb.SequenceNumber ?? "", event: storedEventFrom(item) });
    }
    const unsent = new Set<string>();
    await Promise.all(
      targets.map(async (target) => {
        const events = outbox.filter(({ event }) => target.eventTypes.includes(event.type)).map(({ event }) => event);
        if (events.length === 0) return;
        const failed = await target.sendAll(events).catch(() => new Set(events.map(({ id }) => id)));
        for (const id of failed) unsent.add(id);
      }),
    );
    const firstUnsent = outbox.find(({ event }) => unsent.has(event.id));
    return { batchItemFailures: firstUnsent ? [{ itemIdentifier: firstUnsent.sequenceNumber }] : [] };
  };
}
