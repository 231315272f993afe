import type { Order } from "../../domain/orders/order.js";
import { nextStatus, type OrderCommand, statusesAllowing } from "../../domain/orders/order-state.js";
import { ConflictError } from "../../domain/shared/errors.js";
import type { Clock, IdGenerator } from "../../ports/clock.js";
import { type ItemStore, when } from "../../ports/item-store.js";
import { orderEvent } from "../orders/new-event.js";
import { orderKey } from "../orders/order-items.js";
import { commitOnce } from "../shared/commit-once.js";
import { type CommitWith, correlated } from "../shared/commit-with.js";

export interface TransitionDeps {
  store: ItemStore;
  ids: IdGenerator;
  clock: Clock;
}

/**
 * Moves an order by one command of its state machine and records the event, in one transaction
 * conditional on the state the command was checked against — a concurrent change makes it a 409.
 * `set` adds fields the command stores with the new status (the feedback).
 */
export async function transitionOrder(
  deps: TransitionDeps,
  order: Order,
  command: OrderCommand,
  event: { type: string; data?: Record<string, unknown> },
  options: CommitWith<Order> & { set?: Record<string, unknown> } = {},
): Promise<Order> {
  const status = nextStatus(command, order.status);
  const updatedAt = deps.clock.now().toISOString();
  const set = { status, updatedAt, ...options.set };
  const moved: Order = { ...order, ...set };
  const stored = orderEvent(deps, order.id, event.type, event.data ?? {});
  const committed = await commitOnce(
    deps.store,
    [
      {
        op: "update",
        key: orderKey(order.id),
        update: { set },
        condition: when.or(...statusesAllowing(command).map((allowed) => when.eq("status", allowed))),
      },
      ...(options.alsoWrite?.(moved) ?? []),
    ],
    correlated(options, stored),
  );
  if (!committed) throw new ConflictError("INVALID_ORDER_TRANSITION", "The order changed meanwhile; reload it");
  return moved;
}
