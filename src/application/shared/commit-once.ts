import type { DomainEvent } from "../../domain/shared/event.js";
import { ConditionFailedError, type ItemStore, type TransactOp } from "../../ports/item-store.js";

/**
 * Commits a state change guarded by conditions that make it happen once. Returns false when a condition
 * failed, i.e. an earlier or concurrent run already did it — the idempotent steps' common case.
 * With `falseOnlyFor` (indexes into `ops`), false only when every failed condition is one of those
 * operations'; any other failed condition throws its ConditionFailedError.
 */
export async function commitOnce(
  store: ItemStore,
  ops: TransactOp[],
  events: DomainEvent[],
  falseOnlyFor?: readonly number[],
): Promise<boolean> {
  try {
    await store.transact(ops, events);
    return true;
  } catch (error) {
    if (!(error instanceof ConditionFailedError)) throw error;
    if (falseOnlyFor && !error.failedIndexes.every((index) => falseOnlyFor.includes(index))) throw error;
    return false;
  }
}
