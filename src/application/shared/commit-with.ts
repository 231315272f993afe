import type { DomainEvent } from "../../domain/shared/event.js";
import type { TransactOp } from "../../ports/item-store.js";

/**
 * Options of a use case whose only effect is one transaction: writes to commit in that transaction, made
 * from the result it is about to commit (the answer to the request, kept under its Idempotency-Key), and
 * the request's correlation id for the events it records.
 */
export interface CommitWith<R> {
  alsoWrite?: (result: R) => TransactOp[];
  correlationId?: string;
}

/** Stamps the request's correlation id, when there is one, on the events a use case commits. */
export function correlated<E extends DomainEvent>(options: { correlationId?: string }, ...events: E[]): E[] {
  if (options.correlationId) for (const event of events) event.correlationId = options.correlationId;
  return events;
}
