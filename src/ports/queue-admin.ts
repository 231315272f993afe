import type { StoredEvent } from "../domain/shared/event.js";

export interface QueueDepth {
  subscription: string;
  /** Waiting and visible now. */
  ready: number;
  /** Being handled (invisible until their visibility timeout). */
  inFlight: number;
  /** Waiting for a retry backoff to pass. */
  delayed: number;
  deadLetters: number;
}

export interface DeadLetter {
  subscription: string;
  event: StoredEvent;
  attempts: number;
  error: string;
  failedAt: string;
}

/** Operations view of the event subscriptions (SQS queues + DLQs on AWS). */
export interface QueueAdmin {
  depths(): Promise<QueueDepth[]>;
  listDeadLetters(filter?: { subscription?: string; limit?: number }): Promise<DeadLetter[]>;
  /**
   * Moves dead letters back for another try: one event's (by its id, which is unique on every store,
   * unlike its seq), one subscription's, or all. Returns how many.
   */
  redrive(target?: { subscription?: string; eventId?: string }): Promise<number>;
}
