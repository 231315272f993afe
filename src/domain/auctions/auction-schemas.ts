import { z } from "zod";
import { DeliveryAddressSchema, PlaceOrderBody } from "../orders/order-schemas.js";

const MAX_DURATION_MS = 30 * 24 * 3600 * 1000;
const MIN_DURATION_MS = 60 * 1000;
const cents = z.number().int("Use whole cents").positive().max(100_000_000);
const instant = z.iso.datetime({ offset: true }).meta({ example: "2026-12-01T18:00:00Z" });

const fields = {
  title: z.string().trim().min(3).max(120),
  description: z.string().trim().max(5000).default(""),
  productId: z.string().trim().min(1).max(64).optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .default("EUR"),
  startingPrice: cents,
  reservePrice: cents.optional(),
  buyNowPrice: cents.optional(),
  startsAt: instant,
  endsAt: instant,
};

type AuctionTerms = {
  startingPrice: number;
  reservePrice?: number;
  buyNowPrice?: number;
  startsAt: string;
  endsAt: string;
};

/** Cross-field rules shared by create and update (applied to the merged result on update). */
export function termsProblems(terms: AuctionTerms): Array<{ path: string; message: string }> {
  const problems: Array<{ path: string; message: string }> = [];
  const duration = Date.parse(terms.endsAt) - Date.parse(terms.startsAt);
  if (!(duration > 0)) problems.push({ path: "endsAt", message: "The auction must end after it starts" });
  else if (duration < MIN_DURATION_MS) problems.push({ path: "endsAt", message: "An auction lasts at least a minute" });
  else if (duration > MAX_DURATION_MS) problems.push({ path: "endsAt", message: "An auction lasts at most 30 days" });
  if (terms.reservePrice !== undefined && terms.reservePrice < terms.startingPrice) {
    problems.push({ path: "reservePrice", message: "The reserve cannot be below the starting price" });
  }
  if (terms.buyNowPrice !== undefined) {
    const floor = Math.max(terms.startingPrice, terms.reservePrice ?? 0);
    if (terms.buyNowPrice <= floor) {
      problems.push({ path: "buyNowPrice", message: "Buy-now must be above the starting price and the reserve" });
    }
  }
  return problems;
}

export const CreateAuctionBody = z
  .strictObject(fields)
  .superRefine((body, ctx) => {
    for (const problem of termsProblems(body))
      ctx.addIssue({ code: "custom", path: [problem.path], message: problem.message });
  })
  .meta({ id: "CreateAuction" });
export type CreateAuctionBody = z.infer<typeof CreateAuctionBody>;

export const UpdateAuctionBody = z
  .strictObject({
    title: fields.title.optional(),
    description: z.string().trim().max(5000).optional(),
    startingPrice: cents.optional(),
    reservePrice: cents.optional(),
    buyNowPrice: cents.optional(),
    startsAt: instant.optional(),
    endsAt: instant.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, "Give at least one field to change")
  .meta({ id: "UpdateAuction" });
export type UpdateAuctionBody = z.infer<typeof UpdateAuctionBody>;

/** The winner's checkout: where to deliver and how to pay. */
export const CheckoutBody = z
  .strictObject({
    deliveryAddress: DeliveryAddressSchema,
    payment: z.strictObject({ card: PlaceOrderBody.shape.payment.shape.card }),
  })
  .meta({ id: "AuctionCheckout" });
export type CheckoutBody = z.infer<typeof CheckoutBody>;

export const BidBody = z.strictObject({ amount: cents }).meta({ id: "Bid" });
export type BidBody = z.infer<typeof BidBody>;
