import type { StoredEvent } from "../domain/shared/event.js";

/** One record of an event stream: an event and its position, which grows along its shard. */
export interface StreamRecord {
  /** A decimal integer of any length (a Kinesis sequence number runs to 56 digits). */
  position: string;
  event: StoredEvent;
}

/** Records of one shard, in position order: a Kinesis batch of a Lambda event source on AWS. */
export interface StreamBatch {
  shard: string;
  records: StreamRecord[];
}

/**
 * A consumer of the order event stream (Kinesis on AWS, a reader of the outbox locally): it takes the
 * records of its event types in batches, in order, at least once. A batch that throws is handed again.
 */
export interface StreamConsumer {
  name: string;
  eventTypes: readonly string[];
  handleBatch(batch: StreamBatch): Promise<void>;
}

/** Orders two stream positions: negative, zero or positive as `a` is before, at or after `b`. */
export function comparePositions(a: string, b: string): number {
  const digits = (position: string) => position.replace(/^0+(?=\d)/, "");
  const x = digits(a);
  const y = digits(b);
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}
