import type { DomainEvent } from "../../domain/shared/event.js";
import type { Clock, IdGenerator } from "../../ports/clock.js";

/** Builds an event for an order's timeline (the key is the order id, so ordering is per order). */
export function orderEvent(
  deps: { ids: IdGenerator; clock: Clock },
  orderId: string,
  type: string,
  data: Record<string, unknown> = {},
): DomainEvent {
  return { id: `evt_${deps.ids.next()}`, type, key: orderId, at: deps.clock.now().toISOString(), data };
}
