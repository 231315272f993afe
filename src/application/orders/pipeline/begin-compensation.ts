import type { Order } from "../../../domain/orders/order.js";
import { keptWorkflowError, OrderRejectedError } from "../../../domain/orders/order-errors.js";
import { nextStatus } from "../../../domain/orders/order-state.js";
import { ConditionFailedError, when } from "../../../ports/item-store.js";
import { loadOrder, orderKey } from "../order-items.js";
import type { PipelineDeps, StepInput } from "./pipeline-deps.js";

/** The forward steps' condition: the order is pending and nobody began undoing it. */
export const stillGoingAhead = () => when.and(when.eq("status", "pending"), when.lacks("compensation"));

/** What a forward step answers when it finds the order being undone (the run then compensates too). */
export const beingUndone = () => new OrderRejectedError("ORDER_NOT_PENDING", "The order is being cancelled");

/**
 * The one-way door of compensation. Before the first undoing step (refund, release) changes anything,
 * the pending order is marked `compensation` — on the condition that it is pending and unmarked, as every
 * forward write (reserve, record the charge, confirm) is conditional on the mark's absence — so of a
 * confirmation and a compensation racing (a redelivered or resumed run, a step that timed out but went
 * on), exactly one wins: an order being undone is never reserved again, charged or confirmed, and a
 * confirmed order is never undone (INVALID_ORDER_TRANSITION). The error that started it is kept with the
 * mark: a later run that finds the order marked (CheckOrder's `compensating` stage) finishes the undoing
 * and fails the order with the same reason. A failed order needs no mark: nothing confirms it.
 */
export async function beginCompensation(deps: Pick<PipelineDeps, "store" | "clock">, input: StepInput): Promise<Order> {
  const { store, clock } = deps;
  for (let attempt = 1; ; attempt++) {
    const order = await loadOrder(store, input.orderId);
    if (order.compensation || order.status === "failed") return order;
    nextStatus("fail", order.status); // a confirmed (or later) order is refused here
    const compensation: NonNullable<Order["compensation"]> = {
      since: clock.now().toISOString(),
      ...(input.error ? { error: keptWorkflowError(input.error) } : {}),
    };
    try {
      await store.update(orderKey(order.id), { set: { compensation } }, stillGoingAhead());
      return { ...order, compensation };
    } catch (error) {
      // Confirmed or marked meanwhile: read again and decide on what won (once is enough; twice is a bug).
      if (!(error instanceof ConditionFailedError) || attempt >= 2) throw error;
    }
  }
}

/**
 * Why the order fails: the error its undoing began with, kept with the mark (a racing or resuming run
 * only meets the consequences, e.g. "being cancelled"), else this run's own (no mark: nothing to undo).
 */
export const compensationError = (order: Order, input: StepInput) => order.compensation?.error ?? input.error;
