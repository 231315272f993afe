/*
 * Batch requests (SQS SendMessageBatch, Kinesis PutRecords) take a limited number of entries and bytes.
 */

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
