import type { ReactNode } from "react";
import { formatMoney, type Order } from "../api/client";
import { Link } from "../router";
import { StatusBadge } from "./status";

/** Orders as cards: what and how many, for whom, and an action. */
export function OrderCards({ orders, action }: { orders: Order[]; action?: (order: Order) => ReactNode }) {
  return (
    <ul className="order-cards">
      {orders.map((order) => (
        <li key={order.id} className="card order-card" data-order-id={order.id}>
          <div className="order-card__head">
            <Link href={`/orders/${order.id}`}>Order {order.id}</Link>
            <StatusBadge status={order.status} />
          </div>
          <ul className="order-card__lines">
            {order.lines.map((line) => (
              <li key={line.productId}>
                <strong>{line.quantity} ×</strong> {line.name}
              </li>
            ))}
          </ul>
          <p className="muted">
            {order.customer.name} · {order.deliveryAddress.line1}, {order.deliveryAddress.postalCode}{" "}
            {order.deliveryAddress.city} · {formatMoney(order.total)} · {new Date(order.createdAt).toLocaleString()}
          </p>
          {order.notes && <p className="note">Note: {order.notes}</p>}
          {action?.(order)}
        </li>
      ))}
    </ul>
  );
}
