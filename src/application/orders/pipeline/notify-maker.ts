import { OrderEvent } from "../../../domain/orders/order-events.js";
import { when } from "../../../ports/item-store.js";
import { commitOnce } from "../../shared/commit-once.js";
import { orderEvent } from "../new-event.js";
import { makerEmail } from "../order-emails.js";
import { loadOrder, orderKey } from "../order-items.js";
import type { PipelineDeps, StepInput } from "./pipeline-deps.js";

const DUE_HOURS = 24;

/** E-mails the maker what to bake (once) and records `maker_notified` on the timeline. */
export function makeNotifyMaker(deps: Pick<PipelineDeps, "store" | "ids" | "clock" | "mailer" | "shop">) {
  const { store, mailer, shop, clock } = deps;
  return async ({ orderId }: StepInput) => {
    const order = await loadOrder(store, orderId);
    if (order.makerNotifiedAt) return { orderId };
    const dueBy = new Date(Date.parse(order.createdAt) + DUE_HOURS * 3_600_000).toISOString();
    const sent = await mailer.send(makerEmail(order, shop.makerEmail, shop.shopName, dueBy));
    const now = clock.now().toISOString();
    await commitOnce(
      store,
      [
        {
          op: "update",
          key: orderKey(order.id),
          update: { set: { makerNotifiedAt: now } },
          condition: when.lacks("makerNotifiedAt"),
        },
      ],
      [orderEvent(deps, order.id, OrderEvent.makerNotified, { dueBy, messageId: sent.messageId })],
    );
    return { orderId };
  };
}
