import { DomainError } from "../shared/errors.js";

/** The pipeline refused the order for a business reason the customer can act on (stock, product gone). */
export class OrderRejectedError extends DomainError {
  override name = "OrderRejectedError";
  constructor(code: "OUT_OF_STOCK" | "PRODUCT_UNAVAILABLE" | "ORDER_NOT_PENDING", message: string) {
    super(code, "conflict", message);
  }
}

/** Error names (as a workflow reports them) whose message is written for the customer. */
export const CUSTOMER_READABLE_ERRORS = ["OrderRejectedError", "PaymentDeclinedError", "PaymentUnavailableError"];

/**
 * The reason shown to the customer for a failed order, never leaking internal errors; `refunded` says
 * whether a charge was made and refunded (a provider's lost answer may have charged the card after all).
 */
export function customerReason(errorName: string | undefined, message: string | undefined, refunded: boolean): string {
  const payment = refunded ? "Your payment has been refunded." : "You have not been charged.";
  if (errorName && message && CUSTOMER_READABLE_ERRORS.includes(errorName)) {
    if (errorName === "PaymentUnavailableError") {
      return `The payment provider did not respond, so the order was cancelled. ${payment}`;
    }
    return message;
  }
  return `We could not complete your order because of a problem on our side. ${payment}`;
}
