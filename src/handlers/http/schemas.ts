import { z } from "zod";
import { ORDER_STATUSES } from "../../domain/orders/order.js";
import { FAILURE_CODES, type FailureCode } from "../../domain/orders/order-errors.js";

/** Response schemas for the OpenAPI document; request schemas live in the domain. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: "VALIDATION_FAILED" }),
      message: z.string(),
      fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: "Error" });

const Money = z.object({ amount: z.number().int(), currency: z.string() }).meta({ id: "Money" });

export const ProductSchema = z
  .object({
    id: z.string(),
    number: z.number().int(),
    name: z.string(),
    description: z.string(),
    price: Money,
    stock: z.number().int(),
    imageUrl: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Product" });

/** What each failure code tells a client, for the OpenAPI document. */
const FAILURE_CODE_MEANINGS: Record<FailureCode, string> = {
  OUT_OF_STOCK: "not enough of a product was left",
  PRODUCT_UNAVAILABLE: "a product is no longer sold",
  ORDER_NOT_PENDING: "the order stopped waiting to be processed (for instance its payment details expired)",
  PAYMENT_DECLINED: "the card was declined; another card may work",
  PAYMENT_UNAVAILABLE: "the payment provider kept failing",
  PAYMENT_TIMEOUT: "taking the payment did not finish in time",
  CHECKOUT_EXPIRED: "the time to pay for the auction passed, or the auction lapsed",
  NOT_THE_WINNER: "the buyer is not the winner of a sold auction (any more)",
  NO_PAYMENT_DETAILS: "the checkout's payment details were gone",
  PROCESSING_ERROR: "anything else: a problem on the shop's side",
};

export const FailureCodeSchema = z.enum(FAILURE_CODES).meta({
  id: "FailureCode",
  description: `Why it failed, machine-readable and stable (\`failureReason\` says it in words for the customer); absent when it failed before codes were recorded. ${Object.entries(
    FAILURE_CODE_MEANINGS,
  )
    .map(([code, meaning]) => `${code}: ${meaning}.`)
    .join(" ")}`,
});

export const OrderSchema = z
  .object({
    id: z.string(),
    status: z.enum(ORDER_STATUSES),
    customer: z.object({ name: z.string(), email: z.string(), userId: z.string().optional() }),
    deliveryAddress: z.object({
      line1: z.string(),
      line2: z.string().optional(),
      city: z.string(),
      postalCode: z.string(),
      country: z.string(),
    }),
    lines: z.array(
      z.object({
        productId: z.string(),
        name: z.string(),
        quantity: z.number().int(),
        unitPrice: Money,
        lineTotal: Money,
      }),
    ),
    total: Money,
    notes: z.string().optional(),
    paymentLast4: z.string(),
    failureReason: z.string().optional(),
    failureCode: FailureCodeSchema.optional(),
    feedback: z.object({ rating: z.number().int(), comment: z.string().optional(), at: z.string() }).optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Order" });

export const TimelineEventSchema = z
  .object({
    seq: z.number().int(),
    id: z.string(),
    type: z.string(),
    at: z.string(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: "TimelineEvent" });

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).optional(),
  cursor: z.string().max(500).optional(),
});

/** What an `Idempotency-Key` may be: 1 to 255 visible ASCII characters. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The `Idempotency-Key` header, documented on every mutating route (`documentIdempotencyKey`). The
 * idempotency middleware checks it; a route-level header schema would copy all request headers into an
 * object on each request only to read this one.
 */
export const idempotencyKeyParameter = {
  name: "idempotency-key",
  in: "header",
  required: false,
  description:
    "Send one to retry safely: the same key, body (as JSON data: key order and spacing aside) and query replay the first answer (a request racing the first gets that answer too); another body or query gets 422.",
  schema: { type: "string", minLength: 1, maxLength: 255, pattern: IDEMPOTENCY_KEY.source },
} as const;

export function jsonContent<S extends z.ZodType>(schema: S, description: string) {
  return { description, content: { "application/json": { schema } } };
}

export const errorResponses = {
  400: jsonContent(ErrorSchema, "Invalid request: `fields` lists each offending field"),
  401: jsonContent(ErrorSchema, "Not signed in, or the token is invalid, expired or revoked (SESSION_REVOKED)"),
  403: jsonContent(ErrorSchema, "Signed in without the role this needs"),
  404: jsonContent(ErrorSchema, "Not found (or not yours)"),
  409: jsonContent(ErrorSchema, "Conflicts with the current state"),
  422: jsonContent(ErrorSchema, "Understood but refused"),
  413: jsonContent(ErrorSchema, "PAYLOAD_TOO_LARGE: the JSON body is over 1 MiB"),
  415: jsonContent(ErrorSchema, "UNSUPPORTED_MEDIA_TYPE: the body is not JSON"),
};

/** What a route that hashes a password answers while as many hashes wait as the server takes. */
export const tooBusy = jsonContent(
  ErrorSchema,
  "TOO_BUSY: many people are signing in right now; try again after Retry-After",
);

/** What a live-update route answers when the server has as many streams open as it takes. */
export const tooManyStreams = jsonContent(
  ErrorSchema,
  "TOO_MANY_STREAMS: as many live updates are open as the server takes; try again after Retry-After",
);
