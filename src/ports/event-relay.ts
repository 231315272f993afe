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
