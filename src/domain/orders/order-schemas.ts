import { z } from "zod";
import { passesLuhnCheck } from "./card-number.js";

const card = z
  .string()
  .trim()
  .regex(/^(tok_[A-Za-z0-9_]{1,60}|[0-9][0-9 ]{10,22}[0-9])$/, {
    message: "Give a card number (12-19 digits) or a card token",
    abort: true,
  })
  .refine((source) => source.startsWith("tok_") || passesLuhnCheck(source.replace(/ /g, "")), {
    message: "This card number is not valid: check it for typos",
  })
  .meta({ example: "4242 4242 4242 4242" });

export const DeliveryAddressSchema = z
  .strictObject({
    line1: z.string().trim().min(1).max(200),
    line2: z.string().trim().max(200).optional(),
    city: z.string().trim().min(1).max(100),
    postalCode: z.string().trim().min(1).max(20),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, "Use a two-letter ISO 3166 country code")
      .meta({ example: "NL" }),
  })
  .meta({ id: "DeliveryAddress" });

export const LIST_EACH_PRODUCT_ONCE = "List each product once; use quantity for more";

export const OrderItemInput = z.strictObject({
  productId: z.string().trim().min(1).max(64),
  quantity: z.number().int("Quantity must be a whole number").min(1).max(99),
});

/** The body of POST /orders. Prices, totals and status are computed, never accepted from a client. */
export const PlaceOrderBody = z
  .strictObject({
    items: z
      .array(OrderItemInput)
      .min(1, "Order at least one product")
      .max(20)
      .refine((items) => new Set(items.map((i) => i.productId)).size === items.length, {
        message: LIST_EACH_PRODUCT_ONCE,
      }),
    customer: z.strictObject({
      name: z.string().trim().min(1).max(100),
      email: z.email().max(254).toLowerCase(),
    }),
    deliveryAddress: DeliveryAddressSchema,
    payment: z.strictObject({ card }),
    notes: z.string().trim().max(500).optional(),
  })
  .meta({ id: "PlaceOrder" });
export type PlaceOrderBody = z.infer<typeof PlaceOrderBody>;

/** Feedback after delivery: once per order. */
export const FeedbackBody = z
  .strictObject({
    rating: z.number().int("Give a whole number of stars").min(1).max(5),
    comment: z.string().trim().max(2000).optional(),
  })
  .meta({ id: "Feedback" });
export type FeedbackBody = z.infer<typeof FeedbackBody>;
