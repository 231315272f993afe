import type { makeDispatchDelivery } from "../../application/lifecycle/dispatch-delivery.js";
import type { makeForwardFeedback } from "../../application/lifecycle/forward-feedback.js";
import type { makeRequestDelivery } from "../../application/lifecycle/request-delivery.js";
import type { StoredEvent } from "../../domain/shared/event.js";
import { QUEUE_EVENT_TYPES } from "./event-routes.js";

export interface LifecycleConsumerUseCases {
  requestDelivery: ReturnType<typeof makeRequestDelivery>;
  dispatchDelivery: ReturnType<typeof makeDispatchDelivery>;
  forwardFeedback: ReturnType<typeof makeForwardFeedback>;
}

/** The bakery lifecycle's queues: each takes one event type and runs one use case. */
export function lifecycleConsumers(useCases: LifecycleConsumerUseCases) {
  return [
    {
      name: "delivery-requests",
      eventTypes: QUEUE_EVENT_TYPES["delivery-requests"],
      handle: (event: StoredEvent) => useCases.requestDelivery(event.key),
    },
    {
      name: "delivery",
      eventTypes: QUEUE_EVENT_TYPES.delivery,
      handle: (event: StoredEvent) => useCases.dispatchDelivery(event),
    },
    {
      name: "customer-service",
      eventTypes: QUEUE_EVENT_TYPES["customer-service"],
      handle: (event: StoredEvent) => useCases.forwardFeedback(event),
    },
  ];
}
