import type { Order } from "../../domain/orders/order.js";
import { NotFoundError } from "../../domain/shared/errors.js";
import { type Item, type ItemKey, type ItemStore, itemAt } from "../../ports/item-store.js";

/** Where orders live in the item store: one place for the key formats. */
export const orderKey = (id: string): ItemKey => ({ pk: `ORDER#${id}`, sk: "ORDER" });
/**
 * Where a reservation was kept before it became the order's `stockReservedAt`: read only for orders
 * reserved by an earlier version and still in the pipeline.
 */
export const legacyReservationKey = (id: string): ItemKey => ({ pk: `ORDER#${id}`, sk: "RESERVATION" });
export const paymentSourceKey = (id: string): ItemKey => ({ pk: `ORDER#${id}`, sk: "PAYMENT_SOURCE" });
export const ALL_ORDERS_PARTITION = "ORDERS";
export const customerOrdersPartition = (userId: string) => `CUSTOMER#${userId}`;

export function orderToItem(order: Order): Item {
  const sortKey = `${order.createdAt}#${order.id}`;
  const byCustomer = order.customer.userId
    ? { gsi1pk: customerOrdersPartition(order.customer.userId), gsi1sk: sortKey }
    : {};
  return itemAt(orderKey(order.id), byCustomer, { gsi2pk: ALL_ORDERS_PARTITION, gsi2sk: sortKey }, order);
}

export function orderFromItem(item: Item): Order {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _s1, gsi2pk: _g2, gsi2sk: _s2, ...order } = item;
  return order as unknown as Order;
}

export function orderNotFound(id: string) {
  return new NotFoundError("ORDER_NOT_FOUND", `There is no order ${id}`);
}

export async function loadOrder(store: ItemStore, id: string): Promise<Order> {
  const item = await store.get(orderKey(id));
  if (!item) throw orderNotFound(id);
  return orderFromItem(item);
}
