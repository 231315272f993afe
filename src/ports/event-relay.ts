import type { StoredEvent } from "../domain/shared/event.js";

/** Where the outbox relay sends events: one SQS queue (or Kinesis stream) per subscription. */
export interface RelayTarget {
  name: string;
  eventTypes: readonly string[];
  send(event: StoredEvent): Promise<void>;
}
