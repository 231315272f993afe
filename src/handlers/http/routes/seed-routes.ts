import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { Order } from "../../../domain/orders/order.js";
import { FeedbackBody, type PlaceOrderBody } from "../../../domain/orders/order-schemas.js";
import { DomainError } from "../../../domain/shared/errors.js";
import { ANSWERED_IN_TRANSACTION, committedAnswer } from "../committed-answer.js";
import type { HttpEnv } from "../http-env.js";
import { placedOrderBody, publicOrder } from "../present.js";
import { signedInOnly } from "../require-role.js";
import { errorResponses, jsonContent, OrderSchema } from "../schemas.js";
import type { LifecycleUseCases } from "./lifecycle-routes.js";
import type { OrderUseCases } from "./order-routes.js";

/** What the original bakery clients could not send; documented in the README. */
export interface SeedRouteDefaults {
  /** Payment source for orders from the original API, which had no payment field. */
  paymentSource: string;
  country: string;
  /** Where to send e-mails for an order placed without one. */
  fallbackEmail: string;
}

const SeedOrderBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    address: z.string().trim().min(1).max(300),
    productId: z.union([z.string().trim().min(1).max(64), z.number().int().positive()]),
    quantity: z.number().int().min(1).max(99),
    email: z.email().max(254).optional(),
  })
  .meta({ id: "SeedOrder" });
const OrderIdBody = z.strictObject({ orderId: z.string().min(1).max(64) });
const SeedDeliveredBody = OrderIdBody.extend({
  trackingToken: z.string().max(200).optional(),
  feedback: z.union([z.string().trim().min(1).max(2000), FeedbackBody]).optional(),
  rating: z.number().int().min(1).max(5).optional(),
})
  .refine((body) => typeof body.feedback !== "string" || body.rating !== undefined, {
    path: ["rating"],
    message: "Give a rating (1-5) with text feedback",
  })
  .refine((body) => typeof body.feedback !== "object" || body.rating === undefined, {
    path: ["rating"],
    message: "Give the rating inside feedback, or with text feedback here, not both",
  })
  .meta({ id: "SeedDelivered" });

/** This body has one line, at its top level: a refusal naming `items.0.productId` names `productId`. */
function inOriginalFields(error: unknown): unknown {
  if (!(error instanceof DomainError) || !error.fields) return error;
  for (const field of error.fields) field.path = field.path.replace(/^items\.0\./, "");
  return error;
}

const json = <S extends z.ZodType>(schema: S) => ({
  body: { content: { "application/json": { schema } }, required: true },
});
const tags = ["Bakery (original API)"];

/** The bakery's original routes, kept working with their original bodies and mapped to the same use cases. */
export function registerSeedRoutes(
  app: OpenAPIHono<HttpEnv>,
  useCases: OrderUseCases & LifecycleUseCases,
  defaults: SeedRouteDefaults,
  publicUrl: string,
) {
  app.openapi(
    createRoute({
      method: "post",
      path: "/order",
      tags,
      summary: "Place a guest order the original way (productId may be the catalog number)",
      ...ANSWERED_IN_TRANSACTION,
      request: json(SeedOrderBody),
      responses: {
        201: jsonContent(
          z.object({ orderId: z.string(), trackingToken: z.string(), trackingUrl: z.string(), order: OrderSchema }),
          "Accepted",
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const input: PlaceOrderBody = {
        items: [{ productId: String(body.productId), quantity: body.quantity }],
        customer: { name: body.name, email: body.email ?? defaults.fallbackEmail },
        deliveryAddress: { line1: body.address, city: "-", postalCode: "-", country: defaults.country },
        payment: { card: defaults.paymentSource },
      };
      const answer = committedAnswer(c, 201, (order: Order) => {
        const placed = placedOrderBody(order, publicUrl);
        return {
          orderId: order.id,
          trackingToken: placed.trackingToken,
          trackingUrl: placed.trackingUrl,
          order: placed.order,
        };
      });
      const order = await useCases.placeOrder(input, c.get("actor"), answer.options).catch((error: unknown) => {
        throw inOriginalFields(error);
      });
      return c.json(answer.body(order), 201);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/order/fulfilled",
      tags,
      summary: "Mark an order fulfilled the original way (maker)",
      ...signedInOnly,
      ...ANSWERED_IN_TRANSACTION,
      request: json(OrderIdBody),
      responses: { 200: jsonContent(OrderSchema, "Fulfilled"), ...errorResponses },
    }),
    async (c) => {
      const answer = committedAnswer(c, 200, publicOrder);
      const order = await useCases.markFulfilled(c.req.valid("json").orderId, c.get("actor"), answer.options);
      return c.json(answer.body(order), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/order/delivered",
      tags,
      summary: "Mark an order delivered the original way, optionally with feedback",
      request: json(SeedDeliveredBody),
      responses: {
        200: jsonContent(OrderSchema, "Delivered (and reviewed when feedback was given)"),
        ...errorResponses,
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const base = c.get("actor");
      const actor = body.trackingToken ? { ...base, trackingToken: body.trackingToken } : base;
      const correlationId = c.get("correlationId");
      let order = await useCases.markDelivered(body.orderId, actor, {
        correlationId,
        withFeedback: body.feedback !== undefined,
      });
      if (body.feedback !== undefined) {
        const feedback =
          typeof body.feedback === "string" ? { rating: body.rating ?? 5, comment: body.feedback } : body.feedback;
        order = await useCases.leaveFeedback(body.orderId, feedback, actor, { correlationId });
      }
      return c.json(publicOrder(order), 200);
    },
  );
}
