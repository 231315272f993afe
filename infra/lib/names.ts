import { Aws } from "aws-cdk-lib";

/**
 * Subscription names of the local runtime (`src/handlers/consumers/event-routes.ts`, with the event
 * types each takes). On AWS each one is an SQS queue with its own DLQ and consumer Lambda.
 */
export const QUEUE_NAMES = [
  "order-pipeline",
  "delivery-requests",
  "delivery",
  "customer-service",
  "auction-schedules",
  "auction-closer",
  "auction-checkout",
  "auction-checkout-deadlines",
  "auction-qr-codes",
  "auction-notifications",
] as const;

export type QueueName = (typeof QUEUE_NAMES)[number];

/**
 * The order-events projection's batches (`ORDER_EVENTS_STREAM` in src/handlers/consumers/event-routes.ts,
 * which the local runtime's outbox reader takes): up to this many records, gathered for up to this long,
 * each batch counted in one write.
 */
export const ORDER_EVENTS_BATCH = { size: 100, windowSeconds: 1 } as const;

/** Object-store key prefixes; functions are granted only the prefixes they use. */
export const OBJECT_PREFIXES = {
  receipts: "receipts/",
  qrCodes: "qr-codes/",
  agreements: "agreements/",
} as const;

/** Turns `auction-checkout` into `AuctionCheckout` for construct ids. */
export function pascal(name: string): string {
  return name
    .split("-")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

/**
 * Consumer Lambda timeout per queue, in seconds. The order pipeline and checkout consumers wait for a
 * synchronous Express execution; the others run one use case.
 */
export const CONSUMER_TIMEOUT_SECONDS: Record<QueueName, number> = {
  "order-pipeline": 120,
  "delivery-requests": 30,
  delivery: 30,
  "customer-service": 30,
  "auction-schedules": 30,
  "auction-closer": 30,
  "auction-checkout": 120,
  "auction-checkout-deadlines": 30,
  "auction-qr-codes": 30,
  "auction-notifications": 30,
};

/**
 * Messages per consumer invocation. A consumer handles its batch one message after another within one
 * timeout, so queues whose messages may wait on someone else (the payment provider through a workflow,
 * a partner's webhook) take one at a time: a slow message times out alone instead of a whole batch
 * being received again, and dead-lettered, with it. The others run one quick use case per message.
 */
export const CONSUMER_BATCH_SIZE: Record<QueueName, number> = {
  "order-pipeline": 1,
  "delivery-requests": 10,
  delivery: 1,
  "customer-service": 1,
  "auction-schedules": 10,
  "auction-closer": 10,
  "auction-checkout": 1,
  "auction-checkout-deadlines": 10,
  "auction-qr-codes": 10,
  "auction-notifications": 10,
};

/** SQS visibility timeout must be >= 6x the consumer's timeout so a retrying batch is not redelivered mid-run. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

/**
 * Objects bucket name, unique per account and region. A known name lets the stateless stack grant
 * prefix-scoped access without a cross-stack token inside the ARN (and keeps cdk-nag finding ids readable).
 */
export const OBJECTS_BUCKET_NAME = `orderflow-objects-${Aws.ACCOUNT_ID}-${Aws.REGION}`;

/** EventBridge Scheduler group holding one schedule per auction timer. */
export const SCHEDULE_GROUP_NAME = "orderflow-auctions";
