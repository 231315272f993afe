import type { StoredEvent } from "../domain/shared/event.js";

/** Read side of the outbox: the events of one aggregate, in order (an order's timeline). */
export interface EventLog {
  listByKey(key: string, afterSeq?: number): Promise<StoredEvent[]>;
  /**
   * Calls `listener` whenever new events may have been committed, with their keys when the store knows
   * them (undefined: events of any key may have); returns the unsubscribe function.
   */
  watch(listener: (keys?: ReadonlySet<string>) => void): () => void;
}
