import type { Order, TimelineEvent } from "../api/client";
import { useAuth } from "../auth";
import { useCart } from "../cart";
import { useRouter } from "../router";

type FailureCode = NonNullable<Order["failureCode"]>;

const ADVICE = {
  refused: "Nothing was charged. Put the cakes back in your cart, change what we cannot supply, and order again.",
  declined:
    "Nothing was charged to your card, and the cakes went back on the shelf. You can try again with another card.",
  other: "The cakes went back on the shelf. You can order them again.",
};
type Advice = keyof typeof ADVICE;

/** The advice for each failure code (the checkout codes are an auction's, never an order's). */
const ADVICE_BY_CODE: Record<FailureCode, Advice> = {
  OUT_OF_STOCK: "refused",
  PRODUCT_UNAVAILABLE: "refused",
  ORDER_NOT_PENDING: "refused",
  PAYMENT_DECLINED: "declined",
  PAYMENT_UNAVAILABLE: "other",
  PAYMENT_TIMEOUT: "other",
  CHECKOUT_EXPIRED: "other",
  NOT_THE_WINNER: "other",
  NO_PAYMENT_DETAILS: "other",
  PROCESSING_ERROR: "other",
};

/**
 * What the customer can do about a failed order, by its failure code; an order failed before codes were
 * recorded has none, and is read by the error its `order_failed` event names.
 */
function failureAdvice(order: Order, failed: TimelineEvent | undefined): Advice {
  // A code this page does not know yet (a tab left open across an upgrade) gets the general advice.
  if (order.failureCode) return ADVICE_BY_CODE[order.failureCode] ?? "other";
  const error = failed?.data.error;
  return error === "OrderRejectedError" ? "refused" : error === "PaymentDeclinedError" ? "declined" : "other";
}

/**
 * Why an order failed and what to do about it. Its own customer may put the cakes back in the cart (the
 * checkout keeps the details they typed); after a declined card, straight back to checkout for another.
 */
export function OrderFailed({ order, timeline, token }: { order: Order; timeline: TimelineEvent[]; token?: string }) {
  const { user } = useAuth();
  const { navigate } = useRouter();
  const cart = useCart();
  const advice = failureAdvice(
    order,
    timeline.find((event) => event.type === "order_failed"),
  );
  const mine = token !== undefined || (!!user && user.id === order.customer.userId);
  const putBack = (then: "/cart" | "/checkout") => {
    for (const line of order.lines) cart.add(line.productId, line.quantity);
    navigate(then);
  };
  return (
    <div className="state state--error" role="alert">
      <h2>We could not take this order</h2>
      <p>{order.failureReason ?? "The payment did not go through."}</p>
      <p>{ADVICE[advice]}</p>
      {mine && (
        <div className="actions actions--row">
          {advice === "declined" && (
            <button type="button" className="button" onClick={() => putBack("/checkout")}>
              Pay with another card
            </button>
          )}
          <button
            type="button"
            className={advice === "declined" ? "button button--ghost" : "button"}
            onClick={() => putBack("/cart")}
          >
            Put these cakes back in my cart
          </button>
        </div>
      )}
    </div>
  );
}
