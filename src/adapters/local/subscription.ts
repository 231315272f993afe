import type { StoredEvent } from "../../domain/shared/event.js";

/** A consumer of outbox events, with SQS-like delivery settings. */
export interface Subscription {
  name: string;
  /** Event types delivered to this subscription. */
  eventTypes: readonly string[];
  /** Throws to fail the delivery; it is retried with backoff and dead-lettered after `maxAttempts`. */
  handle(event: StoredEvent): Promise<void>;
  maxAttempts?: number;
  visibilityTimeoutMs?: number;
  /** First retry delay; doubles per attempt up to `maxBackoffMs`, with jitter. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
}

export const deliveryDefaults = {
  maxAttempts: 5,
  visibilityTimeoutMs: 30_000,
  baseBackoffMs: 200,
  maxBackoffMs: 30_000,
};

/** Exponential backoff with full jitter in the upper half: attempt 1 waits ~base, 2 ~2×base, ... */
export function backoffMs(
  subscription: Pick<Subscription, "baseBackoffMs" | "maxBackoffMs">,
  attempts: number,
  random: () => number,
): number {
  const base = subscription.baseBackoffMs ?? deliveryDefaults.baseBackoffMs;
  const max = subscription.maxBackoffMs ?? deliveryDefaults.maxBackoffMs;
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempts - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
