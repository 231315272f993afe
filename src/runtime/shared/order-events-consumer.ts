import { makeRecordOrderActivity } from "../../application/orders/order-activity.js";
import type { StoredEvent } from "../../domain/shared/event.js";
import { ORDER_EVENTS_STREAM } from "../../handlers/consumers/event-routes.js";
import type { Clock } from "../../ports/clock.js";
import type { StreamConsumer } from "../../ports/event-stream.js";
import type { ItemStore } from "../../ports/item-store.js";

/** One event subscription: a queue on AWS, a dispatcher subscription locally. */
export interface EventConsumer {
  name: string;
  eventTypes: readonly string[];
  handle(event: StoredEvent): Promise<void>;
}

/**
 * Consumer of the order event stream (Kinesis on AWS, a reader of the outbox locally): the order
 * activity projection. Apart from the application, as its Lambda on AWS needs nothing else.
 */
export function makeOrderEventsConsumer({ store, clock }: { store: ItemStore; clock: Clock }): StreamConsumer {
  return { ...ORDER_EVENTS_STREAM, handleBatch: makeRecordOrderActivity({ store, clock }) };
}
