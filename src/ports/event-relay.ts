import type { StoredEvent } from "../domain/shared/event.js";

/** Where the outbox relay sends events: one SQS queue (or Kinesis stream) per subscription. */
export interface RelayTarget {
  name: string;
  eventTypes: readonly string[];
  /**
   * Sends events in as few requests as the service allows (SQS and Kinesis take batches). Batch requests
   * can fail in part: resolves with the ids of the events not sent, none when all were. Rejects when
   * nothing can have been sent.
   */
  sendAll(events: readonly StoredEvent[]): Promise<ReadonlySet<string>>;
}

/**
 * Splits items into batches of at most `maxCount` items and `maxBytes` (by `sizeOf`), in order. An item
 * larger than `maxBytes` goes alone (the service then refuses that one, which fails it alone).
 */
export function batchesOf<T>(items: readonly T[], maxCount: number, maxBytes: number, sizeOf: (item: T) => number) {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (current.length > 0 && (current.length === maxCount || bytes + size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
