import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { makeOrderStats } from "../../../application/orders/order-stats.js";
import type { QueueAdmin } from "../../../ports/queue-admin.js";
import { USAGE_ITEMS, type UsageMeter } from "../../../ports/usage-meter.js";
import type { HttpEnv } from "../http-env.js";
import { publicEvent } from "../present.js";
import { rolesOnly } from "../require-role.js";
import { errorResponses, jsonContent, TimelineEventSchema } from "../schemas.js";

const QueueDepth = z
  .object({
    subscription: z.string(),
    ready: z.number().int(),
    inFlight: z.number().int(),
    delayed: z.number().int(),
    deadLetters: z.number().int(),
  })
  .meta({ id: "QueueDepth" });
const DeadLetter = z
  .object({
    subscription: z.string(),
    attempts: z.number().int(),
    error: z.string(),
    failedAt: z.string(),
    event: TimelineEventSchema.extend({ key: z.string() }),
  })
  .meta({ id: "DeadLetter" });
const RedriveBody = z
  .strictObject({
    subscription: z.string().max(100).optional(),
    eventId: z.string().min(1).max(200).optional(),
  })
  .meta({ id: "Redrive", description: "Leave both out to redrive every dead letter" });

const adminOnly = { ...rolesOnly("admin"), tags: ["Operations"] };
const adminErrors = { 401: errorResponses[401], 403: errorResponses[403] };

export function registerAdminRoutes(
  app: OpenAPIHono<HttpEnv>,
  queues: QueueAdmin,
  usage: UsageMeter,
  orderStats: ReturnType<typeof makeOrderStats>,
) {
  app.openapi(
    createRoute({
      method: "get",
      path: "/admin/stats",
      summary: "Live figures: orders and failures per minute over the last 30 minutes, and queue depths",
      ...adminOnly,
      responses: {
        200: jsonContent(
          z.object({
            perMinute: z.array(
              z.object({
                minute: z.string(),
                orders: z.number().int(),
                confirmed: z.number().int(),
                failed: z.number().int(),
              }),
            ),
            ordersLastMinute: z.number().int(),
            ordersLast30Minutes: z.number().int(),
            failedLast30Minutes: z.number().int(),
            queues: z.array(QueueDepth),
          }),
          "Figures",
        ),
        ...adminErrors,
      },
    }),
    async (c) => c.json({ ...(await orderStats()), queues: await queues.depths() }, 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/admin/usage",
      summary: "What this process's work would have been billed for on AWS, counted since it started",
      ...adminOnly,
      responses: {
        200: jsonContent(z.object({ usage: z.record(z.enum(USAGE_ITEMS), z.number()) }), "Counters per billed item"),
        ...adminErrors,
      },
    }),
    async (c) => c.json({ usage: usage.snapshot() }, 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/admin/queues",
      summary: "Depth of every event subscription (ready, in flight, delayed, dead)",
      ...adminOnly,
      responses: { 200: jsonContent(z.object({ queues: z.array(QueueDepth) }), "Queue depths"), ...adminErrors },
    }),
    async (c) => c.json({ queues: await queues.depths() }, 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/admin/dead-letters",
      summary: "Deliveries that kept failing, with their last error",
      ...adminOnly,
      request: { query: z.object({ subscription: z.string().max(100).optional() }) },
      responses: { 200: jsonContent(z.object({ items: z.array(DeadLetter) }), "Dead letters"), ...adminErrors },
    }),
    async (c) => {
      const { subscription } = c.req.valid("query");
      const items = await queues.listDeadLetters(subscription ? { subscription } : {});
      return c.json({ items: items.map((d) => ({ ...d, event: { ...publicEvent(d.event), key: d.event.key } })) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/admin/dead-letters/redrive",
      summary: "Send dead letters back for another try: one, a subscription's, or all",
      ...adminOnly,
      request: { body: { content: { "application/json": { schema: RedriveBody } }, required: true } },
      responses: {
        200: jsonContent(z.object({ redriven: z.number().int() }), "How many went back"),
        400: errorResponses[400],
        ...adminErrors,
      },
    }),
    async (c) => c.json({ redriven: await queues.redrive(c.req.valid("json")) }, 200),
  );
}
