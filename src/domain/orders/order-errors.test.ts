import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PaymentDeclinedError, PaymentUnavailableError } from "../shared/errors.js";
import {
  causeMessage,
  customerReason,
  FAILURE_CODES,
  type FailureCode,
  failureCode,
  OrderRejectedError,
  REFUSAL_ERROR_NAMES,
} from "./order-errors.js";

/** Each error the pipelines end in, by the name a workflow reports, and the code it must give. */
const RAISED: Array<[string, string, FailureCode]> = [
  [
    "validate/reserve: not enough stock",
    new OrderRejectedError("OUT_OF_STOCK", "Only 2 × Sponge left").name,
    "OUT_OF_STOCK",
  ],
  [
    "validate: product gone",
    new OrderRejectedError("PRODUCT_UNAVAILABLE", "Sponge is no longer sold").name,
    "PRODUCT_UNAVAILABLE",
  ],
  [
    "charge: no payment details",
    new OrderRejectedError("ORDER_NOT_PENDING", "No payment details").name,
    "ORDER_NOT_PENDING",
  ],
  [
    "gateway: declined (any decline code)",
    new PaymentDeclinedError("Insufficient funds", "INSUFFICIENT_FUNDS").name,
    "PAYMENT_DECLINED",
  ],
  ["gateway: unavailable after the retries", new PaymentUnavailableError().name, "PAYMENT_UNAVAILABLE"],
  ["charge state: TimeoutSeconds passed", "States.Timeout", "PAYMENT_TIMEOUT"],
  ["checkout: deadline passed or auction lapsed", REFUSAL_ERROR_NAMES.CHECKOUT_EXPIRED, "CHECKOUT_EXPIRED"],
  ["checkout: not the winner", REFUSAL_ERROR_NAMES.NOT_THE_WINNER, "NOT_THE_WINNER"],
  ["checkout: payment details gone", REFUSAL_ERROR_NAMES.NO_PAYMENT_DETAILS, "NO_PAYMENT_DETAILS"],
  ["a step's own failure", "InfrastructureError", "PROCESSING_ERROR"],
];

describe("failure codes", () => {
  it.each(RAISED)("%s (%s) is %s", (_, errorName, code) => {
    expect(failureCode(errorName)).toBe(code);
  });

  it("every code is reachable from an error the pipelines raise", () => {
    expect(new Set(RAISED.map(([, , code]) => code))).toEqual(new Set(FAILURE_CODES));
  });

  it.each([
    undefined,
    "",
    "SqliteError",
    "States.TaskFailed",
    "States.ALL",
    "ConflictError",
    "CheckoutRejectedError",
    "OrderRejectedError", // what every refusal was called before: which one is not known
    "outofstockerror",
    "constructor",
    "toString",
    "__proto__",
  ])("anything unexpected (%s) is PROCESSING_ERROR", (errorName) => {
    expect(failureCode(errorName)).toBe("PROCESSING_ERROR");
  });

  it("always answers a code of the closed set", () => {
    fc.assert(fc.property(fc.option(fc.string()), (name) => FAILURE_CODES.includes(failureCode(name ?? undefined))));
  });

  it("a refusal keeps its stable code while its name carries it through a workflow", () => {
    const error = new OrderRejectedError("OUT_OF_STOCK", "Only 2 × Sponge left");
    expect(error).toMatchObject({ code: "OUT_OF_STOCK", kind: "conflict", name: "OutOfStockError" });
    expect(String(error)).toBe("OutOfStockError: Only 2 × Sponge left");
  });
});

describe("the reason a customer reads", () => {
  it.each(Object.values(REFUSAL_ERROR_NAMES))("is the message of a refusal (%s)", (name) => {
    expect(customerReason(name, "Only 2 × Sponge left", false)).toBe("Only 2 × Sponge left");
  });

  it("is still the message of a refusal named as before", () => {
    expect(customerReason("OrderRejectedError", "Sponge is sold out", false)).toBe("Sponge is sold out");
  });

  it("is the message of a refusal also as Step Functions reports a Lambda's error (the runtime's JSON)", () => {
    const cause = JSON.stringify({
      errorType: "OutOfStockError",
      errorMessage: "Only 2 × Sponge left",
      trace: ["OutOfStockError: Only 2 × Sponge left", "    at reserve (file:///var/task/index.mjs:1:2)"],
    });
    expect(customerReason("OutOfStockError", cause, false)).toBe("Only 2 × Sponge left");
    expect(causeMessage(cause)).toBe("Only 2 × Sponge left");
    expect(causeMessage("{not json")).toBe("{not json");
    expect(causeMessage('{"other":1}')).toBe('{"other":1}');
    expect(causeMessage(undefined)).toBeUndefined();
  });

  it("says the payment provider did not respond when a charge step ran out of time, and could not process it when it kept failing", () => {
    expect(customerReason("States.Timeout", "Task timed out", true)).toBe(
      "The payment provider did not respond, so the order was cancelled. Your payment has been refunded.",
    );
    expect(customerReason("PaymentUnavailableError", "The card processor had an error", false)).toBe(
      "The payment provider could not process the payment, so the order was cancelled. You have not been charged.",
    );
  });

  it("never shows an internal error", () => {
    expect(customerReason("SqliteError", "disk I/O error", true)).toBe(
      "We could not complete your order because of a problem on our side. Your payment has been refunded.",
    );
  });
});
