import { DomainError } from "../shared/errors.js";

/**
 * Why a failed order or auction checkout failed, for clients to act on (`failureReason` says it in words).
 * A closed set: anything the pipelines do not expect is PROCESSING_ERROR.
 */
export const FAILURE_CODES = [
  "OUT_OF_STOCK",
  "PRODUCT_UNAVAILABLE",
  "ORDER_NOT_PENDING",
  "PAYMENT_DECLINED",
  "PAYMENT_UNAVAILABLE",
  "PAYMENT_TIMEOUT",
  "CHECKOUT_EXPIRED",
  "NOT_THE_WINNER",
  "NO_PAYMENT_DETAILS",
  "PROCESSING_ERROR",
] as const;
export type FailureCode = (typeof FAILURE_CODES)[number];

/**
 * The error name each refusal is raised under. A workflow reports a failed step by the error's name only
 * (Step Functions' `Error`, beside the message as `Cause`), so the name is what carries the code to the
 * step that records the failure.
 */
export const REFUSAL_ERROR_NAMES = {
  OUT_OF_STOCK: "OutOfStockError",
  PRODUCT_UNAVAILABLE: "ProductUnavailableError",
  ORDER_NOT_PENDING: "OrderNotPendingError",
  CHECKOUT_EXPIRED: "CheckoutExpiredError",
  NOT_THE_WINNER: "NotTheWinnerError",
  NO_PAYMENT_DETAILS: "NoPaymentDetailsError",
} as const satisfies Partial<Record<FailureCode, string>>;

/** The pipeline refused the order for a business reason the customer can act on (stock, product gone). */
export class OrderRejectedError extends DomainError {
  constructor(code: "OUT_OF_STOCK" | "PRODUCT_UNAVAILABLE" | "ORDER_NOT_PENDING", message: string) {
    super(code, "conflict", message);
    this.name = REFUSAL_ERROR_NAMES[code];
  }
}

/** The failure code of each error name a workflow can end in; see failureCode. */
const FAILURE_CODE_BY_ERROR_NAME: ReadonlyMap<string, FailureCode> = new Map<string, FailureCode>([
  ...Object.entries(REFUSAL_ERROR_NAMES).map(([code, name]) => [name, code as FailureCode] as const),
  ["PaymentDeclinedError", "PAYMENT_DECLINED"],
  // What is left of a PaymentUnavailableError once the charge step's retries are spent.
  ["PaymentUnavailableError", "PAYMENT_UNAVAILABLE"],
  // Only the charge steps (ChargePayment, ChargeWinner) have a TimeoutSeconds in workflows/.
  ["States.Timeout", "PAYMENT_TIMEOUT"],
]);

/** The failure code of the error (by name, as a workflow reports it) an order or checkout failed with. */
export function failureCode(errorName: string | undefined): FailureCode {
  return (errorName !== undefined && FAILURE_CODE_BY_ERROR_NAME.get(errorName)) || "PROCESSING_ERROR";
}

/** Error names (as a workflow reports them) whose message is written for the customer. */
export const CUSTOMER_READABLE_ERRORS = [
  ...Object.values(REFUSAL_ERROR_NAMES),
  "PaymentDeclinedError",
  "PaymentUnavailableError",
  // The name every order refusal had before refusals were named by their code.
  "OrderRejectedError",
];

/**
 * The message of a failed step's error as a workflow reports it (`Cause`): on AWS, Step Functions gives
 * a Lambda error as the runtime's JSON (`{"errorType", "errorMessage", "trace"}`); the local interpreter
 * gives the message itself.
 */
export function causeMessage(cause: string | undefined): string | undefined {
  if (!cause?.startsWith("{")) return cause;
  try {
    const parsed: unknown = JSON.parse(cause);
    const message = (parsed as { errorMessage?: unknown } | null)?.errorMessage;
    return typeof message === "string" ? message : cause;
  } catch {
    return cause;
  }
}

/** A failed workflow step as Step Functions reports it to the step that catches it. */
export interface WorkflowError {
  Error?: string;
  Cause?: string;
}

/** How much of a cause is kept when an error is stored (a Lambda's cause carries its stack trace). */
const KEPT_CAUSE_CHARACTERS = 2000;

/** A workflow error as stored with the record of what it started (e.g. the undoing of an order). */
export function keptWorkflowError(error: WorkflowError): WorkflowError {
  return {
    ...(error.Error ? { Error: error.Error } : {}),
    ...(error.Cause ? { Cause: error.Cause.slice(0, KEPT_CAUSE_CHARACTERS) } : {}),
  };
}

/**
 * The reason shown to the customer for a failed order, never leaking internal errors; `refunded` says
 * whether a charge was made and refunded (a provider's lost answer may have charged the card after all).
 */
export function customerReason(errorName: string | undefined, cause: string | undefined, refunded: boolean): string {
  const message = causeMessage(cause);
  const payment = refunded ? "Your payment has been refunded." : "You have not been charged.";
  // Only the charge steps have a time limit (workflows/*.asl.json): a timeout is the provider's silence.
  if (errorName === "States.Timeout") {
    return `The payment provider did not respond, so the order was cancelled. ${payment}`;
  }
  // The provider answered with an error (or could not be reached) on every try.
  if (errorName === "PaymentUnavailableError") {
    return `The payment provider could not process the payment, so the order was cancelled. ${payment}`;
  }
  if (errorName && message && CUSTOMER_READABLE_ERRORS.includes(errorName)) return message;
  return `We could not complete your order because of a problem on our side. ${payment}`;
}
