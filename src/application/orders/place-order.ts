import { type Order, type OrderLine, orderTotal } from "../../domain/orders/order.js";
import { OrderEvent } from "../../domain/orders/order-events.js";
import { LIST_EACH_PRODUCT_ONCE, type PlaceOrderBody } from "../../domain/orders/order-schemas.js";
import type { Actor } from "../../domain/shared/actor.js";
import { type FieldError, ValidationError } from "../../domain/shared/errors.js";
import type { Clock, IdGenerator } from "../../ports/clock.js";
import { expiresAfter, type ItemStore, itemAt, when } from "../../ports/item-store.js";
import { findProduct } from "../catalog/product-items.js";
import { type CommitWith, correlated } from "../shared/commit-with.js";
import { orderEvent } from "./new-event.js";
import { orderToItem, paymentSourceKey } from "./order-items.js";

export interface PlaceOrderDeps {
  store: ItemStore;
  ids: IdGenerator;
  clock: Clock;
}

export type PlaceOrderOptions = CommitWith<Order>;

/** A payment source not deleted by the pipeline (charged or failed) expires after a week. */
const PAYMENT_SOURCE_SECONDS = 7 * 24 * 3600;

function lastFour(source: string): string {
  return source.startsWith("tok_") ? "tok" : source.replace(/\s/g, "").slice(-4);
}

/**
 * Accepts an order: prices it from the catalog and stores it `pending` with its `order_received`
 * event in one transaction. Stock and payment are handled by the order pipeline that event starts.
 */
export function makePlaceOrder({ store, ids, clock }: PlaceOrderDeps) {
  return async (input: PlaceOrderBody, actor: Actor, options: PlaceOrderOptions = {}): Promise<Order> => {
    const products = await Promise.all(input.items.map((line) => findProduct(store, line.productId)));
    const fields: FieldError[] = [];
    products.forEach((product, index) => {
      if (!product) fields.push({ path: `items.${index}.productId`, message: "There is no such product" });
    });
    if (fields.length > 0) throw new ValidationError("Some products do not exist", fields, "UNKNOWN_PRODUCT");
    // The schema compares what was sent; a product named once by id and once by catalog number is caught here.
    const listed = new Set<string>();
    products.forEach((product, index) => {
      if (listed.has(product!.id)) fields.push({ path: `items.${index}.productId`, message: LIST_EACH_PRODUCT_ONCE });
      listed.add(product!.id);
    });
    if (fields.length > 0) throw new ValidationError("A product is listed twice", fields);
    const currency = products[0]!.price.currency;
    if (products.some((product) => product!.price.currency !== currency)) {
      throw new ValidationError("All products of an order must share one currency", [
        { path: "items", message: "Mixed currencies" },
      ]);
    }

    const lines: OrderLine[] = input.items.map((line, index) => {
      const product = products[index]!;
      return {
        productId: product.id,
        name: product.name,
        quantity: line.quantity,
        unitPrice: product.price,
        lineTotal: { amount: product.price.amount * line.quantity, currency },
      };
    });
    const now = clock.now().toISOString();
    const order: Order = {
      id: `ord_${ids.next()}`,
      status: "pending",
      customer: { ...input.customer, ...(actor.userId ? { userId: actor.userId } : {}) },
      deliveryAddress: input.deliveryAddress,
      lines,
      total: orderTotal(lines, currency),
      ...(input.notes ? { notes: input.notes } : {}),
      paymentLast4: lastFour(input.payment.card),
      trackingToken: ids.secret(),
      createdAt: now,
      updatedAt: now,
    };
    const event = orderEvent({ ids, clock }, order.id, OrderEvent.received, {
      total: order.total,
      items: lines.map((line) => ({ productId: line.productId, quantity: line.quantity })),
    });
    await store.transact(
      [
        { op: "put", item: orderToItem(order), condition: when.notExists() },
        // Kept apart from the order and deleted once charged or failed: the order never carries the card.
        // In the order's transaction: one commit on the accept path. Its TTL clears one a crash left behind.
        {
          op: "put",
          item: itemAt(paymentSourceKey(order.id), {
            source: input.payment.card.replace(/\s/g, ""),
            expiresAt: expiresAfter(clock.now(), PAYMENT_SOURCE_SECONDS),
          }),
        },
        ...(options.alsoWrite?.(order) ?? []),
      ],
      correlated(options, event),
    );
    return order;
  };
}
