import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { makeGetOrder } from "../../../application/orders/get-order.js";
import type { makeGetReceipt } from "../../../application/orders/get-receipt.js";
import type { makeListOrders } from "../../../application/orders/list-orders.js";
import type { makePlaceOrder } from "../../../application/orders/place-order.js";
import { ORDER_STATUSES, type Order } from "../../../domain/orders/order.js";
import { PlaceOrderBody } from "../../../domain/orders/order-schemas.js";
import { ANSWERED_IN_TRANSACTION, committedAnswer } from "../committed-answer.js";
import type { HttpEnv } from "../http-env.js";
import { placedOrderBody, publicEvent, publicOrder } from "../present.js";
import { signedInOnly } from "../require-role.js";
import { errorResponses, jsonContent, OrderSchema, PageQuery, TimelineEventSchema } from "../schemas.js";

export interface OrderUseCases {
  placeOrder: ReturnType<typeof makePlaceOrder>;
  getOrder: ReturnType<typeof makeGetOrder>;
  listOrders: ReturnType<typeof makeListOrders>;
  getReceipt: ReturnType<typeof makeGetReceipt>;
}

const OrderId = z.object({ id: z.string().min(1).max(64) });
const orderLocation = (order: Order) => `/orders/${order.id}`;
const TrackingQuery = z.object({
  token: z.string().max(200).optional().meta({ description: "A guest's tracking token" }),
});
const PlacedOrder = z
  .object({ order: OrderSchema, trackingToken: z.string(), trackingUrl: z.string() })
  .meta({ id: "PlacedOrder" });
const OrderWithTimeline = z
  .object({ order: OrderSchema, timeline: z.array(TimelineEventSchema) })
  .meta({ id: "OrderWithTimeline" });
const OrderPage = z.object({ items: z.array(OrderSchema), cursor: z.string().optional() }).meta({ id: "OrderPage" });
const ListQuery = PageQuery.extend({
  status: z.enum(ORDER_STATUSES).optional(),
  order: z.enum(["newest", "oldest"]).optional(),
});

export function registerOrderRoutes(app: OpenAPIHono<HttpEnv>, useCases: OrderUseCases, publicUrl: string) {
  app.openapi(
    createRoute({
      method: "post",
      path: "/orders",
      tags: ["Orders"],
      summary: "Place an order (guests too); the pipeline then reserves stock, charges and confirms it",
      ...ANSWERED_IN_TRANSACTION,
      request: {
        body: { content: { "application/json": { schema: PlaceOrderBody } }, required: true },
      },
      responses: { 201: jsonContent(PlacedOrder, "Accepted; follow it with the tracking URL"), ...errorResponses },
    }),
    async (c) => {
      const answer = committedAnswer(c, 201, (order: Order) => placedOrderBody(order, publicUrl), orderLocation);
      const order = await useCases.placeOrder(c.req.valid("json"), c.get("actor"), answer.options);
      return c.json(answer.body(order), 201);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/orders",
      tags: ["Orders"],
      summary: "Your orders, newest first (staff see all and may filter by status)",
      ...signedInOnly,
      request: { query: ListQuery },
      responses: {
        200: jsonContent(OrderPage, "A page of orders"),
        400: errorResponses[400],
        401: errorResponses[401],
      },
    }),
    async (c) => {
      const { order, ...query } = c.req.valid("query");
      const page = await useCases.listOrders(c.get("actor"), { ...query, oldestFirst: order === "oldest" });
      return c.json({ items: page.items.map(publicOrder), ...(page.cursor ? { cursor: page.cursor } : {}) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/orders/{id}",
      tags: ["Orders"],
      summary: "An order with its timeline (its owner, staff, or a guest with the tracking token)",
      request: { params: OrderId, query: TrackingQuery },
      responses: {
        200: jsonContent(OrderWithTimeline, "The order and every event with its time"),
        404: errorResponses[404],
      },
    }),
    async (c) => {
      const view = await useCases.getOrder(c.req.valid("param").id, c.get("actor"));
      return c.json({ order: publicOrder(view.order), timeline: view.timeline.map(publicEvent) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/orders/{id}/receipt",
      tags: ["Orders"],
      summary: "The PDF receipt of a confirmed order",
      request: { params: OrderId, query: TrackingQuery },
      responses: {
        200: {
          description: "The receipt",
          content: { "application/pdf": { schema: z.string().meta({ format: "binary" }) } },
        },
        404: errorResponses[404],
      },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      const receipt = await useCases.getReceipt(id, c.get("actor"));
      return c.body(receipt.body, 200, {
        "Content-Type": receipt.contentType,
        "Content-Disposition": `inline; filename="receipt-${id}.pdf"`,
      });
    },
  );
}
