import { NOTIFIED_EVENTS } from "../../application/auctions/auction-notifications.js";
import { CLOSE_DUE } from "../../application/auctions/auction-schedule.js";
import { CHECKOUT_DUE } from "../../application/auctions/checkout-deadline.js";
import { ORDER_ACTIVITY_EVENTS } from "../../application/orders/order-activity.js";
import { AuctionEvent } from "../../domain/auctions/auction-events.js";
import { OrderEvent } from "../../domain/orders/order-events.js";

/**
 * Which event types each queue consumer takes, by its name: the one table the consumers, the local
 * dispatcher's subscriptions and the outbox relay on AWS route by. On AWS each name is an SQS queue
 * (infra/lib/names.ts lists the same names); locally a dispatcher subscription.
 */
export const QUEUE_EVENT_TYPES = {
  "order-pipeline": [OrderEvent.received],
  "delivery-requests": [OrderEvent.fulfilled],
  delivery: [OrderEvent.deliveryRequested],
  "customer-service": [OrderEvent.reviewed],
  "auction-schedules": [AuctionEvent.created, AuctionEvent.updated, AuctionEvent.cancelled],
  "auction-closer": [CLOSE_DUE],
  "auction-checkout": [AuctionEvent.checkoutRequested],
  "auction-checkout-deadlines": [AuctionEvent.closed, CHECKOUT_DUE],
  "auction-qr-codes": [AuctionEvent.created],
  "auction-notifications": NOTIFIED_EVENTS,
} as const satisfies Record<string, readonly string[]>;

/**
 * The order event stream (Kinesis on AWS), the event types it carries to the activity projection, and
 * its batches: up to `batchSize` records, gathered for up to `batchWindowMs` (the CDK app's event source
 * mapping takes the same figures: ORDER_EVENTS_BATCH in infra/lib/names.ts).
 */
export const ORDER_EVENTS_STREAM = {
  name: "order-events",
  eventTypes: ORDER_ACTIVITY_EVENTS,
  batchSize: 100,
  batchWindowMs: 1000,
} as const;
