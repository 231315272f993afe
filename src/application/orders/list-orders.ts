import type { Order, OrderStatus } from "../../domain/orders/order.js";
import { type Actor, hasRole } from "../../domain/shared/actor.js";
import { UnauthenticatedError } from "../../domain/shared/errors.js";
import { type ItemStore, when } from "../../ports/item-store.js";
import { STAFF_ROLES } from "./order-access.js";
import { ALL_ORDERS_PARTITION, customerOrdersPartition, orderFromItem } from "./order-items.js";

export interface ListOrdersQuery {
  status?: OrderStatus;
  limit?: number;
  cursor?: string;
  /** Oldest first (the maker's queue) instead of newest first. */
  oldestFirst?: boolean;
}

/** Staff list all orders (filter by status, cursor pages); a customer lists their own. */
export function makeListOrders({ store }: { store: ItemStore }) {
  return async (actor: Actor, query: ListOrdersQuery = {}): Promise<{ items: Order[]; cursor?: string }> => {
    const staff = hasRole(actor, ...STAFF_ROLES);
    if (!staff && !actor.userId) throw new UnauthenticatedError("Sign in to list your orders");
    const page = await store.query({
      ...(staff
        ? { partition: ALL_ORDERS_PARTITION, index: "gsi2" as const }
        : { partition: customerOrdersPartition(actor.userId!), index: "gsi1" as const }),
      descending: !query.oldestFirst,
      limit: query.limit ?? 20,
      ...(query.cursor ? { cursor: query.cursor } : {}),
      ...(query.status ? { filter: when.eq("status", query.status) } : {}),
    });
    return { items: page.items.map(orderFromItem), ...(page.cursor ? { cursor: page.cursor } : {}) };
  };
}
