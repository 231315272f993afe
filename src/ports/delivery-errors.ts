import type { Clock } from "./clock.js";
import { expiresAfter, type ItemKey, type ItemStore } from "./item-store.js";

/** A consumer's last failure with one event, kept where a queue cannot keep it (SQS keeps no error). */
export interface DeliveryError {
  error: string;
  attempts: number;
  failedAt: string;
}

/** As long as an SQS dead-letter queue keeps a message at most (14 days). */
const KEEP_SECONDS = 14 * 24 * 3600;
/** Errors are cut to this length: a message, not a dump. */
const ERROR_CHARACTERS = 1000;

export const deliveryErrorKey = (subscription: string, eventId: string): ItemKey => ({
  pk: `DELIVERY_ERROR#${subscription}#${eventId}`,
  sk: "DELIVERY_ERROR",
});

/** Records (overwrites) the latest failure of `subscription`'s consumer with event `eventId`. */
export async function recordDeliveryError(
  deps: { store: ItemStore; clock: Clock },
  subscription: string,
  eventId: string,
  failure: { error: string; attempts: number },
): Promise<void> {
  const now = deps.clock.now();
  await deps.store.put({
    ...deliveryErrorKey(subscription, eventId),
    error: failure.error.slice(0, ERROR_CHARACTERS),
    attempts: failure.attempts,
    failedAt: now.toISOString(),
    expiresAt: expiresAfter(now.getTime(), KEEP_SECONDS),
  });
}

export async function readDeliveryError(
  store: ItemStore,
  subscription: string,
  eventId: string,
): Promise<DeliveryError | undefined> {
  const item = await store.get(deliveryErrorKey(subscription, eventId));
  if (!item) return undefined;
  return { error: String(item.error), attempts: Number(item.attempts), failedAt: String(item.failedAt) };
}
