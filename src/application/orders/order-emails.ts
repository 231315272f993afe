import type { Order } from "../../domain/orders/order.js";
import { formatMoney } from "../../domain/shared/money.js";
import type { MailAttachment, MailMessage } from "../../ports/mailer.js";

function linesText(order: Order): string {
  return order.lines.map((line) => `  ${line.quantity} × ${line.name}  ${formatMoney(line.lineTotal)}`).join("\n");
}

function addressText(order: Order): string {
  const a = order.deliveryAddress;
  return [a.line1, a.line2, `${a.postalCode} ${a.city}`, a.country].filter(Boolean).join("\n  ");
}

/** The customer's confirmation with the PDF receipt attached; one per order (its id de-duplicates). */
export function confirmationEmail(
  order: Order,
  shopName: string,
  trackingUrl: string,
  receipt: MailAttachment,
): MailMessage {
  return {
    id: `order-confirmed-${order.id}`,
    to: order.customer.email,
    subject: `${shopName}: order ${order.id} is confirmed`,
    text: `Hello ${order.customer.name},

thank you for your order. We have received your payment of ${formatMoney(order.total)} and the bakers are on it.

${linesText(order)}

It will be delivered to:
  ${addressText(order)}

Follow your order: ${trackingUrl}
Your receipt is attached.

${shopName}
`,
    attachments: [receipt],
  };
}

/** What the maker should bake, where it goes, and by when. */
export function makerEmail(order: Order, makerAddress: string, shopName: string, dueBy: string): MailMessage {
  return {
    id: `maker-bake-${order.id}`,
    to: makerAddress,
    subject: `${shopName}: please bake order ${order.id}`,
    text: `New order to bake: ${order.id}

${order.lines.map((line) => `  ${line.quantity} × ${line.name}`).join("\n")}
${order.notes ? `\nNotes from the customer: ${order.notes}\n` : ""}
Deliver to ${order.customer.name}:
  ${addressText(order)}

Due by: ${dueBy}
Mark it fulfilled in the maker console when it is ready.
`,
  };
}

/** Tells the customer why the order failed; nothing was charged (or it was refunded). */
export function failureEmail(order: Order, shopName: string, reason: string): MailMessage {
  return {
    id: `order-failed-${order.id}`,
    to: order.customer.email,
    subject: `${shopName}: we could not complete order ${order.id}`,
    text: `Hello ${order.customer.name},

we are sorry: your order ${order.id} could not be completed.

Reason: ${reason}

${order.refundId ? `Your payment of ${formatMoney(order.total)} has been refunded.` : "Your card has not been charged."}

${shopName}
`,
  };
}
