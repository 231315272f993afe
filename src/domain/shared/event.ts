/** A domain event as it is stored in the outbox and delivered to subscribers. */
export interface DomainEvent<T = Record<string, unknown>> {
  /** Unique id of this event; consumers use it to de-duplicate. */
  id: string;
  /** Event type, e.g. `order_placed`. */
  type: string;
  /** The aggregate the event belongs to (e.g. an order id); ordering is kept per key. */
  key: string;
  /** ISO-8601 time the event happened. */
  at: string;
  data: T;
  correlationId?: string;
}

/** A stored event with its position in its key's log (monotonic per key: gap-free per store on SQLite, per key on DynamoDB). */
export type StoredEvent<T = Record<string, unknown>> = DomainEvent<T> & { seq: number };

/** The stored event whose fields a record holds (an outbox item as written, or as a stream carries it). */
export function storedEventFrom(fields: Record<string, unknown>): StoredEvent {
  return {
    seq: Number(fields.seq),
    id: String(fields.id),
    type: String(fields.type),
    key: String(fields.key),
    at: String(fields.at),
    data: (fields.data ?? {}) as Record<string, unknown>,
    ...(typeof fields.correlationId === "string" ? { correlationId: fields.correlationId } : {}),
  };
}
