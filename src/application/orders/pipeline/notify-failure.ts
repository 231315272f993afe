import { failureEmail } from "../order-emails.js";
import { loadOrder } from "../order-items.js";
import type { PipelineDeps, StepInput } from "./pipeline-deps.js";

/** E-mails the customer why the order failed; the mailer sends it once however often this runs. */
export function makeNotifyFailure({ store, mailer, shop }: Pick<PipelineDeps, "store" | "mailer" | "shop">) {
  return async ({ orderId }: StepInput) => {
    const order = await loadOrder(store, orderId);
    if (order.status !== "failed") return { orderId };
    await mailer.send(failureEmail(order, shop.shopName, order.failureReason ?? "Unknown"));
    return { orderId };
  };
}
